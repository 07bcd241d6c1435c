package target

import (
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

const (
	maxLabelLen = 63
	maxNameLen  = 253
)

// idnaProfile is idna.Lookup loosened for what internal DNS really holds:
// underscores (service and Active Directory names) and "--" in the third and
// fourth positions (e.g. "r3---sn-abc"). The label rules of checkLabel then
// apply to every name, whether it was written in ASCII or not.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(false),
	idna.CheckHyphens(false),
)

// NormalizeHost validates a host name or IP literal and returns its canonical
// form: IP literals as netip prints them (no brackets, no zone), host names
// lower-case, in punycode and without a trailing dot. Wildcards are rejected.
func NormalizeHost(s string) (string, error) {
	switch {
	case s == "":
		return "", errorf("host", s, "is empty")
	case strings.ContainsAny(s, "[]"):
		return "", errorf("host", s, "has brackets, which belong only around an IPv6 address followed by a port")
	case strings.Contains(s, ":"):
		return normalizeIPv6(s)
	}
	if addr, err := netip.ParseAddr(s); err == nil {
		return addr.String(), nil
	}
	return normalizeName(s)
}

func normalizeIPv6(s string) (string, error) {
	if strings.Count(s, ":") == 1 {
		return "", errorf("host", s, `has a ":" but is not an IPv6 address; give the port separately`)
	}
	// A zone only means something on the machine that wrote it.
	if strings.Contains(s, "%") {
		return "", errorf("host", s, "has an IPv6 zone, which is not allowed")
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return "", errorf("host", s, "is not a valid IPv6 address")
	}
	return addr.String(), nil
}

func normalizeName(s string) (string, error) {
	name := strings.ToLower(s)
	if !isASCII(s) || strings.Contains(name, "xn--") {
		u, err := idnaProfile.ToUnicode(s)
		if err != nil {
			return "", errorf("host", s, "is not a valid internationalized name (%v)", err)
		}
		name = u
	}
	name = strings.TrimSuffix(name, ".")
	for label := range strings.SplitSeq(name, ".") {
		if err := checkLabel(s, label); err != nil {
			return "", err
		}
	}
	if !isASCII(name) {
		a, err := idnaProfile.ToASCII(name)
		if err != nil {
			return "", errorf("host", s, "is not a valid internationalized name (%v)", err)
		}
		name = a
	}
	// Full-width digits and a trailing dot can turn text into an address.
	if addr, err := netip.ParseAddr(name); err == nil {
		return addr.String(), nil
	}
	if err := checkDNSName(s, name); err != nil {
		return "", err
	}
	return name, nil
}

func checkLabel(input, label string) error {
	switch {
	case label == "":
		return errorf("host", input, "has an empty label")
	case label == "*":
		return errorf("host", input, "is a wildcard; name a single host")
	case label[0] == '-':
		return errorf("host", input, "has label %s starting with a hyphen", quote(label))
	case label[len(label)-1] == '-':
		return errorf("host", input, "has label %s ending with a hyphen", quote(label))
	}
	for _, r := range label {
		if r < utf8.RuneSelf && !isNameByte(byte(r)) {
			return errorf("host", input, "has %q in label %s; only letters, digits, hyphens and underscores are allowed", r, quote(label))
		}
	}
	return nil
}

// checkDNSName applies the DNS limits, which count the punycode form, and
// refuses names that only look like names: resolvers following inet_aton or
// the WHATWG URL rules read a numeric last label ("10.1", "host.0x7f") as
// part of an IPv4 address, so such a name may reach a different machine
// than the one it seems to name.
func checkDNSName(input, name string) error {
	labels := strings.Split(name, ".")
	for _, label := range labels {
		if len(label) > maxLabelLen {
			return errorf("host", input, "has label %s of %d characters, more than the limit of %d", quote(label), len(label), maxLabelLen)
		}
	}
	if len(name) > maxNameLen {
		return errorf("host", input, "has %d characters as a DNS name, more than the limit of %d", len(name), maxNameLen)
	}
	if isDigits(strings.ReplaceAll(name, ".", "")) {
		return errorf("host", input, "is not a valid IPv4 address")
	}
	if isNumericLabel(labels[len(labels)-1]) {
		return errorf("host", input, "ends in a numeric label, which resolvers may read as part of an IPv4 address")
	}
	return nil
}

func isNumericLabel(label string) bool {
	if hex, ok := strings.CutPrefix(label, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return isDigits(label)
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
