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

// TestGzipPipe: what goes through the pipe reads back whole with the
// standard library's gzip; an incomplete stream fails to read instead of
// reading short; a failing client stops the writer.
func TestGzipPipe(t *testing.T) {
	var text bytes.Buffer
	for i := range 50000 {
		fmt.Fprintf(&text, "certinel_check_success{domain=\"h%05d.example\"} %d\n", i, i%2)
	}
	send := func(complete bool) []byte {
		var out bytes.Buffer
		p := newGzipPipe(&out)
		w := bufio.NewWriterSize(p, exposeWrites)
		_, _ = w.Write(text.Bytes())
		if complete {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(complete); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}

	zr, err := gzip.NewReader(bytes.NewReader(send(true)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, text.Bytes()) {
		t.Fatalf("read back %d bytes of %d, err %v", len(got), text.Len(), err)
	}

	zr, err = gzip.NewReader(bytes.NewReader(send(false)))
	if err == nil {
		_, err = io.ReadAll(zr)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("incomplete stream read with %v, want unexpected EOF", err)
	}

	gone := errors.New("client gone")
	p := newGzipPipe(failingWriter{gone})
	for !errors.Is(err, errCompression) {
		_, err = p.Write(text.Bytes())
	}
	if err := p.Close(true); !errors.Is(err, gone) {
		t.Fatalf("Close = %v, want the client's error", err)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
