package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// spoolMemory is how much of one family a scrape keeps in memory before it
// spills to a temporary file: about 1,500 domains, so that most
// organizations' scrapes never touch the disk, while the largest hold no
// more than six of these (one per family) and do not pay for growing
// buffers they then spill.
const spoolMemory = 256 << 10

// spool holds one family's samples while the domains are read: in memory
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

// copyTo writes everything spooled to w.
func (s *spool) copyTo(w io.Writer) error {
	if s.file == nil {
		_, err := s.mem.WriteTo(w)
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("httpapi: metrics spool: %w", err)
	}
	_, err := io.Copy(w, s.file)
	return err
}

// close removes the temporary file, if the spool spilled.
func (s *spool) close() {
	if s.file != nil {
		_ = s.file.Close()
		_ = os.Remove(s.file.Name())
	}
}
