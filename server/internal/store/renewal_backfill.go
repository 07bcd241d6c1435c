package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/lifecycle"
)

// backfillBatch bounds the states one transaction of the backfill plans.
const backfillBatch = 1000

// backfillRenewalPlans gives the states stored before renewal windows
// existed (migration 00020) the plan their next check would give them,
// estimated from the leaf's lifetime with the domain's or the
// organization's fraction, and makes them due for evaluation. SQL alone
// cannot plan in both dialects; once done, it costs one empty query.
func (s *Store) backfillRenewalPlans(ctx context.Context) error {
	for {
		var rows []struct {
			DomainID           string
			OrganizationID     string
			NotBefore          time.Time
			LeafNotAfter       time.Time
			NotAfter           time.Time
			RenewAfterFraction *float64
			Policy             string
		}
		err := s.db.WithContext(ctx).Table("domain_states ds").
			Select("ds.domain_id, d.organization_id, c.not_before, c.not_after AS leaf_not_after, ds.not_after, d.renew_after_fraction, o.policy").
			Joins("JOIN domains d ON d.id = ds.domain_id").
			Joins("JOIN organizations o ON o.id = d.organization_id").
			Joins("JOIN certificates c ON c.sha256 = ds.leaf_sha256").
			Where("ds.window_end IS NULL AND ds.not_after IS NOT NULL AND ds.leaf_sha256 <> ''").
			Order("ds.domain_id").Limit(backfillBatch).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		now := s.now()
		err = s.transact(ctx, func(tx *gorm.DB) error {
			byOrg := map[string][]string{}
			for _, r := range rows {
				var p struct {
					RenewAfterFraction float64 `json:"renew_after_fraction"`
				}
				// An unreadable policy plans by lifetime, as ingest falls back to the defaults.
				_ = json.Unmarshal([]byte(r.Policy), &p)
				if r.RenewAfterFraction != nil {
					p.RenewAfterFraction = *r.RenewAfterFraction
				}
				plan := lifecycle.NewPlan(r.NotBefore, r.LeafNotAfter, r.NotAfter, lifecycle.Settings{RenewAfterFraction: p.RenewAfterFraction}, nil)
				w := plan.Window
				if err := tx.Table("domain_states").Where("domain_id = ?", r.DomainID).Updates(map[string]any{
					"window_start": w.Start, "window_end": w.End, "window_source": w.Source, "urgent_at": plan.UrgentAt}).Error; err != nil {
					return err
				}
				if err := tx.Table("domains").Where("id = ?", r.DomainID).Updates(map[string]any{
					"state_due_at": w.End, "state_urgent_at": plan.UrgentAt}).Error; err != nil {
					return err
				}
				byOrg[r.OrganizationID] = append(byOrg[r.OrganizationID], r.DomainID)
			}
			for org, ids := range byOrg {
				if err := markDue(tx, org, ids, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: plan renewals of existing states: %w", err)
		}
	}
}
