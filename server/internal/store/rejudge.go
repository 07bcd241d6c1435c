package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/lifecycle"
	"gorm.io/gorm/clause"
)

// rejudgeRequest asks for an organization's stored chains to be judged
// again; see the rejudge_requests table.
type rejudgeRequest struct {
	OrganizationID string
	RequestedAt    time.Time
	ClaimedUntil   *time.Time
}

func (rejudgeRequest) TableName() string { return "rejudge_requests" }

// RequestRejudge asks for the organization's current chains to be judged
// again, as after a change to its CA bundles or policy, and until then has
// every check judged (see ExpireVerdicts). A request while a pass runs
// makes that pass run once more when it ends.
func (s *Store) RequestRejudge(ctx context.Context, orgID string) error {
	row := rejudgeRequest{OrganizationID: orgID, RequestedAt: s.now()}
	upsert := clause.OnConflict{Columns: []clause.Column{{Name: "organization_id"}}, DoUpdates: clause.AssignmentColumns([]string{"requested_at"})}
	err := s.transact(ctx, func(tx *gorm.DB) error {
		if err := expireVerdicts(tx, orgID); err != nil {
			return err
		}
		return tx.Clauses(upsert).Create(&row).Error
	})
	if err != nil {
		return fmt.Errorf("store: request rejudge of %s: %w", orgID, err)
	}
	return nil
}

// ExpireVerdicts ends the term of the organization's stored verdicts
// after what judging depends on changed: the next check of every domain
// is judged, not stored as a repeat (see saveRepeats).
func (s *Store) ExpireVerdicts(ctx context.Context, orgID string) error {
	if err := expireVerdicts(s.db.WithContext(ctx), orgID); err != nil {
		return fmt.Errorf("store: expire verdicts of %s: %w", orgID, err)
	}
	return nil
}

func expireVerdicts(tx *gorm.DB, orgID string) error {
	return tx.Exec("UPDATE domain_states SET judged_until = NULL WHERE organization_id = ? AND judged_until IS NOT NULL", orgID).Error
}

// RejudgeClaim is an organization taken for a re-judging pass until Until.
type RejudgeClaim struct {
	OrganizationID string
	RequestedAt    time.Time
	Until          time.Time
}

// ClaimRejudge takes one organization waiting to be re-judged, or none
// (ok false). A claim whose lease ran out (a replica died) is taken again.
func (s *Store) ClaimRejudge(ctx context.Context, lease time.Duration) (RejudgeClaim, bool, error) {
	now := s.now()
	c := RejudgeClaim{Until: now.Add(lease).Truncate(time.Microsecond)}
	err := s.transact(ctx, func(tx *gorm.DB) error {
		q := tx.Where("claimed_until IS NULL OR claimed_until < ?", now).Order("requested_at").Limit(1)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var row rejudgeRequest
		if err := q.Take(&row).Error; err != nil {
			return err
		}
		c.OrganizationID, c.RequestedAt = row.OrganizationID, row.RequestedAt
		return tx.Model(&rejudgeRequest{}).Where("organization_id = ?", row.OrganizationID).Update("claimed_until", c.Until).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return RejudgeClaim{}, false, nil
	}
	if err != nil {
		return RejudgeClaim{}, false, fmt.Errorf("store: claim rejudge: %w", err)
	}
	return c, true, nil
}

// FinishRejudge ends a claim: the request is done unless another came
// while the pass ran, which leaves it waiting.
func (s *Store) FinishRejudge(ctx context.Context, c RejudgeClaim) error {
	db := s.db.WithContext(ctx)
	res := db.Where("organization_id = ? AND requested_at = ?", c.OrganizationID, c.RequestedAt).Delete(&rejudgeRequest{})
	if res.Error == nil && res.RowsAffected == 0 {
		res = db.Model(&rejudgeRequest{}).Where("organization_id = ?", c.OrganizationID).Update("claimed_until", nil)
	}
	if res.Error != nil {
		return fmt.Errorf("store: finish rejudge of %s: %w", c.OrganizationID, res.Error)
	}
	return nil
}

// CurrentChain is a domain's current state with its chain's DER, leaf
// first, to be judged again.
type CurrentChain struct {
	Domain        Domain
	ObservationID string
	TLSVersion    string
	DER           [][]byte
}

// CurrentChains lists up to limit of the organization's domains whose
// current state holds a chain, in ID order after the given ID.
func (s *Store) CurrentChains(ctx context.Context, orgID, after string, limit int) ([]CurrentChain, error) {
	db := s.db.WithContext(ctx)
	var rows []struct {
		Domain
		ObservationID string
		TLSVersion    string
	}
	err := db.Table("domains").Select("domains.*, s.observation_id, o.tls_version").
		Joins("JOIN domain_states s ON s.domain_id = domains.id").
		Joins("JOIN observations o ON o.id = s.observation_id").
		Where("domains.organization_id = ? AND domains.id > ? AND s.leaf_sha256 <> ''", orgID, after).
		Order("domains.id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: current chains of %s: %w", orgID, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var certs []struct {
		DomainID string
		DER      []byte `gorm:"column:der"`
	}
	err = db.Table("domain_chains c").Select("c.domain_id, certificates.der").
		Joins("JOIN certificates ON certificates.sha256 = c.sha256").
		Where("c.domain_id IN ?", ids).Order("c.domain_id, c.position").Scan(&certs).Error
	if err != nil {
		return nil, fmt.Errorf("store: current chains of %s: %w", orgID, err)
	}
	ders := make(map[string][][]byte, len(rows))
	for _, c := range certs {
		ders[c.DomainID] = append(ders[c.DomainID], c.DER)
	}
	out := make([]CurrentChain, len(rows))
	for i, r := range rows {
		out[i] = CurrentChain{Domain: r.Domain, ObservationID: r.ObservationID, TLSVersion: r.TLSVersion, DER: ders[r.ID]}
	}
	return out, nil
}

// Reverdict is a new judgement of a domain's current chain.
type Reverdict struct {
	DomainID      string
	ObservationID string
	Verdict       string
	VerdictStatus string
	TrustStatus   string
	Problems      []string
	Renewal       lifecycle.Plan
}

// SaveVerdicts stores new judgements of current chains, and makes the
// domains due for alert evaluation. A domain checked again meanwhile (its
// state names another observation) keeps its newer verdict.
func (s *Store) SaveVerdicts(ctx context.Context, orgID string, vs []Reverdict) error {
	if len(vs) == 0 {
		return nil
	}
	vs = slices.Clone(vs)
	slices.SortFunc(vs, func(a, b Reverdict) int { return strings.Compare(a.DomainID, b.DomainID) })
	now := s.now()
	err := s.transact(ctx, func(tx *gorm.DB) error {
		var moved []string
		for _, v := range vs {
			st := DomainState{VerdictStatus: v.VerdictStatus, TrustStatus: v.TrustStatus, Problems: strings.Join(v.Problems, ",")}
			st.setRenewal(v.Renewal)
			// The next check is judged, as it was before the verdict moved:
			// its sample then records the new verdict.
			res := tx.Exec(`UPDATE domain_states SET verdict_status = ?, trust_status = ?, problems = ?,
				window_start = ?, window_end = ?, window_source = ?, urgent_at = ?, judged_until = NULL
				WHERE domain_id = ? AND observation_id = ?
				AND domain_id IN (SELECT id FROM domains WHERE organization_id = ?)`,
				st.VerdictStatus, st.TrustStatus, st.Problems, st.WindowStart, st.WindowEnd, st.WindowSource, st.UrgentAt,
				v.DomainID, v.ObservationID, orgID)
			if res.Error != nil {
				return fmt.Errorf("domain state: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				continue
			}
			moved = append(moved, v.DomainID)
			if err := tx.Model(&Observation{}).Where("id = ? AND organization_id = ?", v.ObservationID, orgID).
				Updates(map[string]any{"verdict": v.Verdict, "trust_status": v.TrustStatus}).Error; err != nil {
				return fmt.Errorf("observation verdict: %w", err)
			}
		}
		if len(moved) == 0 {
			return nil
		}
		if err := copyListColumns(tx, moved); err != nil {
			return err
		}
		var leaves []string
		for chunk := range slices.Chunk(moved, observationBatch) {
			var some []string
			if err := tx.Table("domain_states").Where("domain_id IN ?", chunk).Pluck("leaf_sha256", &some).Error; err != nil {
				return fmt.Errorf("leaves: %w", err)
			}
			leaves = append(leaves, some...)
		}
		if err := refreshTrust(tx, orgID, leaves); err != nil {
			return err
		}
		return markDue(tx, orgID, moved, now)
	})
	if err != nil {
		return fmt.Errorf("store: save verdicts of %s: %w", orgID, err)
	}
	return nil
}
