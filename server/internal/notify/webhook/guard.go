package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"

	"certinel.dev/server/internal/netguard"
)

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
			return fmt.Errorf("host %q resolves to %s (%s), which webhooks may not reach", host, fe.Addr, fe.Reason)
		}
		return refusal
	}
}
