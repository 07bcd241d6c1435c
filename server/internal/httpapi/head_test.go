package httpapi_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestHeadAnswersLikeGet walks the real route table: every GET route
// answers HEAD with the same status and headers, and no body.
func TestHeadAnswersLikeGet(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "head@example.com")
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "head.example"}, &d)
		params := strings.NewReplacer(":id", d.ID, ":sha256", strings.Repeat("ab", 32),
			":user_id", a.session.User.ID, "*", "some/client/route")
		tried := 0
		for _, rt := range srv.routes {
			if rt.Method != http.MethodGet {
				continue
			}
			tried++
			path := params.Replace(rt.Path)
			// Both with and without compression; set explicitly, since Go's
			// client asks for gzip on its own for GET but not for HEAD.
			for _, enc := range []string{"identity", "gzip"} {
				hdr := map[string]string{"Accept-Encoding": enc}
				get := a.browser.raw(http.MethodGet, path, nil, hdr)
				head := a.browser.raw(http.MethodHead, path, nil, hdr)
				if head.Status != get.Status || len(head.Body) != 0 {
					t.Errorf("HEAD %s (%s): %d with %d body bytes; GET: %d", path, enc, head.Status, len(head.Body), get.Status)
					continue
				}
				get.Header.Del("Date")
				head.Header.Del("Date")
				if !maps.EqualFunc(get.Header, head.Header, slices.Equal) {
					t.Errorf("HEAD %s (%s) headers %v, GET headers %v", path, enc, head.Header, get.Header)
				}
			}
		}
		if tried < 30 {
			t.Fatalf("only %d GET routes in the table", tried)
		}
	})
}
