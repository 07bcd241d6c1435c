package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// searchFixture is an organization of numbered hosts, as fleets name them,
// past store.ExactCountBound: every host holds the trigrams of "svc00000",
// which only a hundred of them match; and a few hosts of other shapes.
func searchFixture(t *testing.T, d store.Dialect) (listFixture, []string) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	s := storetest.Open(t, d, store.Options{Now: clk.now})
	_, org, err := s.CreateAccount(context.Background(), "search@example.com", "h", "S")
	if err != nil {
		t.Fatal(err)
	}
	hosts := []string{"a.example", "b-x.example", "under_score.example", "pct.example"}
	for i := range store.ExactCountBound + 50 {
		hosts = append(hosts, fmt.Sprintf("svc%07d.o00001.scale.example", i))
	}
	ds := make([]store.Domain, len(hosts))
	for i, h := range hosts {
		ds[i] = store.Domain{Host: h, Port: 443, Protocol: "tls"}
	}
	if _, err := s.CreateDomains(context.Background(), org.ID, ds); err != nil {
		t.Fatal(err)
	}
	storetest.Analyze(t, s)
	return listFixture{s: s, clk: clk, orgID: org.ID}, hosts
}

// TestHostSearchTerms checks a host search with terms of one and two
// characters, a term whose trigrams every host holds, LIKE's wildcards
// taken literally and a term past the exact count: the same matches, in
// order, by numbered pages and by cursor, in host order and another, with
// a total that is exact up to store.ExactCountBound.
func TestHostSearchTerms(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fx, hosts := searchFixture(t, d)
			ctx := context.Background()
			for _, term := range []string{"svc00000", "SVC0000099", "x.", "7", "_", "%", "zz", "1.o0", "o'x", `\`, "a:*|!b"} {
				var want []string
				for _, h := range hosts {
					if strings.Contains(h, strings.ToLower(term)) {
						want = append(want, h)
					}
				}
				for _, sort := range []string{"host", "days_left"} {
					f := store.DomainFilter{Query: term, Sort: sort}
					_, total, err := fx.s.ListDomains(ctx, fx.orgID, f, store.Page{Number: 1, PerPage: 1})
					if err != nil {
						t.Fatal(err)
					}
					if total != int64(len(want)) || !fx.s.CountIsExact(total) {
						t.Errorf("q=%q sort=%s: total %d (exact %v), want %d", term, sort, total, fx.s.CountIsExact(total), len(want))
					}
					got := fx.walk(t, f, 250)
					if !slices.IsSortedFunc(got, sortKey(sort, false)) {
						t.Errorf("q=%q sort=%s: out of order", term, sort)
					}
					if !slices.Equal(sortedHosts(got), slices.Sorted(slices.Values(want))) {
						t.Errorf("q=%q sort=%s: cursor pages hold %d hosts, want %d", term, sort, len(got), len(want))
					}
					var numbered []store.DomainView
					for n := 1; n <= len(want)/250+1; n++ {
						page, _, err := fx.s.ListDomains(ctx, fx.orgID, f, store.Page{Number: n, PerPage: 250})
						if err != nil {
							t.Fatal(err)
						}
						numbered = append(numbered, page...)
					}
					if ids(numbered) != ids(got) {
						t.Errorf("q=%q sort=%s: numbered pages differ from cursor pages", term, sort)
					}
				}
			}
			// A term nearly every host holds is counted up to the bound,
			// then estimated on PostgreSQL; SQLite counts every match.
			_, total, err := fx.s.ListDomains(ctx, fx.orgID, store.DomainFilter{Query: "s"}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			exact, holding := d == store.SQLite, 0
			for _, h := range hosts {
				if strings.Contains(h, "s") {
					holding++
				}
			}
			if fx.s.CountIsExact(total) != exact || total <= store.ExactCountBound || exact && total != int64(holding) {
				t.Errorf("q=s: total %d (exact %v), want past %d, exact %v", total, fx.s.CountIsExact(total), store.ExactCountBound, exact)
			}
		})
	}
}

// TestHostSearchCountPlan checks which index PostgreSQL counts a search
// alone with: the suffix index for a term few hosts hold, whatever its
// trigrams, and one pass over the organization's hosts for a term most
// hosts hold, never the trigram index, which for a term whose trigrams
// every host holds names every domain's row, each then read again.
func TestHostSearchCountPlan(t *testing.T) {
	t.Parallel()
	fx, _ := searchFixture(t, store.Postgres)
	for term, suffixes := range map[string]bool{"svc00000": true, "zq": true, "a.e": true, "x": false, "0001.s": false} {
		plan, err := store.DomainCountPlan(context.Background(), fx.s, fx.orgID, store.DomainFilter{Query: term})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plan, "domains_host_trgm") || strings.Contains(plan, "domains_host_suffixes") != suffixes {
			t.Errorf("q=%q: count plan\n%s\nwant the suffix index %v, never the trigram index", term, plan, suffixes)
		}
	}
}

// TestCommonTerm checks which terms the store judges too common for the
// suffix index, on the planner's sample of hosts: those that every
// numbered host holds, but not one held by a hundredth of them, by none,
// or by one of the other hosts.
func TestCommonTerm(t *testing.T) {
	t.Parallel()
	fx, _ := searchFixture(t, store.Postgres)
	for term, want := range map[string]bool{"x": true, "scale.example": true, "0001.S": true, "svc00000": false,
		"zq": false, "svc0000099": false, "under_score": false, "b-x.e": false} {
		got, err := store.CommonTerm(context.Background(), fx.s, term)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("q=%q: common %v, want %v", term, got, want)
		}
	}
}

func sortedHosts(vs []store.DomainView) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Host
	}
	slices.Sort(out)
	return out
}
