package spool

import (
	"fmt"
	"os"
	"time"

	"certinel.dev/agent/internal/atomicfile"
)

// parkedDir, inside the spool directory, holds the batches set aside. Their
// files are named as in the queue, so moving one back into the spool
// directory queues it again.
const parkedDir = "parked"

// Strike records one more push round in which the server failed on e, and
// returns the entry under its new name. The count is what tells a batch the
// server cannot take from a server that is briefly failing.
func (s *Spool) Strike(e Entry) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := e
	next.Strikes++
	next.Name = fileName(next)
	if err := atomicfile.Move(s.path(e), s.path(next)); err != nil {
		return e, fmt.Errorf("spool: strike %s: %w", e.BatchID, err)
	}
	return next, nil
}

// Park moves e out of the queue into the parked directory, so the batches
// behind it can be delivered; it is kept for later retries. The parked
// batches are bounded like the queue: beyond maxBytes the oldest are dropped.
func (s *Spool) Park(e Entry) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	parked := e
	parked.parked, parked.Strikes, parked.ParkedAt = true, 0, time.Now()
	parked.Name = fileName(parked)
	// The modification time records when it was parked, for the retry
	// schedule; set before the move so the file appears complete.
	if err := os.Chtimes(s.path(e), parked.ParkedAt, parked.ParkedAt); err != nil {
		return e, fmt.Errorf("spool: park %s: %w", e.BatchID, err)
	}
	if err := atomicfile.Move(s.path(e), s.path(parked)); err != nil {
		return e, fmt.Errorf("spool: park %s: %w", e.BatchID, err)
	}
	if err := s.enforceBound(true, parked.Name); err != nil {
		return parked, err
	}
	return parked, nil
}

// Parked returns the parked batches, oldest first.
func (s *Spool) Parked() ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(true)
}

// Postpone restarts the wait of a parked batch whose retry failed.
func (s *Spool) Postpone(e Entry) error {
	now := time.Now()
	if err := os.Chtimes(s.path(e), now, now); err != nil {
		return fmt.Errorf("spool: postpone %s: %w", e.BatchID, err)
	}
	return nil
}
