package revocation

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestFetch: a CRL by GET, an OCSP answer by POST of the request, within
// the server's bounds; a redirect to another scheme, an error status, an
// oversized answer and a page that is not the answer asked for (what a
// server naming any URL would read through the agent) each come back as
// an error, never as bytes.
func TestFetch(t *testing.T) {
	crl := testCRL(t)
	ocspAnswer := testOCSPResponse(t)
	var gotOCSP []byte
	var gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/crl":
			if r.Method != http.MethodGet {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			_, _ = w.Write(crl)
		case "/ocsp":
			gotType = r.Header.Get("Content-Type")
			gotOCSP, _ = io.ReadAll(r.Body)
			_, _ = w.Write(ocspAnswer)
		case "/page":
			_, _ = w.Write([]byte("<html>internal wiki</html>"))
		case "/big":
			_, _ = w.Write(bytes.Repeat([]byte{1}, wire.MaxOCSPResponseBytes+1))
		case "/ftp":
			http.Redirect(w, r, "ftp://127.0.0.1/crl", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	hc := NewHTTPClient()
	ctx := context.Background()
	if p := Fetch(ctx, hc, wire.RevocationFetch{ID: "1", Kind: wire.RevocationKindCRL, URL: srv.URL + "/crl"}); p.Error != "" || !bytes.Equal(p.Body, crl) || p.ID != "1" {
		t.Errorf("CRL: %+v", p)
	}
	p := Fetch(ctx, hc, wire.RevocationFetch{ID: "2", Kind: wire.RevocationKindOCSP, URL: srv.URL + "/ocsp", OCSPRequest: []byte("req")})
	if p.Error != "" || !bytes.Equal(p.Body, ocspAnswer) || string(gotOCSP) != "req" || gotType != "application/ocsp-request" {
		t.Errorf("OCSP: %+v, request %q as %q", p, gotOCSP, gotType)
	}
	for _, c := range []struct {
		f    wire.RevocationFetch
		want string
	}{
		{wire.RevocationFetch{Kind: wire.RevocationKindOCSP, URL: srv.URL + "/big"}, "sent more than 65536 bytes"},
		{wire.RevocationFetch{Kind: wire.RevocationKindCRL, URL: srv.URL + "/ftp"}, "redirect from http to ftp refused"},
		{wire.RevocationFetch{Kind: wire.RevocationKindCRL, URL: srv.URL + "/gone"}, "answered HTTP 404"},
		{wire.RevocationFetch{Kind: wire.RevocationKindCRL, URL: srv.URL + "/page"}, "the answer is not a DER CRL"},
		{wire.RevocationFetch{Kind: wire.RevocationKindOCSP, URL: srv.URL + "/page"}, "the answer is not an OCSP response"},
		{wire.RevocationFetch{Kind: wire.RevocationKindCRL, URL: "ldap://ca.internal/crl"}, "not an http or https URL"},
		{wire.RevocationFetch{Kind: "x", URL: srv.URL + "/crl"}, `unknown kind "x"`},
	} {
		if p := Fetch(ctx, hc, c.f); len(p.Body) != 0 || !strings.Contains(p.Error, c.want) {
			t.Errorf("%s %s: %+v, want error %q", c.f.Kind, c.f.URL, p, c.want)
		}
	}
}

// testCRL is an empty CRL signed by a throwaway CA.
func testCRL(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCRLSign | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1),
		ThisUpdate: time.Now(), NextUpdate: time.Now().Add(time.Hour)}, ca, key)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

// testOCSPResponse is a successful OCSP response's outer structure.
func testOCSPResponse(t *testing.T) []byte {
	t.Helper()
	basic := asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	der, err := asn1.Marshal(ocspResponse{Status: 0, Bytes: ocspResponseBytes{Type: basic, Response: []byte{0x30, 0x00}}})
	if err != nil {
		t.Fatal(err)
	}
	return der
}
