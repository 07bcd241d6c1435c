package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Most checks present the chain their domain already serves, with the
// same negotiated parameters, while the stored verdict still stands. Such
// a check is a repeat: ingest neither parses nor judges it, and storing it
// only moves the domain's current state and sample forward in place, with
// one statement per table for the whole batch.

// ErrRepeatMoved means a domain's state moved between reading it
// (HeldChains) and storing a repeat of it: the batch stored nothing and
// must be judged in full.
var ErrRepeatMoved = errors.New("a domain's state moved while its check was stored as a repeat")

// HeldChain is what a check is compared with to be taken as a repeat.
type HeldChain struct {
	DomainID      string
	ObservationID string
	ChainKey      string
	CheckedAt     time.Time
	JudgedUntil   *time.Time
}

// Repeat is a check stored as a repeat of its domain's current sample.
type Repeat struct {
	DomainID       string
	ObservationID  string // the current sample, from HeldChain
	ChainKey       string
	ObservedAt     time.Time
	Address        string
	DurationMS     int64
	HandshakeError string
}

// HeldChains reads the held chains of the given domains of the agent;
// domains without a state or not the agent's are left out.
func (s *Store) HeldChains(ctx context.Context, orgID, agentID string, domainIDs []string) (map[string]HeldChain, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(domainIDs)))
	out := make(map[string]HeldChain, len(ids))
	for start := 0; start < len(ids); start += observationBatch {
		batch := ids[start:min(start+observationBatch, len(ids))]
		var rows []struct {
			DomainID      string
			ObservationID string
			ChainKey      string
			CheckedAt     scanTime
			JudgedUntil   *scanTime
			AgentID       string
		}
		// The domains' agent is read, not filtered on: a filter on it lets
		// PostgreSQL read the index of every domain of the agent.
		err := s.db.WithContext(ctx).Table("domain_states s").
			Select("s.domain_id, s.observation_id, s.chain_key, s.checked_at, s.judged_until, COALESCE(d.agent_id, '') AS agent_id").
			Joins("JOIN domains d ON d.id = s.domain_id").
			Where("s.organization_id = ? AND s.domain_id IN ? AND s.chain_key <> ''", orgID, batch).
			Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: held chains of agent %s: %w", agentID, err)
		}
		for _, r := range rows {
			if r.AgentID != agentID {
				continue
			}
			out[r.DomainID] = HeldChain{DomainID: r.DomainID, ObservationID: r.ObservationID, ChainKey: r.ChainKey,
				CheckedAt: r.CheckedAt.Time, JudgedUntil: r.JudgedUntil.ptr()}
		}
	}
	return out, nil
}

// saveRepeats moves the repeats' states and samples forward: the check
// time, and what a check that changes nothing updates on its sample (see
// repeatColumns), but the verdict, which was not judged again. A state
// that moved since it was read (its sample, chain or verdict's term) fails
// the batch with ErrRepeatMoved. A domain repeated more than once (each
// backend of a load-balanced name) moves to its latest check.
func saveRepeats(tx *gorm.DB, orgID string, repeats []Repeat, now time.Time) error {
	if len(repeats) == 0 {
		return nil
	}
	// Domain order: the order every batch locks states in; each domain's
	// latest check first, and kept alone.
	repeats = slices.Clone(repeats)
	slices.SortFunc(repeats, func(a, b Repeat) int {
		return cmp.Or(strings.Compare(a.DomainID, b.DomainID), b.ObservedAt.Compare(a.ObservedAt))
	})
	repeats = slices.CompactFunc(repeats, func(a, b Repeat) bool { return a.DomainID == b.DomainID })
	ids := make([]string, len(repeats))
	for i, r := range repeats {
		ids[i] = r.DomainID
	}
	pg := tx.Dialector.Name() == "postgres"
	for start := 0; start < len(repeats); start += observationBatch {
		chunk := repeats[start:min(start+observationBatch, len(repeats))]
		rows, args := repeatValues(chunk, pg)
		res := tx.Exec(`UPDATE domain_states SET checked_at = v.column4
			FROM `+rows+`
			WHERE domain_states.domain_id = v.column1 AND domain_states.organization_id = ?
			AND domain_states.observation_id = v.column2 AND domain_states.chain_key = v.column3
			AND domain_states.checked_at <= v.column4 AND domain_states.judged_until > ?`, append(args, orgID, now)...)
		if res.Error != nil {
			return fmt.Errorf("repeated states: %w", res.Error)
		}
		if res.RowsAffected != int64(len(chunk)) {
			return ErrRepeatMoved
		}
		// Every state moved to its repeat's time: the last-check sort's copy
		// (see syncCheckTimes) takes the same times, without reading the
		// states again.
		times, timeArgs := checkTimeValues(chunk, pg)
		err := tx.Exec(`UPDATE domain_checks SET checked_at = v.column2 FROM `+times+`
			WHERE domain_checks.domain_id = v.column1`, timeArgs...).Error
		if err != nil {
			return fmt.Errorf("repeated check times: %w", err)
		}
		err = tx.Exec(`UPDATE observations SET last_observed_at = v.column4, received_at = ?, address = v.column5,
			duration_ms = v.column6, error = '', handshake_error = v.column7, checks = observations.checks + 1
			FROM `+rows+`
			WHERE observations.id = v.column2 AND observations.organization_id = ?`, append(append([]any{now}, args...), orgID)...).Error
		if err != nil {
			return fmt.Errorf("repeated observations: %w", err)
		}
	}
	if err := completeCheckRequests(tx, orgID, ids, now); err != nil {
		return err
	}
	return touchServedCertificates(tx, orgID, ids, now)
}

// repeatValues writes a table v(column1..column7) of the repeats' domain,
// sample, chain key, check time, address, duration and handshake error,
// and its arguments. On PostgreSQL the table unnests one array a column:
// seven parameters and one statement text whatever the batch's size, so
// the statement stays prepared. SQLite gets a VALUES list, whose times
// compare as the text they are stored as.
func repeatValues(repeats []Repeat, pg bool) (string, []any) {
	if pg {
		return `unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TIMESTAMPTZ[]),
			CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]))
			AS v(column1, column2, column3, column4, column5, column6, column7)`,
			[]any{arrayOf(repeats, func(r Repeat) string { return r.DomainID }),
				arrayOf(repeats, func(r Repeat) string { return r.ObservationID }),
				arrayOf(repeats, func(r Repeat) string { return r.ChainKey }),
				arrayOf(repeats, func(r Repeat) time.Time { return r.ObservedAt }),
				arrayOf(repeats, func(r Repeat) string { return r.Address }),
				arrayOf(repeats, func(r Repeat) int64 { return r.DurationMS }),
				arrayOf(repeats, func(r Repeat) string { return r.HandshakeError })}
	}
	args := make([]any, 0, 7*len(repeats))
	for _, r := range repeats {
		args = append(args, r.DomainID, r.ObservationID, r.ChainKey, r.ObservedAt, r.Address, r.DurationMS, r.HandshakeError)
	}
	return "(VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", len(repeats)), ", ") + ") AS v", args
}

// checkTimeValues writes a table v(column1, column2) of the repeats'
// domains and check times, as repeatValues does.
func checkTimeValues(repeats []Repeat, pg bool) (string, []any) {
	if pg {
		return "unnest(CAST(? AS TEXT[]), CAST(? AS TIMESTAMPTZ[])) AS v(column1, column2)",
			[]any{arrayOf(repeats, func(r Repeat) string { return r.DomainID }),
				arrayOf(repeats, func(r Repeat) time.Time { return r.ObservedAt })}
	}
	args := make([]any, 0, 2*len(repeats))
	for _, r := range repeats {
		args = append(args, r.DomainID, r.ObservedAt)
	}
	return "(VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(repeats)), ", ") + ") AS v", args
}

// touchServedCertificates moves last_seen of the certificates the domains'
// current chains hold, once it is lastSeenStep old, as a judged check of
// the same chain does (upsertOrgCertificates).
func touchServedCertificates(tx *gorm.DB, orgID string, domainIDs []string, now time.Time) error {
	for start := 0; start < len(domainIDs); start += observationBatch {
		err := tx.Exec(`UPDATE org_certificates SET last_seen = ?
			WHERE organization_id = ? AND last_seen < ?
			AND sha256 IN (SELECT sha256 FROM domain_chains WHERE domain_id IN ?)`,
			now, orgID, now.Add(-lastSeenStep), domainIDs[start:min(start+observationBatch, len(domainIDs))]).Error
		if err != nil {
			return fmt.Errorf("organization certificates: %w", err)
		}
	}
	return nil
}
