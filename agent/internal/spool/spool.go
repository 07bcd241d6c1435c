// Package spool keeps result batches on disk until the server has
// acknowledged them, so that a down server, a restart or a crash in the middle
// of a push loses nothing. A batch is written completely (temporary file,
// fsync, rename) before it is ever pushed and removed only after the server
// answered; re-sending is safe because the server deduplicates on batch_id.
package spool

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	suffix     = ".batch"
	tempPrefix = ".tmp-"
)

// Spool is a directory of batches, oldest first, bounded in total size.
type Spool struct {
	dir      string
	maxBytes int64
	log      *slog.Logger

	mu   sync.Mutex
	last int64 // newest timestamp handed out, so names sort in write order
}

// Entry is one stored batch.
type Entry struct {
	Name    string // file name inside the spool directory
	BatchID string
	Results int // number of results in the batch, for the run summary
	Size    int64
}

// Open prepares dir (created if needed) and removes temporary files a crash
// may have left half-written; complete batches are kept for delivery.
func Open(dir string, maxBytes int64, log *slog.Logger) (*Spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: create %s: %w", dir, err)
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("spool: read %s: %w", dir, err)
	}
	for _, de := range names {
		if strings.HasPrefix(de.Name(), tempPrefix) {
			if err := os.Remove(filepath.Join(dir, de.Name())); err != nil {
				return nil, fmt.Errorf("spool: remove torn file: %w", err)
			}
		}
	}
	// Fail at start-up, not at the first batch hours later, when the
	// directory exists but cannot be written (read-only mount, wrong owner).
	probe, err := os.CreateTemp(dir, tempPrefix+"probe-*")
	if err != nil {
		return nil, fmt.Errorf("spool: %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &Spool{dir: dir, maxBytes: maxBytes, log: log}, nil
}

// Put stores a batch durably, then drops the oldest batches while the spool
// is over its size bound. The batch just written is never dropped, so a push
// always has something to send.
func (s *Spool) Put(batchID string, results int, payload []byte) (Entry, error) {
	if !validID(batchID) {
		return Entry{}, fmt.Errorf("spool: invalid batch id %q", batchID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stamp := max(time.Now().UnixNano(), s.last+1)
	s.last = stamp
	e := Entry{
		Name:    fmt.Sprintf("%020d_%d_%s%s", stamp, results, batchID, suffix),
		BatchID: batchID,
		Results: results,
		Size:    int64(len(payload)),
	}
	if err := s.writeFile(e.Name, payload); err != nil {
		return Entry{}, err
	}
	if err := s.enforceBound(e.Name); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// validID accepts the UUIDs the runner uses (hex and dashes) and nothing that
// could escape the directory or break the file name format.
func validID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func (s *Spool) writeFile(name string, payload []byte) error {
	f, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("spool: create: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(payload)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spool: write %s: %w", name, err)
	}
	return s.syncDir()
}

// syncDir makes the rename itself durable. Windows cannot fsync a directory
// and does not need to.
func (s *Spool) syncDir() error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(s.dir)
	if err != nil {
		return fmt.Errorf("spool: sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("spool: sync dir: %w", err)
	}
	return nil
}

func (s *Spool) enforceBound(keep string) error {
	entries, err := s.list()
	if err != nil {
		return err
	}
	var total int64
	for _, e := range entries {
		total += e.Size
	}
	for _, e := range entries {
		if total <= s.maxBytes {
			break
		}
		if e.Name == keep {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, e.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("spool: drop %s: %w", e.Name, err)
		}
		total -= e.Size
		s.log.Warn("spool full, dropped oldest unsent batch",
			"batch_id", e.BatchID, "results", e.Results, "bytes", e.Size, "max_bytes", s.maxBytes)
	}
	return nil
}

// List returns the stored batches, oldest first.
func (s *Spool) List() ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list()
}

func (s *Spool) list() ([]Entry, error) {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("spool: list: %w", err)
	}
	var entries []Entry
	for _, de := range des {
		e, ok := parseName(de.Name())
		if !ok || !de.Type().IsRegular() {
			continue // temporary files and strangers are not ours to send
		}
		info, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		e.Size = info.Size()
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return cmp.Compare(a.Name, b.Name) })
	return entries, nil
}

func parseName(name string) (Entry, bool) {
	base, ok := strings.CutSuffix(name, suffix)
	if !ok || strings.HasPrefix(name, tempPrefix) {
		return Entry{}, false
	}
	parts := strings.SplitN(base, "_", 3)
	if len(parts) != 3 || len(parts[0]) != 20 || !validID(parts[2]) {
		return Entry{}, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return Entry{}, false
	}
	return Entry{Name: name, BatchID: parts[2], Results: n}, true
}

// Read returns the payload of a stored batch.
func (s *Spool) Read(e Entry) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, e.Name))
	if err != nil {
		return nil, fmt.Errorf("spool: read %s: %w", e.Name, err)
	}
	return b, nil
}

// Remove deletes a batch once the server has acknowledged it. A batch that is
// already gone (dropped for space meanwhile) is not an error.
func (s *Spool) Remove(e Entry) error {
	err := os.Remove(filepath.Join(s.dir, e.Name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("spool: remove %s: %w", e.Name, err)
	}
	return nil
}
