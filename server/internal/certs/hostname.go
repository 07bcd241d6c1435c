package certs

import (
	"crypto/x509"
	"fmt"
	"net/netip"
	"strings"
)

// Reasons for a successful match are constants so that the common case
// allocates nothing; the matched SAN is reported separately.
const (
	reasonDNSSAN = "matches a DNS name of the certificate"
	reasonIPSAN  = "matches an IP address of the certificate"
)

// matchHostname checks name against the leaf's subject alternative names
// the way browsers and Go's crypto/tls do (RFC 6125 without the Common Name
// fallback), and explains a mismatch. matchedBy is the SAN that matched.
func matchHostname(c *x509.Certificate, name string) (ok bool, reason, matchedBy string) {
	name = strings.TrimSuffix(name, ".")
	if len(name) > 2 && name[0] == '[' && name[len(name)-1] == ']' {
		name = name[1 : len(name)-1]
	}
	if addr, err := netip.ParseAddr(name); err == nil {
		return matchIP(c, addr.WithZone("").Unmap(), name)
	}
	if !isASCII(name) {
		return false, fmt.Sprintf("%q is not ASCII: give internationalized names in punycode (xn--...)", name), ""
	}
	if strings.Contains(name, "*") {
		return false, fmt.Sprintf("%q contains a wildcard: the target must be a concrete name", name), ""
	}
	for _, san := range c.DNSNames {
		if matchDNS(san, name) {
			return true, reasonDNSSAN, san
		}
	}
	return false, mismatchReason(c, name, "DNS name"), ""
}

// matchIP compares addresses after unmapping, so ::ffff:10.0.0.1 and
// 10.0.0.1 are the same target, as they are on the wire.
func matchIP(c *x509.Certificate, addr netip.Addr, name string) (bool, string, string) {
	for _, ip := range c.IPAddresses {
		san, ok := netip.AddrFromSlice(ip)
		if ok && san.Unmap() == addr {
			return true, reasonIPSAN, name
		}
	}
	reason := mismatchReason(c, name, "IP address")
	for _, san := range c.DNSNames {
		if san == name || san == addr.String() {
			reason += "; the address is listed as a DNS name, which clients do not accept for IP targets"
			break
		}
	}
	return false, reason, ""
}

func mismatchReason(c *x509.Certificate, name, kind string) string {
	reason := fmt.Sprintf("no %s of the certificate matches %q", kind, name)
	if len(c.DNSNames) == 0 && len(c.IPAddresses) == 0 {
		reason = fmt.Sprintf("the certificate has no subject alternative names, so nothing matches %q", name)
	}
	if cn := c.Subject.CommonName; cn != "" && (matchDNS(cn, name) || cn == name) {
		reason += "; the Common Name matches, but clients ignore the Common Name when a name is checked"
	}
	return reason
}

// matchDNS applies RFC 6125 wildcard rules: "*" must be the whole left-most
// label, stands for exactly one non-empty label, and needs at least two
// labels after it ("*.com" would cover a whole top-level domain).
func matchDNS(pattern, host string) bool {
	pattern = strings.TrimSuffix(pattern, ".")
	if pattern == "" || host == "" {
		return false
	}
	if !strings.HasPrefix(pattern, "*.") {
		return asciiEqualFold(pattern, host)
	}
	suffix := pattern[1:] // ".example.com"
	if strings.Count(suffix, ".") < 2 || strings.Contains(suffix, "*") {
		return false
	}
	dot := strings.IndexByte(host, '.')
	return dot > 0 && asciiEqualFold(host[dot:], suffix)
}

// asciiEqualFold is strings.EqualFold restricted to ASCII: Unicode folding
// would let a SAN with the Kelvin sign match a host with "k".
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 0x80 || y >= 0x80 {
			return false
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
