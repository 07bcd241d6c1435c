package httpapi

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"runtime"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/labstack/echo/v4"
)

// The exposition is compressed here rather than by the compress
// middleware: it is the largest answer by far (about 1 KB of text per
// domain), and compressing it costs more CPU than writing it. Here it is
// cut into blocks that klauspost/compress's deflate at its fastest level
// compresses each on its own, on as many goroutines as there are cores (up
// to gzipCompressors), while the text goes on being written: one stream of
// deflate blocks, as a pgzip would make it, that any gzip reader reads.

// exposeWrites is the size of the writes of the exposition's text.
const exposeWrites = 64 << 10

// gzipBlockSize is how much text a block holds: large enough that its
// deflate blocks are full and its end's sync marker costs nothing.
const gzipBlockSize = 256 << 10

// gzipCompressors bounds the goroutines that compress one scrape.
const gzipCompressors = 4

// acceptsGzip tells whether the client asks for gzip, as the compress
// middleware decides it.
func acceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip")
}

// metricsBody starts the answer and returns the writer of its body and
// the function that ends it. An answer ended incomplete is cut short so
// that a scraper sees a failed scrape rather than fewer series: the gzip
// stream without its end, the plain text by dropping the connection
// before the end of its chunked body, as text cut at the end of a line
// would read as a whole exposition.
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

// gzipPipe cuts what is written to it into blocks, which compressors
// deflate side by side and a sender writes to w in order, as one gzip
// stream. Blocks are recycled: at most twice as many as compressors are
// in flight, which bounds the memory of a scrape.
type gzipPipe struct {
	block  *gzipBlock // being filled
	free   chan *gzipBlock
	work   chan *gzipBlock // to the compressors
	order  chan *gzipBlock // to the sender, in the order written
	failed chan struct{}
	done   chan error
	// crc and size of the text queued, for the gzip trailer.
	crc  uint32
	size uint32
	// complete is set by Close before it closes order: an incomplete
	// stream is left without its end.
	complete bool
}

// gzipBlock is a stretch of text and its deflate blocks, ended by a sync
// flush so that the next block's can follow.
type gzipBlock struct {
	text       []byte
	compressed bytes.Buffer
	done       chan struct{}
}

// errCompression stops the formatting once the compression has failed
// (the client has gone); the sending goroutine holds the cause.
var errCompression = errors.New("httpapi: metrics: compression stopped")

// gzipHeader starts a gzip stream: deflate, no name or time, compressed at
// the fastest level, on an unknown system.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255}

func newGzipPipe(w io.Writer) *gzipPipe {
	compressors := min(runtime.GOMAXPROCS(0), gzipCompressors)
	blocks := 2 * compressors
	p := &gzipPipe{
		free:   make(chan *gzipBlock, blocks),
		work:   make(chan *gzipBlock, blocks),
		order:  make(chan *gzipBlock, blocks),
		failed: make(chan struct{}),
		done:   make(chan error, 1),
	}
	for range blocks {
		p.free <- &gzipBlock{text: make([]byte, 0, gzipBlockSize), done: make(chan struct{}, 1)}
	}
	for range compressors {
		go p.compress()
	}
	go p.send(w)
	p.block = <-p.free
	return p
}

func (p *gzipPipe) compress() {
	zw, _ := flate.NewWriter(nil, flate.BestSpeed) // only a bad level fails
	for b := range p.work {
		b.compressed.Reset()
		zw.Reset(&b.compressed)
		// A bytes.Buffer does not fail.
		_, _ = zw.Write(b.text)
		_ = zw.Flush()
		b.done <- struct{}{}
	}
}

func (p *gzipPipe) send(w io.Writer) {
	_, err := w.Write(gzipHeader)
	stopped := false
	for b := range p.order {
		<-b.done
		if err == nil {
			_, err = w.Write(b.compressed.Bytes())
		}
		if err != nil && !stopped {
			close(p.failed)
			stopped = true
		}
		b.text = b.text[:0]
		p.free <- b
	}
	if err == nil && p.complete {
		err = p.end(w)
	}
	p.done <- err
}

// end writes the end of the stream: an empty final deflate block (fixed
// codes, the end-of-block code alone), then the text's CRC-32 and size.
func (p *gzipPipe) end(w io.Writer) error {
	t := []byte{0x03, 0x00}
	t = binary.LittleEndian.AppendUint32(t, p.crc)
	t = binary.LittleEndian.AppendUint32(t, p.size)
	_, err := w.Write(t)
	return err
}

// Write copies b into blocks, queueing each as it fills: the caller (a
// bufio.Writer) reuses b.
func (p *gzipPipe) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		if p.block == nil {
			return written, errCompression
		}
		n := min(len(b), cap(p.block.text)-len(p.block.text))
		p.block.text = append(p.block.text, b[:n]...)
		b, written = b[n:], written+n
		if len(p.block.text) == cap(p.block.text) {
			p.queue()
		}
	}
	return written, nil
}

// queue hands the block being filled to a compressor and to the sender,
// and takes a free one; none once the compression has failed.
func (p *gzipPipe) queue() {
	b := p.block
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b.text)
	p.size += uint32(len(b.text))
	p.order <- b
	p.work <- b
	select {
	case <-p.failed:
		p.block = nil
	case p.block = <-p.free:
	}
}

// Close waits for the compression to end and returns its error; the
// stream gets its end only when complete.
func (p *gzipPipe) Close(complete bool) error {
	if complete && p.block != nil && len(p.block.text) > 0 {
		p.queue()
	}
	p.complete = complete
	close(p.work)
	close(p.order)
	return <-p.done
}
