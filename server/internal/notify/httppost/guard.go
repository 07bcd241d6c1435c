package httppost

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"certinel.dev/server/internal/netguard"
)

// CheckHost reports why a channel's URL host must not be used, for an early, clear field
// error when the channel is saved. Delivery does not rely on it: the guarded HTTP client
// checks every address it connects to.
type CheckHost func(ctx context.Context, host string) error

// GuardHost returns a CheckHost that refuses a host when g would refuse every address
// it resolves to, or when it does not exist. Other lookup failures pass: a DNS hiccup
// should not block saving a channel, and delivery is guarded anyway. A nil resolver is
// net.DefaultResolver.
func GuardHost(g *netguard.Guard, r *net.Resolver) CheckHost {
	if r == nil {
		r = net.DefaultResolver
	}
	return func(ctx context.Context, host string) error {
		addrs, err := r.LookupNetIP(ctx, "ip", host)
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return fmt.Errorf("host %q does not resolve", host)
		}
		if err != nil || len(addrs) == 0 {
			return nil
		}
		var refusal error
		for _, a := range addrs {
			if refusal = g.CheckAddr(a.Unmap()); refusal == nil {
				return nil
			}
		}
		var fe *netguard.ForbiddenError
		if errors.As(refusal, &fe) {
			return fmt.Errorf("host %q resolves to %s (%s), which alert channels may not reach", host, fe.Addr, fe.Reason)
		}
		return refusal
	}
}

// Except passes the known public hosts of a provider (a Description's Hosts) without a
// lookup, so saving a channel to PagerDuty never depends on the server's DNS at that
// moment. Delivery to them is still guarded. A nil check stays nil: nothing is checked.
func (c CheckHost) Except(hosts ...string) CheckHost {
	if c == nil {
		return nil
	}
	return func(ctx context.Context, host string) error {
		if slices.ContainsFunc(hosts, func(h string) bool { return strings.EqualFold(h, host) }) {
			return nil
		}
		return c(ctx, host)
	}
}
