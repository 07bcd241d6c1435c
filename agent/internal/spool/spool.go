// Package spool keeps result batches on disk until the server has
// acknowledged them, so that a down server, a restart or a crash in the middle
// of a push loses nothing. A batch is written completely (temporary file,
// fsync, rename) before it is ever pushed and removed only after the server
// answered; re-sending is safe because the server deduplicates on batch_id.
// A batch the server keeps failing on is parked (parked.go) so that it does
// not hold back the batches behind it.
package spool

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"certinel.dev/agent/internal/atomicfile"
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
	Name    string // file name inside the spool (or parked) directory
	BatchID string
	Results int // number of results in the batch, for the run summary
	Size    int64
	Written time.Time // when the batch was spooled, about when its results were taken
	// Strikes counts the push rounds in a row in which the server failed
	// on this batch (see Strike).
	Strikes int
	// ParkedAt is, for a parked batch, when it was set aside or last retried.
	ParkedAt time.Time
	parked   bool
}

// Open prepares dir and its parked directory (created if needed) and removes
// temporary files a crash may have left half-written; complete batches are
// kept for delivery. maxBytes bounds the queue, and the parked batches
// separately.
func Open(dir string, maxBytes int64, log *slog.Logger) (*Spool, error) {
	for _, d := range []string{dir, filepath.Join(dir, parkedDir)} {
		if err := prepareDir(d); err != nil {
			return nil, err
		}
	}
	return &Spool{dir: dir, maxBytes: maxBytes, log: log}, nil
}

func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("spool: create %s: %w", dir, err)
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("spool: read %s: %w", dir, err)
	}
	for _, de := range names {
		if strings.HasPrefix(de.Name(), atomicfile.TempPrefix) {
			if err := os.Remove(filepath.Join(dir, de.Name())); err != nil {
				return fmt.Errorf("spool: remove torn file: %w", err)
			}
		}
	}
	// Fail at start-up, not at the first batch hours later, when the
	// directory exists but cannot be written (read-only mount, wrong owner).
	probe, err := os.CreateTemp(dir, atomicfile.TempPrefix+"probe-*")
	if err != nil {
		return fmt.Errorf("spool: %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
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
		BatchID: batchID,
		Results: results,
		Size:    int64(len(payload)),
		Written: time.Unix(0, stamp),
	}
	e.Name = fileName(e)
	if err := atomicfile.Write(s.path(e), payload, 0o600); err != nil {
		return Entry{}, fmt.Errorf("spool: %w", err)
	}
	if err := s.enforceBound(false, e.Name); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// enforceBound drops the oldest batches of the queue (or of the parked
// ones) while they hold more than maxBytes, never the batch named keep.
func (s *Spool) enforceBound(parked bool, keep string) error {
	entries, err := s.list(parked)
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
		if err := s.Remove(e); err != nil {
			return fmt.Errorf("spool: drop: %w", err)
		}
		total -= e.Size
		msg := "spool full, dropped oldest unsent batch"
		if parked {
			msg = "parked batches over the spool bound, dropped the oldest"
		}
		s.log.Warn(msg, "batch_id", e.BatchID, "results", e.Results, "bytes", e.Size, "max_bytes", s.maxBytes)
	}
	return nil
}

// List returns the batches waiting for delivery, oldest first.
func (s *Spool) List() ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(false)
}

// list reads the queue, or the parked directory.
func (s *Spool) list(parked bool) ([]Entry, error) {
	dir := s.dir
	if parked {
		dir = filepath.Join(s.dir, parkedDir)
	}
	des, err := os.ReadDir(dir)
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
		if parked {
			e.parked, e.ParkedAt = true, info.ModTime()
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return cmp.Compare(a.Name, b.Name) })
	return entries, nil
}

// Read returns the payload of a stored batch.
func (s *Spool) Read(e Entry) ([]byte, error) {
	b, err := os.ReadFile(s.path(e))
	if err != nil {
		return nil, fmt.Errorf("spool: read %s: %w", e.Name, err)
	}
	return b, nil
}

// Remove deletes a batch once the server has acknowledged it. A batch that is
// already gone (dropped for space meanwhile) is not an error.
func (s *Spool) Remove(e Entry) error {
	err := os.Remove(s.path(e))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("spool: remove %s: %w", e.Name, err)
	}
	return nil
}

// path is where a batch's file lives.
func (s *Spool) path(e Entry) string {
	if e.parked {
		return filepath.Join(s.dir, parkedDir, e.Name)
	}
	return filepath.Join(s.dir, e.Name)
}
