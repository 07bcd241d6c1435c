package monitor

import (
	"maps"
	"slices"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// TestPickRepeatsOfBackends: the checks of every backend of a name repeat
// their domain's state when each presents the held chain; when one
// backend presents another chain or fails, every check of that domain is
// judged, and other domains' repeats stand.
func TestPickRepeatsOfBackends(t *testing.T) {
	now := time.Now()
	agent := "agent-1"
	check := func(target, addr string, chain ...string) wire.Result {
		return wire.Result{TargetID: target, Address: addr, ObservedAt: now.Add(-time.Minute), TLSVersion: "TLS 1.3", Chain: chain}
	}
	failed := check("lb", "192.0.2.3:443")
	failed.Error = "connection refused"
	until := now.Add(time.Hour)
	held := func(target, key string) store.HeldChain {
		return store.HeldChain{DomainID: target, ObservationID: "obs-" + target, ChainKey: key, CheckedAt: now.Add(-4 * time.Hour), JudgedUntil: &until}
	}
	same := check("lb", "", "leaf", "ca")
	heldChains := map[string]store.HeldChain{"lb": held("lb", chainKey(&agent, same)), "one": held("one", chainKey(&agent, same))}

	for _, tc := range []struct {
		name    string
		results []wire.Result
		want    []int
	}{
		{"every backend serves the held chain", []wire.Result{check("lb", "192.0.2.1:443", "leaf", "ca"), check("lb", "192.0.2.2:443", "leaf", "ca")}, []int{0, 1}},
		{"one backend serves another chain", []wire.Result{check("lb", "192.0.2.1:443", "leaf", "ca"), check("lb", "192.0.2.2:443", "old", "ca"),
			check("one", "192.0.2.9:443", "leaf", "ca")}, []int{2}},
		{"one backend fails", []wire.Result{check("lb", "192.0.2.1:443", "leaf", "ca"), failed}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slices.Sorted(maps.Keys(pickRepeats(tc.results, agent, heldChains, now)))
			if !slices.Equal(got, tc.want) {
				t.Errorf("repeats at %v, want %v", got, tc.want)
			}
		})
	}
}
