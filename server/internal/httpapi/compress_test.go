package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestCompression: answers worth compressing (JSON, CSV, metrics, the
// dashboard's scripts) come gzipped to clients that accept it, and the
// same bytes come back out; tiny answers, images and byte ranges do not.
func TestCompression(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "gzip@example.com")
		// Checked domains, so that metrics have a line or more each.
		var results []wire.Result
		for i := range 40 {
			var d domainOut
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains",
				map[string]any{"host": fmt.Sprintf("host-%d.example", i), "agent_id": a.agentID}, &d)
			results = append(results, wire.Result{TargetID: d.ID, ObservedAt: time.Now().UTC(), Error: "connection refused"})
		}
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "gzip", Results: results}, nil)
		cases := []struct {
			path string
			gzip bool
		}{
			{"/api/v1/domains", true},
			{"/api/v1/domains/export", true},
			{"/api/v1/metrics", true},
			{"/api/v1/openapi.json", true},
			{"/assets/app.js", true},
			{"/api/v1/me", false},       // under a kilobyte
			{"/", false},                // under a kilobyte
			{"/assets/logo.png", false}, // compressed already
			{"/api/v1/nowhere", false},  // a short error
		}
		for _, tc := range cases {
			plain := a.browser.raw("GET", tc.path, nil, map[string]string{"Accept-Encoding": "identity"})
			gz := a.browser.raw("GET", tc.path, nil, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
			if enc := plain.Header.Get("Content-Encoding"); enc != "" {
				t.Errorf("%s without gzip accepted: Content-Encoding %q", tc.path, enc)
			}
			body := gz.Body
			if enc := gz.Header.Get("Content-Encoding"); tc.gzip != (enc == "gzip") {
				t.Errorf("%s: Content-Encoding %q, want gzip: %v", tc.path, enc, tc.gzip)
				continue
			}
			if tc.gzip {
				body = gunzip(t, gz.Body)
				if !strings.Contains(strings.Join(gz.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Errorf("%s: gzipped without Vary: Accept-Encoding", tc.path)
				}
			}
			if gz.Status != plain.Status || !bytes.Equal(body, plain.Body) {
				t.Errorf("%s: gzip answer %d %q differs from plain %d %q", tc.path, gz.Status, body, plain.Status, plain.Body)
			}
		}
		// A byte range is served from the plain file.
		plain := a.browser.raw("GET", "/assets/app.js", nil, map[string]string{"Accept-Encoding": "identity"})
		r := a.browser.raw("GET", "/assets/app.js", nil, map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
		if r.Status != http.StatusPartialContent || r.Header.Get("Content-Encoding") != "" || !bytes.Equal(r.Body, plain.Body[:100]) {
			t.Errorf("range: %d %v %q", r.Status, r.Header, r.Body)
		}
	})
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}
