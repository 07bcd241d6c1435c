package probe

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// Limits on what a target may send before TLS, so one that floods bytes costs a few
// kilobytes and an early error instead of unbounded reading.
const (
	maxLine     = 4 << 10  // one line of a text protocol, one binary message
	maxDialogue = 64 << 10 // everything read before the handshake
	maxExcerpt  = 80       // bytes of unexpected input quoted in an error
)

var (
	errTooLong    = fmt.Errorf("server sent more than %d bytes before TLS", maxDialogue)
	errLineLong   = fmt.Errorf("server sent a line longer than %d bytes", maxLine)
	errClosed     = errors.New("server closed the connection")
	errAfterReply = errors.New("server sent data after its go-ahead for TLS (possible STARTTLS injection)")
)

// dialogue is the clear-text conversation before TLS, with bounded reads.
type dialogue struct {
	conn net.Conn
	r    *bufio.Reader
}

func newDialogue(conn net.Conn) *dialogue {
	return &dialogue{conn: conn, r: bufio.NewReaderSize(&budget{r: conn, n: maxDialogue}, maxLine)}
}

// budget fails reads once n bytes have been read.
type budget struct {
	r io.Reader
	n int
}

func (b *budget) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, errTooLong
	}
	if len(p) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= n
	return n, err
}

// readError reports a read cut short by the peer as errClosed; anything else
// (a timeout, a reset) is returned as it is.
func readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errClosed
	}
	return err
}

func (d *dialogue) send(s string) error {
	_, err := io.WriteString(d.conn, s)
	return err
}

// readLine returns the next line without its line ending.
func (d *dialogue) readLine() (string, error) {
	line, err := d.r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", errLineLong
	case errors.Is(err, io.EOF):
		return "", errClosed
	case err != nil:
		return "", err
	}
	return string(trimEOL(line)), nil
}

// expectLine reads a line and checks that it starts with prefix, ignoring case.
func (d *dialogue) expectLine(prefix, what string) error {
	line, err := d.readLine()
	if err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	if !hasPrefixFold(line, prefix) {
		return unexpected(what, prefix, line)
	}
	return nil
}

// reply reads a numeric reply as SMTP (RFC 5321 section 4.2) and FTP (RFC 959 section
// 4.2) send them: "ccc-text" lines continue it, "ccc text" ends it. It returns the text of
// the lines that carry the code.
func (d *dialogue) reply(code, what string) ([]string, error) {
	var texts []string
	for {
		line, err := d.readLine()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", what, err)
		}
		if texts == nil && !strings.HasPrefix(line, code) {
			return nil, unexpected(what, code, line)
		}
		if !strings.HasPrefix(line, code) { // FTP allows free text inside a reply
			continue
		}
		rest := line[len(code):]
		if rest != "" && rest[0] == '-' {
			texts = append(texts, rest[1:])
			continue
		}
		return append(texts, strings.TrimSpace(rest)), nil
	}
}

// done checks that the server said nothing after its go-ahead: those bytes would be
// read as TLS, and accepting them is how STARTTLS command injection works.
func (d *dialogue) done() error {
	if d.r.Buffered() > 0 {
		return errAfterReply
	}
	return nil
}

func unexpected(what, want, got string) error {
	return fmt.Errorf("expected %s %q, got %s", what, want, excerpt(got))
}

// excerpt quotes the start of untrusted input, safe to print and log.
func excerpt(s string) string {
	if len(s) > maxExcerpt {
		return strconv.Quote(s[:maxExcerpt]) + "..."
	}
	return strconv.Quote(s)
}

func trimEOL(b []byte) []byte {
	b = b[:len(b)-1]
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
