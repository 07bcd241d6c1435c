package target

import (
	"math"
	"net/netip"
	"strings"
)

// ParseCIDR parses an IPv4 or IPv6 CIDR block. Host bits may be set
// ("10.0.0.7/24"); the returned prefix is masked. The count of addresses
// saturates at math.MaxUint64 for IPv6 blocks of /64 and larger.
func ParseCIDR(s string) (netip.Prefix, uint64, error) {
	if s == "" {
		return netip.Prefix{}, 0, errorf("CIDR", s, "is empty")
	}
	addrText, bitsText, found := strings.Cut(s, "/")
	switch {
	case !found:
		return netip.Prefix{}, 0, errorf("CIDR", s, `has no "/" and prefix length`)
	case addrText == "":
		return netip.Prefix{}, 0, errorf("CIDR", s, `has no address before "/"`)
	case strings.Contains(addrText, "%"):
		return netip.Prefix{}, 0, errorf("CIDR", s, "has an IPv6 zone, which is not allowed")
	case bitsText == "":
		return netip.Prefix{}, 0, errorf("CIDR", s, `has no prefix length after "/"`)
	}
	addr, err := netip.ParseAddr(addrText)
	if err != nil {
		return netip.Prefix{}, 0, errorf("CIDR", s, "has %s, which is not an IP address", quote(addrText))
	}
	if !isDigits(bitsText) {
		return netip.Prefix{}, 0, errorf("CIDR", s, "has prefix length %s, which is not a number", quote(bitsText))
	}
	bits := 0
	for i := 0; i < len(bitsText); i++ {
		// Saturate so that long digit strings cannot overflow.
		bits = min(bits*10+int(bitsText[i]-'0'), addr.BitLen()+1)
	}
	if bits > addr.BitLen() {
		return netip.Prefix{}, 0, errorf("CIDR", s, "has prefix length %s, more than %d for %s", bitsText, addr.BitLen(), family(addr))
	}
	prefix := netip.PrefixFrom(addr, bits).Masked()
	return prefix, prefixSize(prefix), nil
}

func prefixSize(p netip.Prefix) uint64 {
	hostBits := p.Addr().BitLen() - p.Bits()
	if hostBits >= 64 {
		return math.MaxUint64
	}
	return 1 << hostBits
}

func family(addr netip.Addr) string {
	if addr.Is4() {
		return "IPv4"
	}
	return "IPv6"
}
