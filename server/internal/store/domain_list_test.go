package store_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// listFixture is an organization whose domains tie on every sort key:
// one creation time, one check time, shared hosts, ports and expiry dates,
// and never-checked domains whose keys are NULL.
type listFixture struct {
	s     *store.Store
	clk   *clock
	orgID string
	agent string
}

func newListFixture(t *testing.T, d store.Dialect) listFixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 250000000, time.UTC)}
	s := storetest.Open(t, d, store.Options{Now: clk.now})
	_, org, err := s.CreateAccount(ctx, "list@example.com", "h", "L")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	day := func(n float64) *time.Time {
		v := clk.t.Add(time.Duration(n * 24 * float64(time.Hour)))
		return &v
	}
	// host, port, protocol, tag, and the latest check: days left (nil
	// for an error) of a certificate of a lifetime in days, verdict, or no
	// check at all.
	type spec struct {
		host, protocol, tag string
		port                int
		checked             bool
		notAfter            *time.Time
		invalid             bool
		life                float64
	}
	specs := []spec{
		{"a.example", "tls", "prod", 443, true, day(100), false, 398},
		{"a.example", "tls", "", 8443, true, day(100), false, 200},
		{"a.example", "smtp", "prod", 25, true, day(10), false, 45},
		{"b.example", "tls", "prod", 443, true, day(10), false, 90},
		{"b.example", "imap", "", 993, true, day(-1), false, 90},
		{"c.example", "tls", "prod", 443, true, day(50), true, 90},
		{"c.example", "tls", "", 444, true, day(-5), true, 90},
		{"d.example", "tls", "prod", 443, true, nil, false, 0},
		{"d.example", "tls", "", 8443, true, nil, false, 0},
		{"e.example", "tls", "prod", 443, false, nil, false, 0},
		{"e.example", "tls", "", 8443, false, nil, false, 0},
		{"f.example", "tls", "", 443, false, nil, false, 0},
		{"g.example", "tls", "prod", 443, true, day(10), false, 398},
		{"h.example", "tls", "", 443, true, day(6), true, 45},
		{"i.example", "tls", "", 443, true, day(20), false, 45},
	}
	var obs []store.Observation
	for _, sp := range specs {
		var tags []string
		if sp.tag != "" {
			tags = []string{sp.tag}
		}
		dom, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: sp.host, Port: sp.port, Protocol: sp.protocol, AgentID: &agent.ID, Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		if !sp.checked {
			continue
		}
		o := store.Observation{ID: store.NewID(), DomainID: &dom.ID, ObservedAt: clk.t, NotAfter: sp.notAfter, VerdictStatus: "valid"}
		if sp.notAfter == nil {
			o.Error, o.ErrorKind = "refused", "refused"
		} else {
			o.LeafSHA256 = fmt.Sprintf("leaf-%s-%d", sp.host, sp.port)
			born := sp.notAfter.Add(-time.Duration(sp.life * float64(lifecycle.Day)))
			o.Renewal = lifecycle.NewPlan(born, *sp.notAfter, *sp.notAfter, lifecycle.Settings{}, nil)
		}
		if sp.invalid {
			o.VerdictStatus, o.Problems = "invalid", []string{"untrusted"}
		}
		obs = append(obs, o)
	}
	if _, err := s.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "b", AgentID: agent.ID, Observations: obs, Rejected: "[]"}); err != nil {
		t.Fatal(err)
	}
	return listFixture{s: s, clk: clk, orgID: org.ID, agent: agent.ID}
}

// listAll lists every match in one page.
func (fx listFixture) listAll(t *testing.T, f store.DomainFilter) []store.DomainView {
	t.Helper()
	all, total, err := fx.s.ListDomains(context.Background(), fx.orgID, f, store.Page{Number: 1, PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	if int(total) != len(all) {
		t.Fatalf("total %d, listed %d", total, len(all))
	}
	return all
}

// walk follows next cursors from the first page of size per until a short
// page, as a client does.
func (fx listFixture) walk(t *testing.T, f store.DomainFilter, per int) []store.DomainView {
	t.Helper()
	var out []store.DomainView
	for range 50 {
		page, _, err := fx.s.ListDomains(context.Background(), fx.orgID, f, store.Page{Number: 1, PerPage: per})
		if err != nil {
			t.Fatalf("after %q: %v", f.After, err)
		}
		out = append(out, page...)
		if len(page) < per {
			return out
		}
		f.After = store.DomainCursorAfter(f, page[len(page)-1])
	}
	t.Fatal("cursor paging did not end")
	return nil
}

func ids(vs []store.DomainView) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%s:%d/%s", v.Host, v.Port, v.Protocol)
	}
	return strings.Join(out, " ")
}

// sortKey compares two rows by a sort key the way lists must order them:
// by the key, NULLs last in either direction, then by id in the key's
// direction.
func sortKey(key string, desc bool) func(a, b store.DomainView) int {
	nullsLast := func(a, b *time.Time) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 2
		case b == nil:
			return -2
		}
		return a.Compare(*b)
	}
	return func(a, b store.DomainView) int {
		var c int
		switch key {
		case "host":
			c = naturalCompare(a.Host, b.Host)
		case "port":
			c = cmp.Compare(a.Port, b.Port)
		case "protocol":
			c = cmp.Compare(a.Protocol, b.Protocol)
		case "created_at":
			c = a.CreatedAt.Compare(b.CreatedAt)
		case "last_checked_at":
			c = nullsLast(a.CheckedAt, b.CheckedAt)
		case "days_left", "not_after":
			c = nullsLast(a.NotAfter, b.NotAfter)
		}
		if c == 2 || c == -2 {
			return c
		}
		c = cmp.Or(c, strings.Compare(a.ID, b.ID))
		if desc {
			return -c
		}
		return c
	}
}

// naturalCompare compares host names as people read them: case aside,
// runs of digits compare as numbers.
func naturalCompare(a, b string) int {
	a, b = strings.ToLower(a), strings.ToLower(b)
	for a != "" && b != "" {
		na, ra := leadingNumber(a)
		nb, rb := leadingNumber(b)
		switch {
		case na != "" && nb != "":
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = ra, rb
		case a[0] != b[0]:
			return cmp.Compare(a[0], b[0])
		default:
			a, b = a[1:], b[1:]
		}
	}
	return cmp.Compare(len(a), len(b))
}

// leadingNumber splits s after its leading digits, returned without
// leading zeros.
func leadingNumber(s string) (digits, rest string) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return "", s
	}
	return strings.TrimLeft(s[:i], "0"), s[i:]
}

// TestDomainListOrderAndCursor checks, for every sort key and direction
// and a range of filters, that numbered pages and cursor pages both follow
// the documented order and meet without duplicates or gaps, ties and
// NULL keys included.
func TestDomainListOrderAndCursor(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fx := newListFixture(t, d)
			before := fx.clk.t.Add(30 * 24 * time.Hour)
			filters := map[string]store.DomainFilter{
				"none":           {},
				"status=ok":      {Status: string(lifecycle.StatusOK)},
				"status=pending": {Status: string(lifecycle.StatusPending)},
				"tag=prod":       {Tag: "prod"},
				"q=a.ex":         {Query: "a.ex"},
				"agent":          {AgentID: fx.agent},
				"expires_before": {ExpiresBefore: &before},
			}
			for _, key := range store.DomainSortKeys() {
				for _, desc := range []bool{false, true} {
					for name, f := range filters {
						f.Sort, f.Desc, f.FloorDays = key, desc, 30
						all := fx.listAll(t, f)
						if len(all) == 0 {
							t.Fatalf("%s desc=%v %s: empty fixture", key, desc, name)
						}
						if !slices.IsSortedFunc(all, sortKey(key, desc)) {
							t.Errorf("%s desc=%v %s: out of order: %s", key, desc, name, ids(all))
						}
						for _, per := range []int{1, 2, 3} {
							if got := fx.walk(t, f, per); ids(got) != ids(all) {
								t.Errorf("%s desc=%v %s per=%d: cursor pages\n%s\nwant\n%s", key, desc, name, per, ids(got), ids(all))
							}
							var numbered []store.DomainView
							for n := 1; n <= len(all)/per+1; n++ {
								page, _, err := fx.s.ListDomains(context.Background(), fx.orgID, f, store.Page{Number: n, PerPage: per})
								if err != nil {
									t.Fatal(err)
								}
								numbered = append(numbered, page...)
							}
							if ids(numbered) != ids(all) {
								t.Errorf("%s desc=%v %s per=%d: numbered pages\n%s\nwant\n%s", key, desc, name, per, ids(numbered), ids(all))
							}
						}
					}
				}
			}
		})
	}
}

// TestDomainStatusFilterAgreesWithStatus checks that the index ranges a
// status filter selects are exactly the domains lifecycle lists under
// it, and that each row's own status is among them, as the clock moves
// across renewal windows, urgency margins, the floor and expiry dates.
func TestDomainStatusFilterAgreesWithStatus(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fx := newListFixture(t, d)
			start := fx.clk.t
			for _, days := range []int{0, 3, 11, 30, 60} {
				for _, floor := range []int{0, 30} {
					fx.clk.t = start.Add(time.Duration(days) * lifecycle.Day)
					all := fx.listAll(t, store.DomainFilter{FloorDays: floor})
					listed := map[string]map[lifecycle.Status]bool{}
					for _, status := range lifecycle.Statuses {
						var want []store.DomainView
						for _, v := range all {
							st := lifecycle.State{Kind: lifecycle.Kind(v.StateKind), Deadline: v.NotAfter, WindowEnd: v.WindowEnd, UrgentAt: v.UrgentAt}
							if st.Listed(status, fx.clk.t, floor) {
								want = append(want, v)
							}
						}
						got := fx.listAll(t, store.DomainFilter{Status: string(status), FloorDays: floor})
						if ids(got) != ids(want) {
							t.Errorf("day %d floor %d status=%s: filter\n%s\nwant\n%s", days, floor, status, ids(got), ids(want))
						}
						for _, v := range got {
							if listed[v.ID] == nil {
								listed[v.ID] = map[lifecycle.Status]bool{}
							}
							listed[v.ID][status] = true
						}
					}
					for _, v := range all {
						if !listed[v.ID][v.Status] {
							t.Errorf("day %d floor %d: %s is %s but not listed under it", days, floor, ids([]store.DomainView{v}), v.Status)
						}
					}
				}
			}
		})
	}
}

// TestUntrustedAndExpiringIsUnderBoth: a chain six days from expiry that
// is also untrusted is invalid, found by the invalid and the expiring
// filters, counted in both, and says both problems.
func TestUntrustedAndExpiringIsUnderBoth(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fx := newListFixture(t, d)
			ctx := context.Background()
			counts, err := fx.s.EachMetricsDomain(ctx, fx.orgID, "", 0, func([]store.MetricsDomain) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			for _, status := range []lifecycle.Status{lifecycle.StatusInvalid, lifecycle.StatusExpiring} {
				got := fx.listAll(t, store.DomainFilter{Status: string(status)})
				if !strings.Contains(ids(got), "h.example:443/tls") {
					t.Errorf("status=%s misses the untrusted chain six days from expiry: %s", status, ids(got))
				}
				if counts[status] != int64(len(got)) {
					t.Errorf("count of %s is %d, the filter lists %d", status, counts[status], len(got))
				}
			}
			for _, v := range fx.listAll(t, store.DomainFilter{Query: "h.example"}) {
				if v.Status != lifecycle.StatusInvalid || !slices.Contains(v.Problems, lifecycle.ProblemExpiring) {
					t.Errorf("h.example: status %s, problems %v; want invalid with expiring among its problems", v.Status, v.Problems)
				}
			}
		})
	}
}

func TestDomainCursorRejected(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fx := newListFixture(t, d)
			first := fx.listAll(t, store.DomainFilter{Sort: "host"})[0]
			hostCursor := store.DomainCursorAfter(store.DomainFilter{Sort: "host"}, first)
			cases := map[string]store.DomainFilter{
				"not base64":     {After: "%%%"},
				"not json":       {After: "bm90IGpzb24"},
				"no id":          {After: "e30"},
				"other sort":     {Sort: "port", After: hostCursor},
				"other order":    {Sort: "host", Desc: true, After: hostCursor},
				"bad time":       {Sort: "created_at", After: "eyJzIjoiY3JlYXRlZF9hdCIsImsiOiJ4IiwiaSI6IngifQ"},
				"null not null":  {Sort: "host", After: "eyJzIjoiaG9zdCIsIm4iOnRydWUsImkiOiJ4In0"},
				"port not a num": {Sort: "port", After: "eyJzIjoicG9ydCIsImsiOiJ4IiwiaSI6IngifQ"},
			}
			for name, f := range cases {
				if _, _, err := fx.s.ListDomains(context.Background(), fx.orgID, f, store.Page{Number: 1, PerPage: 5}); !errors.Is(err, store.ErrBadCursor) {
					t.Errorf("%s: %v, want ErrBadCursor", name, err)
				}
			}
		})
	}
}
