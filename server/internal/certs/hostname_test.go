package certs

import (
	"net"
	"testing"
)

func TestMatchHostname(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, p.inter, func(s *spec) {
		s.dns = []string{"www.example.com", "*.wild.example.com", "xn--bcher-kva.example", "*.com"}
		s.ips = []net.IP{net.ParseIP("10.0.0.1"), net.ParseIP("2001:db8::1")}
	})
	cnOnly := p.leaf(t, p.inter, func(s *spec) { s.cn, s.dns = "legacy.example.com", nil })

	tests := []struct {
		name   string
		cert   *Cert
		host   string
		match  bool
		reason string // a part of the reason
	}{
		{"exact", leaf, "www.example.com", true, "DNS name"},
		{"case and trailing dot", leaf, "WWW.Example.COM.", true, "DNS name"},
		{"other name", leaf, "api.example.com", false, "no DNS name"},
		{"wildcard, one label", leaf, "a.wild.example.com", true, "DNS name"},
		{"wildcard never two labels", leaf, "a.b.wild.example.com", false, "no DNS name"},
		{"wildcard never the apex", leaf, "wild.example.com", false, "no DNS name"},
		{"wildcard over a TLD is ignored", leaf, "example.com", false, "no DNS name"},
		{"host with a wildcard", leaf, "*.wild.example.com", false, "wildcard"},
		{"IPv4 SAN", leaf, "10.0.0.1", true, "IP address"},
		{"IPv4 other", leaf, "10.0.0.2", false, "no IP address"},
		{"IPv6 SAN", leaf, "2001:db8::1", true, "IP address"},
		{"IPv6 bracketed", leaf, "[2001:DB8:0::1]", true, "IP address"},
		{"IPv4-mapped IPv6", leaf, "::ffff:10.0.0.1", true, "IP address"},
		{"IDN in punycode", leaf, "XN--BCHER-KVA.example", true, "DNS name"},
		{"IDN in Unicode", leaf, "bücher.example", false, "punycode"},
		{"Common Name only", cnOnly, "legacy.example.com", false, "Common Name matches"},
		{"Common Name only, other name", cnOnly, "new.example.com", false, "no subject alternative names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason, _ := matchHostname(tt.cert.X509, tt.host)
			if ok != tt.match {
				t.Errorf("match %q = %v (%s); want %v", tt.host, ok, reason, tt.match)
			}
			wantContains(t, "reason", reason, tt.reason)
		})
	}
}

func TestMatchDNSKelvin(t *testing.T) {
	// U+212A folds to "k" under Unicode rules; a SAN must match byte-wise.
	if matchDNS("\u212aey.example.com", "key.example.com") {
		t.Error("a non-ASCII SAN matched an ASCII host")
	}
}
