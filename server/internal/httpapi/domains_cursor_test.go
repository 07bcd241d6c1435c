package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestDomainListCursor walks the domain list by next_cursor and checks it
// answers the same rows, in the same order, as numbered pages, and that a
// cursor that does not fit the request is a 400 on the cursor field.
func TestDomainListCursor(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "cursor@example.com")
		for i := range 7 {
			// Two ports per host: ties on the host sort.
			body := map[string]any{"host": fmt.Sprintf("h%d.example", i/2), "port": 443 + i%2}
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", body, nil)
		}
		type page struct {
			Items      []domainOut `json:"items"`
			Total      int         `json:"total"`
			NextCursor *string     `json:"next_cursor"`
		}
		for _, sort := range []string{"host", "-host", "-port", "days_left", "-last_checked_at"} {
			var all page
			a.browser.must(http.StatusOK, "GET", "/api/v1/domains?per_page=200&sort="+sort, nil, &all)
			if all.Total != 7 || len(all.Items) != 7 || all.NextCursor != nil {
				t.Fatalf("sort=%s: whole list %d of %d, next %v", sort, len(all.Items), all.Total, all.NextCursor)
			}
			var walked, numbered []string
			path := "/api/v1/domains?per_page=2&sort=" + sort
			for range 10 {
				var p page
				a.browser.must(http.StatusOK, "GET", path, nil, &p)
				for _, d := range p.Items {
					walked = append(walked, d.ID)
				}
				if p.Total != 7 {
					t.Errorf("sort=%s: total %d on a cursor page", sort, p.Total)
				}
				if p.NextCursor == nil {
					break
				}
				path = "/api/v1/domains?per_page=2&sort=" + sort + "&cursor=" + url.QueryEscape(*p.NextCursor)
			}
			for n := 1; n <= 4; n++ {
				var p page
				a.browser.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/domains?per_page=2&sort=%s&page=%d", sort, n), nil, &p)
				for _, d := range p.Items {
					numbered = append(numbered, d.ID)
				}
			}
			var want []string
			for _, d := range all.Items {
				want = append(want, d.ID)
			}
			if !slices.Equal(walked, want) || !slices.Equal(numbered, want) {
				t.Errorf("sort=%s:\ncursor   %v\nnumbered %v\nwant     %v", sort, walked, numbered, want)
			}
		}

		var first page
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains?per_page=2&sort=host", nil, &first)
		cursor := url.QueryEscape(*first.NextCursor)
		for _, q := range []string{
			"cursor=garbage",
			"sort=port&cursor=" + cursor,
			"sort=host&order=desc&cursor=" + cursor,
			"sort=host&page=2&cursor=" + cursor,
		} {
			if r := a.browser.do("GET", "/api/v1/domains?"+q, nil); r.Status != http.StatusBadRequest || r.errorField() != "cursor" {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}
	})
}

// TestDomainListTotalExact: a list's total says whether it is a count or,
// past store.ExactCountBound on PostgreSQL, the planner's estimate.
func TestDomainListTotalExact(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "totals@example.com")
		type page struct {
			Total      int64 `json:"total"`
			TotalExact *bool `json:"total_exact"`
		}
		var small page
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains", nil, &small)
		if small.TotalExact == nil || !*small.TotalExact {
			t.Fatalf("empty list: total_exact %v, want true", small.TotalExact)
		}
		ds := make([]store.Domain, store.ExactCountBound+1)
		for i := range ds {
			ds[i] = store.Domain{Host: fmt.Sprintf("h%05d.example", i), Port: 443, Protocol: "tls"}
		}
		if _, err := srv.store.CreateDomains(t.Context(), a.session.Organization.ID, ds); err != nil {
			t.Fatal(err)
		}
		storetest.Analyze(t, srv.store)
		var large page
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains?per_page=1", nil, &large)
		exact := srv.store.Dialect() == store.SQLite // SQLite counts every match
		if large.TotalExact == nil || *large.TotalExact != exact || large.Total <= store.ExactCountBound ||
			exact && large.Total != store.ExactCountBound+1 {
			t.Fatalf("%d domains: total %d, total_exact %v; want exact=%v", len(ds), large.Total, large.TotalExact, exact)
		}
	})
}
