package monitor_test

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// TestMovedNameIsNotFailedUptake: a name moves from one address to
// another that serves a renewed certificate. The old address's last check
// stays on record for a few cycles, but it was made before the new address
// was ever seen: nothing served the older certificate while another
// backend served the newer, so nothing is flagged and no failed-uptake
// alert opens.
func TestMovedNameIsNotFailedUptake(t *testing.T) {
	newer, _ := leafCert(t, "moved.example", time.Now().Add(-time.Hour))
	older, _ := leafCert(t, "moved.example", time.Now().Add(-60*24*time.Hour))
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			port, _, _ := backendPair(t, newer, older)
			st, org, agent, dom, ing, ev := agentDomain(t, d, "moved.example", port)
			// check probes the name while it resolves to addr alone, as of at.
			check := func(batch, addr string, at time.Time) {
				t.Helper()
				resolve := func(context.Context, string) ([]netip.Addr, error) {
					return []netip.Addr{netip.MustParseAddr(addr)}, nil
				}
				var mu sync.Mutex
				var out []wire.Result
				probe.Fetch(ctx, []wire.Target{{ID: dom.ID, Host: "moved.example", Port: port}},
					probe.FetchOptions{Concurrency: 1, Timeout: 2 * time.Second, Resolve: resolve}, func(r wire.Result) {
						mu.Lock()
						defer mu.Unlock()
						r.ObservedAt = at
						out = append(out, r)
					})
				resp, err := ing.IngestAgent(ctx, agent, wire.ResultsRequest{BatchID: batch, Results: out})
				if err != nil || len(out) != 1 || resp.Accepted != 1 {
					t.Fatalf("ingest of %s: %d results, %+v, %v", addr, len(out), resp, err)
				}
				if _, err := ev.Pass(ctx, ""); err != nil {
					t.Fatal(err)
				}
			}
			// The name served the older certificate from 127.0.0.2 one
			// cycle ago, and now serves the renewed one from 127.0.0.1.
			check("before", "127.0.0.2", time.Now().Add(-store.DefaultAgentInterval))
			check("after", "127.0.0.1", time.Now())

			rows, err := st.DomainBackends(ctx, org.ID, []string{dom.ID}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows[dom.ID]) != 2 {
				t.Fatalf("backends kept: %+v, want the old address's check still on record", rows[dom.ID])
			}
			if flagged := monitor.StaleBackends(rows[dom.ID]); len(flagged) != 0 {
				t.Errorf("flagged %v after the name moved", flagged)
			}
			got, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeStaleBackend, DomainID: dom.ID}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 {
				t.Errorf("failed-uptake alerts after the name moved: %+v", got)
			}
		})
	}
}
