package certs

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"net"
	"net/url"
	"slices"
	"testing"
)

func TestParseFacts(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, p.inter, func(s *spec) {
		s.ips = []net.IP{net.ParseIP("10.0.0.1")}
		s.edit = func(c *x509.Certificate) {
			c.URIs = []*url.URL{{Scheme: "spiffe", Host: "example.com", Path: "/web"}}
			c.EmailAddresses = []string{"ops@example.com"}
			c.CRLDistributionPoints = []string{"http://crl.example.com/ca.crl"}
			c.OCSPServer = []string{"http://ocsp.example.com"}
			c.IssuingCertificateURL = []string{"http://ca.example.com/ca.crt"}
			c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
			c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
			c.UnknownExtKeyUsage = []asn1.ObjectIdentifier{{1, 3, 6, 1, 4, 1, 99999, 1}}
		}
	})
	f := leaf.Facts
	sum := sha256.Sum256(leaf.X509.Raw)
	want(t, "sha256", f.SHA256, hex.EncodeToString(sum[:]))
	want(t, "subject", f.Subject, "CN=www.example.com,O=Certinel Test")
	want(t, "issuer", f.Issuer, "CN=Test Intermediate,O=Certinel Test")
	want(t, "key", f.KeyType+" "+f.Curve, "ECDSA P-256")
	want(t, "key_bits", f.KeyBits, 256)
	want(t, "signature_algorithm", f.SignatureAlgorithm, "ECDSA-SHA256")
	want(t, "is_ca", f.IsCA, false)
	want(t, "max_path_len", f.MaxPathLen, -1)
	want(t, "self_signed", f.SelfSigned, false)
	want(t, "authority_key_id", f.AuthorityKeyID, p.inter.cert.Facts.SubjectKeyID)
	want(t, "serial", f.Serial, leaf.X509.SerialNumber.Text(16))
	lists := map[string][2][]string{
		"ip_addresses":             {f.IPAddresses, {"10.0.0.1"}},
		"uris":                     {f.URIs, {"spiffe://example.com/web"}},
		"emails":                   {f.Emails, {"ops@example.com"}},
		"crl_distribution_points":  {f.CRLDistributionPoints, {"http://crl.example.com/ca.crl"}},
		"ocsp_servers":             {f.OCSPServers, {"http://ocsp.example.com"}},
		"issuing_certificate_urls": {f.IssuingCertificateURLs, {"http://ca.example.com/ca.crt"}},
		"key_usage":                {f.KeyUsage, {"digital_signature", "key_encipherment"}},
		"ext_key_usage":            {f.ExtKeyUsage, {"server_auth", "client_auth", "1.3.6.1.4.1.99999.1"}},
	}
	for name, l := range lists {
		if !slices.Equal(l[0], l[1]) {
			t.Errorf("%s = %q; want %q", name, l[0], l[1])
		}
	}

	root := p.root.cert.Facts
	want(t, "root self_signed", root.SelfSigned, true)
	want(t, "root is_ca", root.IsCA, true)
	want(t, "root key_usage", len(root.KeyUsage), 2)
}

func TestParseKeysAndConstraints(t *testing.T) {
	p := newPKI(t)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sameName := mint(t, spec{cn: "Test Root", ca: true}, p.root) // issuer == subject, other key
	tests := []struct {
		name       string
		cert       *Cert
		keyType    string
		bits       int
		maxPathLen int
		selfSigned bool
	}{
		{"RSA 1024", p.leaf(t, p.inter, func(s *spec) { s.key = rsaKey(t, 1024) }), "RSA", 1024, -1, false},
		{"Ed25519", p.leaf(t, p.inter, func(s *spec) { s.key = edKey }), "Ed25519", 256, -1, false},
		{"path length zero", mint(t, spec{cn: "Leaf CA", ca: true, edit: func(c *x509.Certificate) {
			c.MaxPathLen, c.MaxPathLenZero = 0, true
		}}, p.inter).cert, "ECDSA", 256, 0, false},
		{"path length two", mint(t, spec{cn: "Mid CA", ca: true, edit: func(c *x509.Certificate) { c.MaxPathLen = 2 }}, p.root).cert, "ECDSA", 256, 2, false},
		{"same names, signed by another key", sameName.cert, "ECDSA", 256, -1, false},
		{"SHA-1 self-signed root", mint(t, spec{cn: "Old Root", ca: true, key: rsaKey(t, 2048), sigAlg: x509.SHA1WithRSA}, nil).cert, "RSA", 2048, -1, true},
		{"ECDSA SHA-1 self-signed root", mint(t, spec{cn: "Old EC Root", ca: true, sigAlg: x509.ECDSAWithSHA1}, nil).cert, "ECDSA", 256, -1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.cert.Facts
			if f.KeyType != tt.keyType || f.KeyBits != tt.bits || f.MaxPathLen != tt.maxPathLen || f.SelfSigned != tt.selfSigned {
				t.Errorf("key %s/%d, max_path_len %d, self_signed %v; want %s/%d, %d, %v",
					f.KeyType, f.KeyBits, f.MaxPathLen, f.SelfSigned, tt.keyType, tt.bits, tt.maxPathLen, tt.selfSigned)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := Parse(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("Parse(nil) = %v; want ErrEmpty", err)
	}
	if _, err := Parse([]byte{0x30, 0x03, 0x02, 0x01, 0x01}); err == nil {
		t.Error("Parse(garbage) succeeded")
	}
}
