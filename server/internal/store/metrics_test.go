package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

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
			err := fx.s.EachMetricsDomain(context.Background(), fx.orgID, "", 0, func(ds []store.MetricsDomain) error {
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
