package filesource

import (
	"crypto/x509"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"certinel.dev/shared/wire"
)

// FuzzParse feeds arbitrary content to the format detection and parsers:
// whatever the bytes, Parse must not panic, and what it returns must be
// well formed. Run with a bound, e.g. -fuzz FuzzParse -fuzztime 20000x.
func FuzzParse(f *testing.F) {
	const password = "pw"
	p := newPKI(f)
	p12, err := pkcs12.Modern.Encode(p.leaf.key, p.leaf.cert, []*x509.Certificate{p.inter.cert}, password)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		pemOf("CERTIFICATE", p.leaf.cert.Raw, p.inter.cert.Raw),
		append(keyPEM(f, p.leaf.key), pemOf("X509 CRL", makeCRL(f, p.root))...),
		p.root.cert.Raw,
		makeCRL(f, p.root),
		p12,
		goJKS(f, p, password),
		goJCEKS(f, p, password, sealedKeyStream(), nestedStream()),
		certOnlyPFX(f, p, password, 2048),
		{0xCE, 0xCE, 0xCE, 0xCE, 0, 0, 0, 2},
		{0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF},
		[]byte("-----BEGIN TRUSTED CERTIFICATE-----\n-----END TRUSTED CERTIFICATE-----\n"),
	} {
		f.Add(seed)
	}
	kinds := map[string]bool{wire.FileKindMalformed: true, wire.FileKindPassword: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, _, err := Parse(data, "fuzz", password)
		if err != nil {
			if !kinds[kindOf(err)] || items != nil {
				t.Fatalf("error %v of kind %q with %d items", err, kindOf(err), len(items))
			}
			return
		}
		if len(items) == 0 {
			t.Fatal("no error and no item")
		}
		for _, it := range items {
			if (len(it.Chain) == 0) == (it.CRL == nil) {
				t.Fatalf("item %q has %d certificates and CRL %v", it.Entry, len(it.Chain), it.CRL != nil)
			}
			for _, der := range it.Chain {
				if _, err := x509.ParseCertificate(der); err != nil {
					t.Fatalf("item %q holds an invalid certificate: %v", it.Entry, err)
				}
			}
		}
	})
}
