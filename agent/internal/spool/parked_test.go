package spool

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStrikesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1<<20, io.Discard)
	e, err := s.Put("a", 2, []byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	for want := 1; want <= 2; want++ {
		if e, err = s.Strike(e); err != nil || e.Strikes != want {
			t.Fatalf("strike %d: %+v %v", want, e, err)
		}
	}
	entries, err := open(t, dir, 1<<20, io.Discard).List()
	if err != nil || len(entries) != 1 {
		t.Fatalf("after restart: %+v %v", entries, err)
	}
	got := entries[0]
	if got.BatchID != "a" || got.Results != 2 || got.Strikes != 2 || !got.Written.Equal(e.Written) {
		t.Errorf("after restart = %+v, want %+v", got, e)
	}
	if body, err := s.Read(got); err != nil || string(body) != "payload" {
		t.Errorf("read = %q %v", body, err)
	}
}

func TestParkKeepsBatchOutOfQueue(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1<<20, io.Discard)
	bad, _ := s.Put("bad", 1, []byte("bad payload"))
	if _, err := s.Put("good", 1, []byte("good")); err != nil {
		t.Fatal(err)
	}
	bad, _ = s.Strike(bad)
	before := time.Now().Add(-time.Second)
	parked, err := s.Park(bad)
	if err != nil {
		t.Fatal(err)
	}
	if got := joined(s.List()); got != "good" {
		t.Errorf("queue = %s, want good", got)
	}
	list, err := s.Parked()
	if err != nil || len(list) != 1 {
		t.Fatalf("parked = %+v %v", list, err)
	}
	p := list[0]
	if p.BatchID != "bad" || p.Strikes != 0 || p.Name != parked.Name || p.ParkedAt.Before(before) || !p.Written.Equal(bad.Written) {
		t.Errorf("parked entry = %+v", p)
	}
	if body, err := s.Read(p); err != nil || string(body) != "bad payload" {
		t.Errorf("read parked = %q %v", body, err)
	}
	// Its file name is a queue name: moving it back queues it again.
	if err := os.Rename(filepath.Join(dir, parkedDir, p.Name), filepath.Join(dir, p.Name)); err != nil {
		t.Fatal(err)
	}
	if got := joined(s.List()); got != "bad,good" {
		t.Errorf("queue after moving back = %s, want bad,good", got)
	}
}

func TestPostponeAndRemoveParked(t *testing.T) {
	s := open(t, t.TempDir(), 1<<20, io.Discard)
	e, _ := s.Put("a", 1, []byte("x"))
	if _, err := s.Park(e); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Parked()
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(s.dir, parkedDir, list[0].Name), old, old); err != nil {
		t.Fatal(err)
	}
	if err := s.Postpone(list[0]); err != nil {
		t.Fatal(err)
	}
	list, _ = s.Parked()
	if time.Since(list[0].ParkedAt) > time.Hour {
		t.Errorf("parked at %s after postponing", list[0].ParkedAt)
	}
	if err := s.Remove(list[0]); err != nil {
		t.Fatal(err)
	}
	if got := joined(s.Parked()); got != "" {
		t.Errorf("parked after remove = %s", got)
	}
}

func TestParkedBoundDropsOldest(t *testing.T) {
	var logs bytes.Buffer
	s := open(t, t.TempDir(), 250, &logs)
	payload := bytes.Repeat([]byte("x"), 100)
	for _, id := range []string{"one", "two", "three"} {
		e, err := s.Put(id, 1, payload)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Park(e); err != nil {
			t.Fatal(err)
		}
	}
	if got := joined(s.Parked()); got != "two,three" {
		t.Errorf("parked %s, want two,three", got)
	}
	if n := strings.Count(logs.String(), "parked batches over the spool bound, dropped the oldest"); n != 1 || !strings.Contains(logs.String(), "batch_id=one") {
		t.Errorf("want one drop log line naming batch one:\n%s", logs.String())
	}
	// Parked batches have their own budget: the queue still takes a batch.
	if _, err := s.Put("four", 1, payload); err != nil {
		t.Fatal(err)
	}
	if got := joined(s.List()); got != "four" {
		t.Errorf("queue = %s, want four", got)
	}
}

func TestParseName(t *testing.T) {
	cases := map[string]struct {
		ok      bool
		strikes int
	}{
		"00000000000000000001_3_abc.batch":          {ok: true},
		"00000000000000000001_3_abc.failed2.batch":  {ok: true, strikes: 2},
		"00000000000000000001_3_abc.failed0.batch":  {},
		"00000000000000000001_3_abc.failedx.batch":  {},
		"00000000000000000001_3_abc.failed-1.batch": {},
		"00000000000000000001_3_a.b.batch":          {},
		".tmp-00000000000000000001_3_abc.batch-123": {},
	}
	for name, c := range cases {
		e, ok := parseName(name)
		if ok != c.ok || e.Strikes != c.strikes {
			t.Errorf("parseName(%q) = %+v %v, want ok %v strikes %d", name, e, ok, c.ok, c.strikes)
		}
		if ok && fileName(e) != name {
			t.Errorf("fileName(parseName(%q)) = %q", name, fileName(e))
		}
	}
}
