package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// unstorableReason is what the agent reads for a result the database
// refused; the database's own message stays on the server.
const unstorableReason = "the server could not store this result: the database refused one of its values"

// SQLite result codes of values it refuses (the primary code is the low byte).
const (
	sqliteTooBig   = 18
	sqliteMismatch = 20
)

// isDataError tells a value the database refuses (PostgreSQL's class 22,
// "data exception"; SQLite's TOOBIG and MISMATCH) from a failure of the
// database itself, such as a lost connection, which the whole batch must
// wait out.
func isDataError(err error) bool {
	if err == nil {
		return false
	}
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.SQLState(), "22")
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		code := lite.Code() & 0xff
		return code == sqliteTooBig || code == sqliteMismatch
	}
	return false
}

// saveResultsApart stores a batch that the database refused as a whole. In
// one transaction, each part of the batch gets its own savepoint; a refused
// part is split in halves until each refused result stands alone, and those
// are rejected by their index. Bisecting costs a few savepoints per refused
// result instead of one per result.
func (s *Store) saveResultsApart(ctx context.Context, orgID string, rs ResultSet, now time.Time) (ResultBatch, error) {
	batch := ResultBatch{OrganizationID: orgID, BatchID: rs.BatchID, AgentID: &rs.AgentID, Rejected: rs.Rejected, CreatedAt: now}
	err := s.transact(ctx, func(tx *gorm.DB) error {
		if err := claimBatch(tx, &batch); err != nil {
			return err
		}
		// Locked before the first savepoint, so that a part rolled back
		// keeps them locked.
		if err := lockStates(tx, rs); err != nil {
			return err
		}
		if err := saveRepeats(tx, orgID, rs.Repeats, now); err != nil {
			return err
		}
		refused, checked, err := saveParts(tx, orgID, rs, rs.Observations, now)
		if err != nil {
			return err
		}
		if err := saveBackends(tx, orgID, rs.Backends); err != nil {
			return err
		}
		due, err := markChecked(tx, orgID, checked, rs.Backends.Flagged, now)
		if err != nil {
			return err
		}
		batch.MadeDue = len(due) > 0
		if batch.Rejected, err = addRejections(rs.Rejected, refused); err != nil {
			return err
		}
		batch.Accepted = len(rs.Observations) + len(rs.Repeats) + rs.BackendOnly + rs.Kept - len(refused)
		return tx.Model(&ResultBatch{}).Where("organization_id = ? AND batch_id = ?", orgID, rs.BatchID).
			Updates(map[string]any{"accepted": batch.Accepted, "rejected": batch.Rejected}).Error
	})
	if err != nil && !errors.Is(err, ErrDuplicateBatch) {
		return ResultBatch{}, fmt.Errorf("store: save batch %q result by result: %w", rs.BatchID, err)
	}
	return batch, err
}

// saveParts stores the results obs of rs and returns those the database
// refuses, and what the stored ones made due for evaluation.
func saveParts(tx *gorm.DB, orgID string, rs ResultSet, obs []Observation, now time.Time) (refused []Observation, due checkedDue, err error) {
	if len(obs) == 0 {
		return nil, checkedDue{}, nil
	}
	err = inSavepoint(tx, func() error {
		part := partOf(rs, obs)
		var err error
		if due, err = saveObservations(tx, orgID, part, now); err != nil {
			return err
		}
		return upsertDiscovered(tx, orgID, part.Discovered)
	})
	if err == nil {
		return nil, due, nil
	}
	if !isDataError(err) {
		return nil, checkedDue{}, err
	}
	if len(obs) == 1 {
		return obs, checkedDue{}, nil
	}
	due = checkedDue{} // rolled back with the part
	mid := len(obs) / 2
	for _, half := range [][]Observation{obs[:mid], obs[mid:]} {
		r, d, err := saveParts(tx, orgID, rs, half, now)
		if err != nil {
			return nil, checkedDue{}, err
		}
		refused = append(refused, r...)
		due.add(d)
	}
	return refused, due, nil
}

// partOf is the part of rs that the results obs need: their certificates
// and the endpoints they found.
func partOf(rs ResultSet, obs []Observation) ResultSet {
	part := ResultSet{BatchID: rs.BatchID, AgentID: rs.AgentID, Observations: obs}
	shas := make(map[string]bool)
	ids := make(map[string]bool, len(obs))
	for _, o := range obs {
		ids[o.ID] = true
		for _, sha := range o.Chain {
			shas[sha] = true
		}
	}
	for _, c := range rs.Certificates {
		if shas[c.SHA256] {
			part.Certificates = append(part.Certificates, c)
		}
	}
	for _, e := range rs.Discovered {
		if ids[e.ObservationID] {
			part.Discovered = append(part.Discovered, e)
		}
	}
	return part
}

// inSavepoint runs fn so that its failure undoes only its own writes:
// PostgreSQL refuses every later statement of a transaction after an error
// unless the transaction is rolled back to a savepoint.
func inSavepoint(tx *gorm.DB, fn func() error) error {
	if err := tx.Exec("SAVEPOINT results_part").Error; err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	err := fn()
	if err != nil {
		if rbErr := tx.Exec("ROLLBACK TO SAVEPOINT results_part").Error; rbErr != nil {
			return fmt.Errorf("roll back to savepoint: %w", rbErr)
		}
	}
	if relErr := tx.Exec("RELEASE SAVEPOINT results_part").Error; relErr != nil {
		return fmt.Errorf("release savepoint: %w", relErr)
	}
	return err
}

// rejection is one item of a batch's rejected list.
type rejection struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// addRejections adds the refused results to a batch's rejected list, kept
// in index order.
func addRejections(rejectedJSON string, refused []Observation) (string, error) {
	list := []rejection{}
	if rejectedJSON != "" {
		if err := json.Unmarshal([]byte(rejectedJSON), &list); err != nil {
			return "", fmt.Errorf("rejected list: %w", err)
		}
	}
	for _, o := range refused {
		list = append(list, rejection{Index: o.Index, Error: unstorableReason})
	}
	slices.SortStableFunc(list, func(a, b rejection) int { return a.Index - b.Index })
	b, err := json.Marshal(list)
	if err != nil {
		return "", fmt.Errorf("rejected list: %w", err)
	}
	return string(b), nil
}
