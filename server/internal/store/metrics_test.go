package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestEachMetricsDomainReadsEveryDomainInChunks: the exposition's reader
// hands over every domain once, a chunk at a time, also when the last
// chunk is full.
func TestEachMetricsDomainReadsEveryDomainInChunks(t *testing.T) {
	// Not parallel: the chunk size is the package's.
	for _, d := range storetest.Dialects {
		fx := newListFixture(t, d)
		all := fx.listAll(t, store.DomainFilter{Sort: "host"})
		for _, chunk := range []int{1, 2, 3, len(all), len(all) + 1} {
			undo := store.SetMetricsChunk(chunk)
			var got []string
			var sizes []int
			_, err := fx.s.EachMetricsDomain(context.Background(), fx.orgID, "", 0, func(ds []store.MetricsDomain) error {
				sizes = append(sizes, len(ds))
				for _, d := range ds {
					got = append(got, fmt.Sprintf("%s:%d/%s", d.Host, d.Port, d.Protocol))
				}
				return nil
			})
			undo()
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			want := strings.Split(ids(all), " ")
			slices.Sort(want)
			if got, want := strings.Join(got, " "), strings.Join(want, " "); got != want {
				t.Errorf("%s, chunk %d: read %s, want %s", d, chunk, got, want)
			}
			for _, n := range sizes {
				if n > chunk || n == 0 {
					t.Errorf("chunk %d: a read handed over %d rows", chunk, n)
				}
			}
		}
	}
}

// TestEachMetricsDomainAgreesWithList: each domain the exposition reads
// has the facts and status the domain list shows, times included, also
// when its chunk's times are reused by the next chunk.
func TestEachMetricsDomainAgreesWithList(t *testing.T) {
	// Not parallel: the chunk size is the package's.
	undo := store.SetMetricsChunk(2)
	defer undo()
	for _, d := range storetest.Dialects {
		fx := newListFixture(t, d)
		want := map[string]string{}
		for _, v := range fx.listAll(t, store.DomainFilter{Sort: "host"}) {
			want[v.ID] = metricsFacts(v.Host, v.Port, v.Protocol, "a", v.StateKind, string(v.Status),
				v.CheckedAt, v.NotAfter, v.WindowStart, v.WindowEnd, v.UrgentAt)
		}
		read := 0
		_, err := fx.s.EachMetricsDomain(context.Background(), fx.orgID, "", 0, func(ds []store.MetricsDomain) error {
			for _, m := range ds {
				read++
				got := metricsFacts(m.Host, m.Port, m.Protocol, m.AgentName, m.StateKind, string(m.Status),
					m.CheckedAt, m.NotAfter, m.WindowStart, m.WindowEnd, m.UrgentAt)
				if got != want[m.ID] {
					t.Errorf("%s: domain %s reads %s, the list shows %s", d, m.ID, got, want[m.ID])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if read != len(want) {
			t.Errorf("%s: read %d domains, want %d", d, read, len(want))
		}
	}
}

// TestEachMetricsDomainCountsAgreeWithFilters: the counts the exposition's
// read returns are, for every status, the number of domains the list's
// filter finds, as the clock moves across renewal windows, urgency
// margins, the floor and expiry dates, and for one agent's share.
func TestEachMetricsDomainCountsAgreeWithFilters(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		fx := newListFixture(t, d)
		// A domain of no agent, so that the agent's share differs.
		if _, err := fx.s.CreateDomain(ctx, fx.orgID, store.Domain{Host: "z.example", Port: 443, Protocol: "tls"}); err != nil {
			t.Fatal(err)
		}
		start := fx.clk.t
		for _, days := range []int{0, 3, 11, 30, 60} {
			for _, floor := range []int{0, 30} {
				fx.clk.t = start.Add(time.Duration(days) * lifecycle.Day)
				for _, agentID := range []string{"", fx.agent} {
					counts, err := fx.s.EachMetricsDomain(ctx, fx.orgID, agentID, floor, func([]store.MetricsDomain) error { return nil })
					if err != nil {
						t.Fatal(err)
					}
					for _, status := range lifecycle.Statuses {
						want := len(fx.listAll(t, store.DomainFilter{Status: string(status), FloorDays: floor, AgentID: agentID}))
						if got, ok := counts[status]; !ok || got != int64(want) {
							t.Errorf("%s day %d floor %d agent %q: %s counts %d (present %v), the filter lists %d",
								d, days, floor, agentID, status, got, ok, want)
						}
					}
				}
			}
		}
	}
}

// metricsFacts renders a domain's facts for comparison, times to the
// microsecond.
func metricsFacts(host string, port int, protocol, agent, kind, status string, times ...*time.Time) string {
	out := fmt.Sprintf("%s:%d/%s agent=%s kind=%s status=%s", host, port, protocol, agent, kind, status)
	for _, at := range times {
		if at == nil {
			out += " -"
			continue
		}
		out += " " + at.UTC().Format("2006-01-02T15:04:05.000000")
	}
	return out
}
