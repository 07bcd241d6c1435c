package probe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"certinel.dev/shared/wire"
)

// MaxBackends bounds the addresses of one name that are probed: a name
// behind a load balancer has a handful, and a name with hundreds would
// turn one target into a scan. The results say how many there were
// (wire.Result.Backends), so the cut is visible.
const MaxBackends = 16

// backend is one probe of a fetch: a target, and for a name resolved into
// its backends the address to connect to, the name to send as SNI, and how
// many addresses the name had.
type backend struct {
	target wire.Target
	addr   netip.Addr // zero: connect to target.Host as it is
	sni    string
	of     int
}

// backendsOf lists the probes of one target. An IP literal, or any host
// when resolve is nil, is one probe as it stands. A name is resolved into
// at most MaxBackends addresses of both families, each probed with the
// name (or the target's own SNI) as SNI; a name that does not resolve is
// the target's failure, returned as its result.
func backendsOf(ctx context.Context, t wire.Target, resolve func(context.Context, string) ([]netip.Addr, error)) ([]backend, *wire.Result) {
	if _, err := netip.ParseAddr(t.Host); err == nil || resolve == nil {
		return []backend{{target: t}}, nil
	}
	observed := time.Now().UTC()
	addrs, err := resolve(ctx, t.Host)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	if err != nil {
		e := newError(ctx, KindDNS, fmt.Errorf("resolve %s: %w", t.Host, err))
		return nil, &wire.Result{TargetID: t.ID, ObservedAt: observed, DurationMS: time.Since(observed).Milliseconds(),
			Chain: []string{}, Error: e.Error(), ErrorKind: string(e.Kind)}
	}
	addrs = distinct(addrs)
	sni := t.SNI
	if sni == "" {
		sni = t.Host
	}
	out := make([]backend, 0, min(len(addrs), MaxBackends))
	for _, a := range addrs[:min(len(addrs), MaxBackends)] {
		out = append(out, backend{target: t, addr: a, sni: sni, of: len(addrs)})
	}
	return out, nil
}

// distinct unmaps IPv4-in-IPv6 addresses, drops repeats and sorts, so the
// same answer in another order probes the same backends (and the cut at
// MaxBackends keeps the same ones).
func distinct(addrs []netip.Addr) []netip.Addr {
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, a.Unmap().WithZone(""))
	}
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(out)
}
