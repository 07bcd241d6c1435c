package store

import (
	"context"
	"fmt"
	"time"
)

// Retention says how long each kind of record is kept. Certificate changes
// are not pruned: one row per change is the endpoint's history, small and
// shown as such.
type Retention struct {
	// Samples are observations no domain state or discovered endpoint
	// points at, with their chains; a current sample is kept however old.
	Samples       time.Duration
	Audit         time.Duration
	Deliveries    time.Duration
	ResultBatches time.Duration
}

// Pruned counts the rows a pass deleted, by kind.
type Pruned struct {
	Samples, Audit, Deliveries, ResultBatches int64
	// Commands are agent commands past their expiry; CheckRequests are
	// "check now" requests older than checkRequestRetention; Enrollments
	// are agent enrollments decided or expired enrollmentRetention ago.
	Commands, CheckRequests, Enrollments int64
	// Credentials are expired sessions, password reset links and pending
	// second steps of logins: useless once expired.
	Credentials int64
	// FileSources are file items no agent reported for FileSourceRetention.
	FileSources int64
}

// checkRequestRetention is how long a "check now" request can be looked
// up: the dashboard polls it for seconds, a script for minutes.
const checkRequestRetention = 24 * time.Hour

// enrollmentRetention is how long a decided or expired enrollment stays
// listed: an admin can look back on a month of decisions, and the audit
// log keeps them longer.
const enrollmentRetention = 30 * 24 * time.Hour

// pruneBatch bounds the rows one statement deletes: each statement is its
// own short transaction, so pruning never holds many locks for long.
const pruneBatch = 5000

// The prune statements delete up to LIMIT rows older than a cutoff. A
// sample's observed_at is its first check, never after its last, so the
// index on observed_at narrows the search; the NOT EXISTS guards keep the
// samples in use. No race with ingest: a sample no longer current is
// never pointed at again (repeats extend the current one, changes are new).
const (
	pruneSamples = `DELETE FROM observations WHERE id IN (
		SELECT o.id FROM observations o
		WHERE o.observed_at < ? AND COALESCE(o.last_observed_at, o.observed_at) < ?
		  AND NOT EXISTS (SELECT 1 FROM domain_states s WHERE s.observation_id = o.id)
		  AND NOT EXISTS (SELECT 1 FROM discovered_endpoints e WHERE e.observation_id = o.id)
		LIMIT ?)`
	pruneAudit = `DELETE FROM audit_log WHERE id IN (
		SELECT id FROM audit_log WHERE created_at < ? LIMIT ?)`
	pruneDeliveries = `DELETE FROM delivery_attempts WHERE id IN (
		SELECT id FROM delivery_attempts WHERE attempted_at < ? LIMIT ?)`
	pruneResultBatches = `DELETE FROM result_batches WHERE (organization_id, batch_id) IN (
		SELECT organization_id, batch_id FROM result_batches WHERE created_at < ? LIMIT ?)`
	pruneCommands = `DELETE FROM agent_commands WHERE id IN (
		SELECT id FROM agent_commands WHERE expires_at < ? LIMIT ?)`
	pruneCheckRequests = `DELETE FROM check_requests WHERE id IN (
		SELECT id FROM check_requests WHERE created_at < ? LIMIT ?)`
	pruneSessions = `DELETE FROM sessions WHERE token_hash IN (
		SELECT token_hash FROM sessions WHERE expires_at < ? LIMIT ?)`
	prunePasswordResets = `DELETE FROM password_resets WHERE token_hash IN (
		SELECT token_hash FROM password_resets WHERE expires_at < ? LIMIT ?)`
	pruneLoginChallenges = `DELETE FROM login_challenges WHERE token_hash IN (
		SELECT token_hash FROM login_challenges WHERE expires_at < ? LIMIT ?)`
	// A pending enrollment has no decided_at; it ends when it expires.
	pruneEnrollments = `DELETE FROM agent_enrollments WHERE id IN (
		SELECT id FROM agent_enrollments WHERE COALESCE(decided_at, expires_at) < ? LIMIT ?)`
)

// Prune deletes the records older than their retention, at most maxRows of
// each kind per call (the next call goes on), in statements of at most
// pruneBatch rows. Chains go with their observations (ON DELETE CASCADE).
func (s *Store) Prune(ctx context.Context, r Retention, maxRows int) (Pruned, error) {
	now := s.now()
	var out Pruned
	var err error
	// File items go first: their samples are then no longer current.
	if out.FileSources, err = s.PruneFileSources(ctx, now.Add(-FileSourceRetention), maxRows); err != nil {
		return out, err
	}
	samplesCutoff := now.Add(-r.Samples)
	if out.Samples, err = s.pruneRows(ctx, "samples", pruneSamples, maxRows, samplesCutoff, samplesCutoff); err != nil {
		return out, err
	}
	if out.Audit, err = s.pruneRows(ctx, "audit log", pruneAudit, maxRows, now.Add(-r.Audit)); err != nil {
		return out, err
	}
	if out.Deliveries, err = s.pruneRows(ctx, "delivery attempts", pruneDeliveries, maxRows, now.Add(-r.Deliveries)); err != nil {
		return out, err
	}
	if out.ResultBatches, err = s.pruneRows(ctx, "result batches", pruneResultBatches, maxRows, now.Add(-r.ResultBatches)); err != nil {
		return out, err
	}
	if out.Commands, err = s.pruneRows(ctx, "agent commands", pruneCommands, maxRows, now); err != nil {
		return out, err
	}
	if out.CheckRequests, err = s.pruneRows(ctx, "check requests", pruneCheckRequests, maxRows, now.Add(-checkRequestRetention)); err != nil {
		return out, err
	}
	if out.Enrollments, err = s.pruneRows(ctx, "agent enrollments", pruneEnrollments, maxRows, now.Add(-enrollmentRetention)); err != nil {
		return out, err
	}
	for _, p := range []struct{ what, stmt string }{
		{"sessions", pruneSessions}, {"password resets", prunePasswordResets}, {"login challenges", pruneLoginChallenges},
	} {
		n, err := s.pruneRows(ctx, p.what, p.stmt, maxRows, now)
		out.Credentials += n
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// pruneRows runs a prune statement until it deletes less than a full batch
// or maxRows are gone. args come before the statement's LIMIT.
func (s *Store) pruneRows(ctx context.Context, what, stmt string, maxRows int, args ...any) (int64, error) {
	var total int64
	for total < int64(maxRows) {
		limit := min(pruneBatch, maxRows-int(total))
		res := s.db.WithContext(ctx).Exec(stmt, append(args, limit)...)
		if res.Error != nil {
			return total, fmt.Errorf("store: prune %s: %w", what, res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < int64(limit) {
			break
		}
	}
	return total, nil
}
