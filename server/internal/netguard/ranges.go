package netguard

import "net/netip"

// Reasons a destination is refused. They are stable strings so that callers can show a
// user why a URL was rejected without echoing internal error text.
const (
	ReasonUnspecified    = "unspecified"
	ReasonLoopback       = "loopback"
	ReasonPrivate        = "private"
	ReasonLinkLocal      = "link-local"
	ReasonMetadata       = "metadata"
	ReasonCGNAT          = "cgnat"
	ReasonMulticast      = "multicast"
	ReasonBroadcast      = "broadcast"
	ReasonDocumentation  = "documentation"
	ReasonReserved       = "reserved"
	ReasonIPv4Compatible = "ipv4-compatible"
	ReasonTeredo         = "teredo"
	ReasonConfigured     = "denied by configuration"
	ReasonInvalid        = "invalid address"
)

type rule struct {
	prefix netip.Prefix
	reason string
}

func mustRule(prefix, reason string) rule { return rule{netip.MustParsePrefix(prefix), reason} }

// ipv4Rules and ipv6Rules are searched in order and the first match wins, so a metadata
// endpoint is listed before the range that contains it: its reason must survive AllowPrivate.
var ipv4Rules = []rule{
	mustRule("0.0.0.0/8", ReasonUnspecified), // Linux connects 0.0.0.0 to the local host
	mustRule("10.0.0.0/8", ReasonPrivate),
	mustRule("100.100.100.200/32", ReasonMetadata), // Alibaba Cloud
	mustRule("100.64.0.0/10", ReasonCGNAT),
	mustRule("127.0.0.0/8", ReasonLoopback),
	mustRule("168.63.129.16/32", ReasonMetadata),   // Azure WireServer: a public-looking platform endpoint
	mustRule("169.254.169.254/32", ReasonMetadata), // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack
	mustRule("169.254.170.2/32", ReasonMetadata),   // AWS ECS task credentials
	mustRule("169.254.0.0/16", ReasonLinkLocal),
	mustRule("172.16.0.0/12", ReasonPrivate),
	mustRule("192.0.0.192/32", ReasonMetadata), // Oracle Cloud (legacy)
	mustRule("192.0.0.0/24", ReasonReserved),   // IETF protocol assignments
	mustRule("192.0.2.0/24", ReasonDocumentation),
	mustRule("192.88.99.0/24", ReasonReserved), // retired 6to4 relay anycast
	mustRule("192.168.0.0/16", ReasonPrivate),
	mustRule("198.18.0.0/15", ReasonReserved), // benchmarking
	mustRule("198.51.100.0/24", ReasonDocumentation),
	mustRule("203.0.113.0/24", ReasonDocumentation),
	mustRule("224.0.0.0/4", ReasonMulticast),
	mustRule("255.255.255.255/32", ReasonBroadcast),
	mustRule("240.0.0.0/4", ReasonReserved),
}

var ipv6Rules = []rule{
	mustRule("::/128", ReasonUnspecified),
	mustRule("::1/128", ReasonLoopback),
	mustRule("::/96", ReasonIPv4Compatible),   // deprecated; some stacks still route it as the IPv4 inside
	mustRule("64:ff9b:1::/48", ReasonPrivate), // local-use NAT64 (RFC 8215): translates into the local network
	mustRule("100::/64", ReasonReserved),      // discard-only
	mustRule("2001::/32", ReasonTeredo),       // a tunnel whose far end the address does not tell us
	mustRule("2001:2::/48", ReasonReserved),   // benchmarking
	mustRule("2001:10::/28", ReasonReserved),  // ORCHID
	mustRule("2001:20::/28", ReasonReserved),  // ORCHIDv2
	mustRule("2001:db8::/32", ReasonDocumentation),
	mustRule("3fff::/20", ReasonDocumentation),
	mustRule("5f00::/16", ReasonReserved),         // SRv6 segment identifiers
	mustRule("fd00:ec2::254/128", ReasonMetadata), // AWS IMDS over IPv6
	mustRule("fc00::/7", ReasonPrivate),
	mustRule("fe80::/10", ReasonLinkLocal),
	mustRule("fec0::/10", ReasonPrivate), // deprecated site-local
	mustRule("ff00::/8", ReasonMulticast),
}

// globalUnicast is all of IPv6 that is routed on the internet today; anything outside it
// (and not handled above) has no business being a customer's endpoint.
var globalUnicast = netip.MustParsePrefix("2000::/3")

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	sixToV4 = netip.MustParsePrefix("2002::/16")
)

// classify returns why ip is refused by the built-in ranges, or "" for a public address.
// ip must be unmapped and carry no zone: netip.Prefix.Contains never matches otherwise.
func classify(ip netip.Addr) string {
	rules := ipv4Rules
	if ip.Is6() {
		rules = ipv6Rules
	}
	for _, rl := range rules {
		if rl.prefix.Contains(ip) {
			return rl.reason
		}
	}
	if ip.Is6() && !globalUnicast.Contains(ip) {
		return ReasonReserved
	}
	return ""
}

// embeddedIPv4 returns the IPv4 address that a translation or tunnel prefix delivers to,
// so that 64:ff9b::a00:1 is judged as 10.0.0.1 rather than as an opaque IPv6 address.
func embeddedIPv4(ip netip.Addr) (v4 netip.Addr, tunnel string, ok bool) {
	b := ip.As16()
	switch {
	case !ip.Is6():
		return netip.Addr{}, "", false
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), "nat64", true
	case sixToV4.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), "6to4", true
	}
	return netip.Addr{}, "", false
}
