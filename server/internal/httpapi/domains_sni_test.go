package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestVirtualHostsOnOneAddress: one address and port serving several names
// by SNI is monitored once per name, by hand and by import; the same name
// twice is refused with a conflict that names it, and an SNI equal to the
// host is the same endpoint as none.
func TestVirtualHostsOnOneAddress(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "vhosts@example.com")
		for _, sni := range []string{"a.example", "b.example", "c.example"} {
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "127.0.0.1", "port": 8443, "sni": sni}, nil)
		}
		wantConflict := func(what string, body map[string]any, field, names string) {
			t.Helper()
			r := a.browser.do("POST", "/api/v1/domains", body)
			var e struct {
				Error struct{ Code, Message, Field string } `json:"error"`
			}
			if err := json.Unmarshal(r.Body, &e); err != nil || r.Status != http.StatusConflict || e.Error.Code != "conflict" ||
				e.Error.Field != field || !strings.Contains(e.Error.Message, names) {
				t.Errorf("%s: %d %s, want 409 on %s naming %q", what, r.Status, r.Body, field, names)
			}
		}
		wantConflict("the same SNI again", map[string]any{"host": "127.0.0.1", "port": 8443, "sni": "B.example."}, "sni", "127.0.0.1:8443 (tls) with SNI b.example")
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "h.example", "port": 8443}, nil)
		wantConflict("an SNI equal to the host", map[string]any{"host": "h.example", "port": 8443, "sni": "h.example"}, "host", "h.example:8443 (tls) is already")

		csvType := map[string]string{"Content-Type": "text/csv"}
		file := "host,port,protocol,sni\n127.0.0.2,8443,tls,a.example\n127.0.0.2,8443,tls,b.example\n127.0.0.1,8443,tls,a.example\n"
		r := a.browser.raw("POST", "/api/v1/domains/import", []byte(file), csvType)
		var counts struct{ Created, Skipped int }
		if err := json.Unmarshal(r.Body, &counts); err != nil || r.Status != http.StatusOK || counts.Created != 2 || counts.Skipped != 1 {
			t.Fatalf("import of two names on one address and one monitored already: %d %s", r.Status, r.Body)
		}
		var l listOut[domainOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains?per_page=100", nil, &l)
		if l.Total != 6 {
			t.Errorf("domains after the writes: %d, want 6", l.Total)
		}
	})
}
