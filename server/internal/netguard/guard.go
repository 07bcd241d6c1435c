// Package netguard keeps the server's outbound connections made on a customer's behalf
// (certificate checks of their endpoints, webhooks) away from the server's own network:
// loopback, private ranges, link-local, cloud metadata endpoints and the like.
//
// The check runs in net.Dialer.Control, after DNS resolution, on the exact IP the socket
// is about to connect to. Checking a URL's host name up front is not enough: the name can
// resolve differently at connect time (DNS rebinding), resolve to several addresses tried
// in turn (Happy Eyeballs), or hide an address in a spelling the check did not expect.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbiddenAddress is matched (errors.Is) by every refusal; the concrete error is a
// *ForbiddenError carrying the address and the reason.
var ErrForbiddenAddress = errors.New("forbidden address")

// ForbiddenError says which address was refused and why (one of the Reason constants, or
// a tunnel prefix followed by one, such as "6to4 of loopback").
type ForbiddenError struct {
	Addr   netip.Addr
	Reason string
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("netguard: %s is %s: %v", e.Addr, e.Reason, ErrForbiddenAddress)
}

func (e *ForbiddenError) Is(target error) bool { return target == ErrForbiddenAddress }

// Guard dials TCP connections only to addresses it allows. The zero value is usable and
// refuses everything non-public. Set the fields before first use; a Guard is safe for
// concurrent use afterwards.
type Guard struct {
	// AllowPrivate lets self-hosted installs reach their own networks: it lifts every
	// built-in rule except the cloud metadata endpoints, which hand out credentials and
	// are never a legitimate certificate or webhook target.
	AllowPrivate bool
	// Timeout bounds each dial (0: only the context does).
	Timeout time.Duration
	// Deny lists extra prefixes refused even when AllowPrivate is set.
	Deny []netip.Prefix

	resolver *net.Resolver // nil: net.DefaultResolver
}

// Option configures a Guard in New.
type Option func(*Guard)

// WithResolver makes the Guard resolve names with r, so tests can answer DNS themselves.
func WithResolver(r *net.Resolver) Option { return func(g *Guard) { g.resolver = r } }

// DefaultTimeout bounds a dial made by a Guard from New.
const DefaultTimeout = 10 * time.Second

// New returns a Guard with DefaultTimeout.
func New(allowPrivate bool, opts ...Option) *Guard {
	g := &Guard{AllowPrivate: allowPrivate, Timeout: DefaultTimeout}
	for _, o := range opts {
		o(g)
	}
	return g
}

// DialContext has the signature of probe.Request.Dial and http.Transport.DialContext.
// It resolves address as net.Dialer does and refuses, before connecting, every resolved
// IP that CheckAddr refuses; with several IPs the allowed ones are still tried.
func (g *Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default: // unix sockets and UDP would bypass or not need the IP check
		return nil, fmt.Errorf("netguard: dial %s %s: network not allowed: %w", network, address, ErrForbiddenAddress)
	}
	d := net.Dialer{Timeout: g.Timeout, Resolver: g.resolver, Control: g.control}
	return d.DialContext(ctx, network, address)
}

// control runs once per socket, with the resolved "ip:port" it is about to connect to.
func (g *Guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("netguard: %s address %q: %w", network, address, ErrForbiddenAddress)
	}
	return g.CheckAddr(ap.Addr())
}

// CheckAddr returns a *ForbiddenError if the Guard would refuse to connect to ip. Dialing
// checks by itself; call this to reject a resolved URL early with a clear message.
func (g *Guard) CheckAddr(ip netip.Addr) error {
	if reason := g.reason(ip); reason != "" {
		return &ForbiddenError{Addr: ip, Reason: reason}
	}
	return nil
}

// reason returns why ip is refused, or "" if it is allowed.
func (g *Guard) reason(ip netip.Addr) string {
	// ::ffff:127.0.0.1 reaches 127.0.0.1, so it is judged as that; a zone only names the
	// interface and would stop every prefix from matching.
	ip = ip.WithZone("").Unmap()
	if !ip.IsValid() {
		return ReasonInvalid
	}
	for _, p := range g.Deny {
		if p.Contains(ip) {
			return ReasonConfigured
		}
	}
	if v4, tunnel, ok := embeddedIPv4(ip); ok {
		if inner := g.reason(v4); inner != "" {
			return tunnel + " of " + inner
		}
		return ""
	}
	reason := classify(ip)
	if g.AllowPrivate && reason != ReasonMetadata {
		return ""
	}
	return reason
}
