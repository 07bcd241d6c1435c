package filesource

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"certinel.dev/shared/wire"
)

func TestPatternBoundedToMaxMatches(t *testing.T) {
	dir := t.TempDir()
	der := issue(t, "many.test", nil, false).cert.Raw
	for i := range MaxMatches + 5 {
		write(t, dir, fmt.Sprintf("%05d.der", i), der)
	}
	n := 0
	opts := Options{Host: "h", Sources: []Source{{Pattern: filepath.Join(dir, "*.der")}},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var last string
	Read(context.Background(), opts, func(res wire.Result) { n++; last = res.File.Path })
	if n != MaxMatches {
		t.Errorf("%d results, want %d", n, MaxMatches)
	}
	if want := filepath.Join(dir, fmt.Sprintf("%05d.der", MaxMatches-1)); last != want {
		t.Errorf("last file read %s, want %s (lexical order)", last, want)
	}
}

func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	path := write(t, dir, "secret.pem", pemOf("CERTIFICATE", issue(t, "x", nil, false).cert.Raw))
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, Source{Pattern: path})
	check(t, got, map[string]want{
		path + "|": {format: wire.FileFormatPEM, kind: wire.FileKindUnreadable, errHas: "cannot open: permission denied"},
	})
}

func TestCancelledReadStops(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.der", issue(t, "a", nil, false).cert.Raw)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	Read(ctx, Options{Host: "h", Sources: []Source{{Pattern: filepath.Join(dir, "*")}, {Pattern: filepath.Join(dir, "none")}}},
		func(wire.Result) { n++ })
	if n != 0 {
		t.Errorf("%d results after cancel, want 0", n)
	}
}
