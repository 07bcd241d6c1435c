package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// spoolMemory is how much of its domains' records a scrape keeps in memory
// before it spills to a temporary file: about 7,000 domains, so that most
// organizations' scrapes never touch the disk, while the largest do not
// pay for growing buffers they then spill.
const spoolMemory = 1 << 20

// spool holds the domains' records while the domains are read: in memory
// up to its limit, in a temporary file beyond it.
type spool struct {
	limit int
	mem   bytes.Buffer
	file  *os.File
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) <= s.limit {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "certinel-metrics-*")
		if err != nil {
			return 0, fmt.Errorf("httpapi: metrics spool: %w", err)
		}
		s.file = f
		if _, err := s.mem.WriteTo(f); err != nil {
			return 0, fmt.Errorf("httpapi: metrics spool: %w", err)
		}
		s.mem = bytes.Buffer{}
	}
	return s.file.Write(p)
}

// reader reads everything spooled, from the start: it may be called once
// per pass over the spool.
func (s *spool) reader() io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.mem.Bytes())
	}
	return io.NewSectionReader(s.file, 0, 1<<62)
}

// close removes the temporary file, if the spool spilled.
func (s *spool) close() {
	if s.file != nil {
		_ = s.file.Close()
		_ = os.Remove(s.file.Name())
	}
}
