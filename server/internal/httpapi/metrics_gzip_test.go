package httpapi

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"testing"
)

// TestGzipWriter: what the exposition's compressor writes reads back whole
// with the standard library's gzip, across many blocks; a failing client
// makes writes fail with its error, which stops the formatting.
func TestGzipWriter(t *testing.T) {
	var text bytes.Buffer
	for i := range 50000 {
		fmt.Fprintf(&text, "certinel_check_success{domain=\"h%05d.example\"} %d\n", i, i%2)
	}
	var out bytes.Buffer
	zw := newGzipWriter(&out)
	w := bufio.NewWriterSize(zw, exposeWrites)
	if _, err := w.Write(text.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, text.Bytes()) {
		t.Fatalf("read back %d bytes of %d, err %v", len(got), text.Len(), err)
	}

	gone := errors.New("client gone")
	zw = newGzipWriter(failingWriter{gone})
	for range 100 {
		if _, err = zw.Write(text.Bytes()); err != nil {
			break
		}
	}
	if !errors.Is(err, gone) {
		t.Fatalf("writes to a failed client: %v, want the client's error", err)
	}
	_ = zw.Close()
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
