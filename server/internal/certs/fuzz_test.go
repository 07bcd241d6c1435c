package certs

import (
	"testing"
	"time"
)

// FuzzParse feeds arbitrary DER to Parse and judges whatever parses:
// agents send bytes from arbitrary servers, so neither may panic.
func FuzzParse(f *testing.F) {
	p := newPKI(f)
	for _, c := range []*Cert{p.root.cert, p.inter.cert, p.leaf(f, p.inter, nil)} {
		f.Add(c.X509.Raw)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := Parse(der)
		if err != nil {
			return
		}
		Judge(Input{Chain: []*Cert{c, p.inter.cert}, Host: "www.example.com", Now: time.Now(), Roots: p.roots, Policy: DefaultPolicy()})
	})
}
