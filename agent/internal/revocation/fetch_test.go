package revocation

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"certinel.dev/shared/wire"
)

// TestFetch: a CRL by GET, an OCSP answer by POST of the request, within
// the server's bounds; a redirect to another scheme, an error status and
// an oversized answer each come back as an error, never as bytes.
func TestFetch(t *testing.T) {
	var gotOCSP []byte
	var gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/crl":
			if r.Method != http.MethodGet {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			_, _ = w.Write([]byte("crl-bytes"))
		case "/ocsp":
			gotType = r.Header.Get("Content-Type")
			gotOCSP, _ = io.ReadAll(r.Body)
			_, _ = w.Write([]byte("ocsp-answer"))
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
	if p := Fetch(ctx, hc, wire.RevocationFetch{ID: "1", Kind: wire.RevocationKindCRL, URL: srv.URL + "/crl"}); p.Error != "" || string(p.Body) != "crl-bytes" || p.ID != "1" {
		t.Errorf("CRL: %+v", p)
	}
	p := Fetch(ctx, hc, wire.RevocationFetch{ID: "2", Kind: wire.RevocationKindOCSP, URL: srv.URL + "/ocsp", OCSPRequest: []byte("req")})
	if p.Error != "" || string(p.Body) != "ocsp-answer" || string(gotOCSP) != "req" || gotType != "application/ocsp-request" {
		t.Errorf("OCSP: %+v, request %q as %q", p, gotOCSP, gotType)
	}
	for _, c := range []struct {
		f    wire.RevocationFetch
		want string
	}{
		{wire.RevocationFetch{Kind: wire.RevocationKindOCSP, URL: srv.URL + "/big"}, "sent more than 65536 bytes"},
		{wire.RevocationFetch{Kind: wire.RevocationKindCRL, URL: srv.URL + "/ftp"}, "redirect from http to ftp refused"},
		{wire.RevocationFetch{Kind: wire.RevocationKindCRL, URL: srv.URL + "/gone"}, "answered HTTP 404"},
		{wire.RevocationFetch{Kind: wire.RevocationKindCRL, URL: "ldap://ca.internal/crl"}, "not an http or https URL"},
		{wire.RevocationFetch{Kind: "x", URL: srv.URL + "/crl"}, `unknown kind "x"`},
	} {
		if p := Fetch(ctx, hc, c.f); len(p.Body) != 0 || !strings.Contains(p.Error, c.want) {
			t.Errorf("%s %s: %+v, want error %q", c.f.Kind, c.f.URL, p, c.want)
		}
	}
}
