package httpapi

import (
	"bufio"
	"io"
	"net/http"
	"runtime"
	"strings"

	"github.com/klauspost/pgzip"
	"github.com/labstack/echo/v4"
)

// The exposition is compressed here rather than by the compress
// middleware: it is the largest answer by far (about 1 KB of text per
// domain), and compressing it costs more CPU than writing it. Here
// klauspost/pgzip compresses it at the fastest level in blocks, side by
// side on up to gzipCompressors cores, while the text goes on being
// written; the blocks make one gzip stream that any reader reads.

// exposeWrites is the size of the writes of the exposition's text.
const exposeWrites = 64 << 10

// gzipBlockSize is how much text a block holds: large enough that the
// end of each block costs nothing in size.
const gzipBlockSize = 256 << 10

// gzipCompressors bounds the blocks one scrape compresses at once; with
// the block size it bounds the scrape's memory.
const gzipCompressors = 4

// acceptsGzip tells whether the client asks for gzip, as the compress
// middleware decides it.
func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// metricsBody starts the answer and returns the writer of its body and
// the function that ends it. An answer ended incomplete is cut short by
// dropping the connection before the end of its chunked body, so that a
// scraper sees a failed scrape rather than fewer series: text cut at the
// end of a line would read as a whole exposition.
func metricsBody(c echo.Context, contentType string) (*bufio.Writer, func(complete bool) error) {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, contentType)
	if !acceptsGzip(c.Request()) {
		w.WriteHeader(http.StatusOK)
		out := bufio.NewWriterSize(w, exposeWrites)
		return out, func(complete bool) error {
			if !complete {
				panic(http.ErrAbortHandler)
			}
			return out.Flush()
		}
	}
	w.Header().Set(echo.HeaderContentEncoding, "gzip")
	w.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	w.WriteHeader(http.StatusOK)
	zw := newGzipWriter(w)
	out := bufio.NewWriterSize(zw, exposeWrites)
	return out, func(complete bool) error {
		flushErr := out.Flush()
		// Closed either way: it ends the compressing goroutines.
		closeErr := zw.Close()
		if !complete {
			panic(http.ErrAbortHandler)
		}
		if flushErr != nil {
			return flushErr
		}
		return closeErr
	}
}

// newGzipWriter compresses to w in blocks, on as many goroutines as there
// are cores, up to gzipCompressors. Once w fails, writes fail with its
// error, which stops the formatting.
func newGzipWriter(w io.Writer) *pgzip.Writer {
	zw, _ := pgzip.NewWriterLevel(w, pgzip.BestSpeed)                                 // only a bad level fails
	_ = zw.SetConcurrency(gzipBlockSize, min(runtime.GOMAXPROCS(0), gzipCompressors)) // only a bad size fails
	return zw
}
