package httpapi

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// The exposition is compressed here rather than by the compress
// middleware: it is the largest answer by far (about 1 KB of text per
// domain), and compressing it cost as much CPU as writing it. Here it is
// compressed by klauspost/compress's gzip at its fastest level, several
// times faster than compress/gzip's, on a goroutine of its own, so that
// one core formats the text while the other compresses it.

// exposeWrites is the size of the writes of the exposition's text.
const exposeWrites = 64 << 10

// exposeBuffers is how many buffers of text the formatting may run ahead
// of the compression by: it bounds the memory of a scrape.
const exposeBuffers = 4

// acceptsGzip tells whether the client asks for gzip, as the compress
// middleware decides it.
func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// metricsBody starts the answer and returns the writer of its body and
// the function that ends it. An answer ended incomplete is cut short as
// it was before: the plain text without its buffered tail, the gzip
// stream without its end, so that a scraper sees a failed scrape rather
// than fewer series.
func metricsBody(c echo.Context, contentType string) (*bufio.Writer, func(complete bool) error) {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, contentType)
	if !acceptsGzip(c.Request()) {
		w.WriteHeader(http.StatusOK)
		out := bufio.NewWriterSize(w, exposeWrites)
		return out, func(complete bool) error {
			if !complete {
				return nil
			}
			return out.Flush()
		}
	}
	w.Header().Set(echo.HeaderContentEncoding, "gzip")
	w.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	w.WriteHeader(http.StatusOK)
	pipe := newGzipPipe(w)
	out := bufio.NewWriterSize(pipe, exposeWrites)
	return out, func(complete bool) error {
		var flushErr error
		if complete {
			flushErr = out.Flush()
		}
		if err := pipe.Close(complete); err != nil {
			return err
		}
		return flushErr
	}
}

// gzipPipe hands what is written to it, in whole buffers, to a goroutine
// that compresses it to w.
type gzipPipe struct {
	full   chan []byte
	free   chan []byte
	failed chan struct{}
	done   chan error
	// complete is set by Close before it closes full: an incomplete
	// stream is left without its end.
	complete bool
}

// errCompression stops the formatting once the compression has failed
// (the client has gone); the compressing goroutine holds the cause.
var errCompression = errors.New("httpapi: metrics: compression stopped")

func newGzipPipe(w io.Writer) *gzipPipe {
	p := &gzipPipe{
		full:   make(chan []byte, exposeBuffers),
		free:   make(chan []byte, exposeBuffers),
		failed: make(chan struct{}),
		done:   make(chan error, 1),
	}
	for range exposeBuffers {
		p.free <- make([]byte, 0, exposeWrites)
	}
	go p.compress(w)
	return p
}

func (p *gzipPipe) compress(w io.Writer) {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	stopped := false
	for b := range p.full {
		if err == nil {
			_, err = zw.Write(b)
		}
		if err != nil && !stopped {
			close(p.failed)
			stopped = true
		}
		p.free <- b[:0]
	}
	if err == nil && p.complete {
		err = zw.Close()
	}
	p.done <- err
}

// Write copies b into a free buffer and queues it: the caller (a
// bufio.Writer) reuses b.
func (p *gzipPipe) Write(b []byte) (int, error) {
	select {
	case <-p.failed:
		return 0, errCompression
	case buf := <-p.free:
		p.full <- append(buf, b...)
		return len(b), nil
	}
}

// Close waits for the compression to end and returns its error; the
// stream gets its end only when complete.
func (p *gzipPipe) Close(complete bool) error {
	p.complete = complete
	close(p.full)
	return <-p.done
}
