package spool

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func open(t *testing.T, dir string, max int64, logs io.Writer) *Spool {
	t.Helper()
	s, err := Open(dir, max, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// joined lists the batch ids of List or Parked, comma-separated.
func joined(entries []Entry, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.BatchID)
	}
	return strings.Join(out, ",")
}

func TestPutListReadRemove(t *testing.T) {
	s := open(t, t.TempDir(), 1<<20, io.Discard)
	for _, id := range []string{"b", "a", "c"} {
		if _, err := s.Put(id, 3, []byte("payload-"+id)); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if got := joined(s.List()); got != "b,a,c" {
		t.Fatalf("order = %s, want write order b,a,c", got)
	}
	if entries[0].Results != 3 || entries[0].Size != int64(len("payload-b")) {
		t.Errorf("entry = %+v", entries[0])
	}
	body, err := s.Read(entries[1])
	if err != nil || string(body) != "payload-a" {
		t.Fatalf("read = %q %v", body, err)
	}
	if err := s.Remove(entries[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(entries[1]); err != nil {
		t.Errorf("second remove: %v", err)
	}
	if got := joined(s.List()); got != "b,c" {
		t.Errorf("after remove = %s", got)
	}
}

func TestBoundDropsOldest(t *testing.T) {
	var logs bytes.Buffer
	s := open(t, t.TempDir(), 250, &logs)
	payload := bytes.Repeat([]byte("x"), 100)
	for _, id := range []string{"one", "two", "three", "four"} {
		if _, err := s.Put(id, 1, payload); err != nil {
			t.Fatal(err)
		}
	}
	if got := joined(s.List()); got != "three,four" {
		t.Errorf("kept %s, want three,four", got)
	}
	if n := strings.Count(logs.String(), "spool full, dropped oldest unsent batch"); n != 2 {
		t.Errorf("%d drop log lines, want 2:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "batch_id=one") {
		t.Errorf("drop log does not name the batch:\n%s", logs.String())
	}
	// A batch larger than the whole bound is still kept: it is the one
	// about to be pushed.
	if _, err := s.Put("huge", 1, bytes.Repeat([]byte("y"), 1000)); err != nil {
		t.Fatal(err)
	}
	if got := joined(s.List()); got != "huge" {
		t.Errorf("kept %s, want huge", got)
	}
}

func TestSurvivesRestartAndIgnoresTornFiles(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1<<20, io.Discard)
	if _, err := s.Put("kept-1", 2, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put("kept-2", 2, []byte("two")); err != nil {
		t.Fatal(err)
	}
	// What a crash in the middle of writeFile leaves behind, and files that
	// are not batches at all.
	for name, body := range map[string]string{
		".tmp-123456":                     `{"batch_id":"torn`,
		"notes.txt":                       "hello",
		"123_1_bad.batch":                 "short timestamp",
		"README.batch.bak":                "x",
		"00000000000000000001_x_id.batch": "bad count",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	restarted := open(t, dir, 1<<20, io.Discard)
	if got := joined(restarted.List()); got != "kept-1,kept-2" {
		t.Errorf("after restart = %s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tmp-123456")); !os.IsNotExist(err) {
		t.Errorf("torn temp file not cleaned: %v", err)
	}
	if _, err := restarted.Put("kept-3", 1, []byte("three")); err != nil {
		t.Fatal(err)
	}
	if got := joined(restarted.List()); got != "kept-1,kept-2,kept-3" {
		t.Errorf("new batch not ordered after old ones: %s", got)
	}
}

func TestRejectsUnsafeBatchID(t *testing.T) {
	s := open(t, t.TempDir(), 1<<20, io.Discard)
	for _, id := range []string{"", "../x", "a_b", "a.b"} {
		if _, err := s.Put(id, 1, []byte("x")); err == nil {
			t.Errorf("Put(%q) accepted", id)
		}
	}
}

func TestOpenRejectsReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if _, err := Open(dir, 1<<20, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "is not writable") {
		t.Errorf("error = %v", err)
	}
}
