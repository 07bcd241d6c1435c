//go:build unix

package filesource

import (
	"path/filepath"
	"syscall"
	"testing"

	"certinel.dev/shared/wire"
)

// A FIFO would block a plain open until a writer came; it must be refused.
func TestFIFORefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe.pem")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("cannot make a FIFO:", err)
	}
	got := readAll(t, Source{Pattern: path})
	check(t, got, map[string]want{
		path + "|": {format: wire.FileFormatPEM, kind: wire.FileKindUnreadable, errHas: "not a regular file"},
	})
}
