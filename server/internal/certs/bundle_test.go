package certs

import (
	"bytes"
	"encoding/pem"
	"errors"
	"testing"
)

func pemOf(certs ...*Cert) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.X509.Raw})
	}
	return b.Bytes()
}

func TestParsePEMBundle(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, p.inter, nil)
	two := pemOf(p.orgRoot.cert, p.orgInter.cert)
	tests := []struct {
		name  string
		data  []byte
		limit int
		n     int
		err   error
	}{
		{"root and intermediate", two, 10, 2, nil},
		{"comments around blocks", append([]byte("# Org Root\n"), append(two, "trailing notes\n"...)...), 0, 2, nil},
		{"empty", nil, 10, 0, ErrNoCertificates},
		{"text only", []byte("not a bundle"), 10, 0, ErrNoCertificates},
		{"leaf certificate", pemOf(p.orgRoot.cert, leaf), 10, 0, ErrNotCA},
		{"too many", two, 1, 0, ErrTooMany},
		{"private key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}), 10, 0, ErrMalformedPEM},
		{"bad DER", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}}), 10, 0, ErrMalformedPEM},
		{"broken armor", append(pemOf(p.orgRoot.cert), "-----BEGIN CERTIFICATE-----\nAAAA"...), 10, 0, ErrMalformedPEM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePEMBundle(tt.data, tt.limit)
			if !errors.Is(err, tt.err) || len(got) != tt.n {
				t.Errorf("got %d certificates, error %v; want %d, %v", len(got), err, tt.n, tt.err)
			}
		})
	}
}

func TestPoolVerifies(t *testing.T) {
	p := newPKI(t)
	bundle, err := ParsePEMBundle(pemOf(p.orgRoot.cert), 1)
	if err != nil {
		t.Fatal(err)
	}
	in := p.input(p.leaf(t, p.orgInter, nil), p.orgInter.cert)
	in.Roots, in.OrgRoots = nil, Pool(bundle)
	if v := Judge(in); v.Trust.Status != TrustTrustedOrgCA {
		t.Errorf("trust %q (%s); want %q", v.Trust.Status, v.Trust.Reason, TrustTrustedOrgCA)
	}
}
