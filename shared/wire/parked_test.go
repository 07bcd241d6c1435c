package wire

import (
	"net/http"
	"testing"
	"time"
)

func TestParkedHeaderRoundTrip(t *testing.T) {
	oldest := time.Date(2026, 11, 28, 10, 30, 0, 0, time.UTC)
	cases := map[string]struct {
		in   Parked
		want Parked
	}{
		"none":        {in: Parked{}, want: Parked{}},
		"some":        {in: Parked{Batches: 2, Oldest: oldest.Add(123 * time.Millisecond)}, want: Parked{Batches: 2, Oldest: oldest}},
		"time unused": {in: Parked{Batches: 0, Oldest: oldest}, want: Parked{}},
	}
	for name, c := range cases {
		h := http.Header{}
		c.in.SetHeader(h)
		got, ok := ParkedFromHeader(h)
		if !ok || got.Batches != c.want.Batches || !got.Oldest.Equal(c.want.Oldest) {
			t.Errorf("%s: got %+v %v, want %+v", name, got, ok, c.want)
		}
	}
}

func TestParkedFromHeaderOfOtherAgents(t *testing.T) {
	cases := map[string]struct {
		count, oldest string
		ok            bool
		want          Parked
	}{
		"old agent sends nothing": {},
		"not a number":            {count: "two"},
		"negative":                {count: "-1"},
		"bad time is dropped":     {count: "3", oldest: "yesterday", ok: true, want: Parked{Batches: 3}},
	}
	for name, c := range cases {
		h := http.Header{}
		if c.count != "" {
			h.Set(ParkedBatchesHeader, c.count)
		}
		if c.oldest != "" {
			h.Set(ParkedOldestHeader, c.oldest)
		}
		got, ok := ParkedFromHeader(h)
		if ok != c.ok || got.Batches != c.want.Batches || !got.Oldest.Equal(c.want.Oldest) {
			t.Errorf("%s: got %+v %v, want %+v %v", name, got, ok, c.want, c.ok)
		}
	}
}
