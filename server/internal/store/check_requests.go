package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// MaxCheckDomains bounds the domains of one "check now" request.
const MaxCheckDomains = 500

// CheckRequest is a "check now": the domains asked for, and when each got
// a result after the request was made.
type CheckRequest struct {
	ID             string
	OrganizationID string
	CreatedAt      time.Time
	Domains        []CheckRequestDomain `gorm:"-"`
}

// CheckRequestDomain is one domain of a check request; CompletedAt stays nil
// until a result for the domain is stored.
type CheckRequestDomain struct {
	RequestID      string
	DomainID       string
	OrganizationID string
	CompletedAt    *time.Time
	// Status and CheckedAt are the domain's now (read-only).
	Status    string     `gorm:"->;-:migration"`
	CheckedAt *time.Time `gorm:"->;-:migration"`
}

// Done tells whether every domain of the request got its result.
func (r CheckRequest) Done() bool {
	for _, d := range r.Domains {
		if d.CompletedAt == nil {
			return false
		}
	}
	return true
}

// CreateCheckRequest records a check of the given domains of the
// organization and returns the request with the domains themselves, for
// the caller to dispatch. Any ID that is not one of the organization's
// domains is ErrNotFound, so IDs of other tenants stay unknown.
func (s *Store) CreateCheckRequest(ctx context.Context, orgID string, domainIDs []string) (CheckRequest, []Domain, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(domainIDs)))
	req := CheckRequest{ID: NewID(), OrganizationID: orgID, CreatedAt: s.now()}
	var domains []Domain
	err := s.transact(ctx, func(tx *gorm.DB) error {
		for chunk := range slices.Chunk(ids, observationBatch) {
			var found []Domain
			if err := tx.Where("organization_id = ? AND id IN ?", orgID, chunk).Order("id").Find(&found).Error; err != nil {
				return err
			}
			domains = append(domains, found...)
		}
		if len(domains) != len(ids) {
			return ErrNotFound
		}
		if err := tx.Create(&req).Error; err != nil {
			return err
		}
		req.Domains = make([]CheckRequestDomain, len(ids))
		for i, id := range ids {
			req.Domains[i] = CheckRequestDomain{RequestID: req.ID, DomainID: id, OrganizationID: orgID}
		}
		return tx.CreateInBatches(req.Domains, observationBatch).Error
	})
	if err != nil {
		return CheckRequest{}, nil, fmt.Errorf("store: create check request: %w", err)
	}
	return req, domains, nil
}

// GetCheckRequest returns a check request of the organization with the
// state of each of its domains; floorDays is the organization's absolute
// floor, which statuses depend on.
func (s *Store) GetCheckRequest(ctx context.Context, orgID, id string, floorDays int) (CheckRequest, error) {
	var req CheckRequest
	db := s.db.WithContext(ctx)
	if err := db.Where("organization_id = ? AND id = ?", orgID, id).Take(&req).Error; err != nil {
		return CheckRequest{}, fmt.Errorf("store: check request %s: %w", id, notFound(err))
	}
	var rows []struct {
		CheckRequestDomain
		StateKind     string
		StateNotAfter *time.Time
		StateDueAt    *time.Time
		StateUrgentAt *time.Time
	}
	err := db.Table("check_request_domains").
		Select("check_request_domains.*, ds.checked_at, domains.state_kind, domains.state_not_after, domains.state_due_at, domains.state_urgent_at").
		Joins("JOIN domains ON domains.id = check_request_domains.domain_id").
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		Where("check_request_domains.request_id = ? AND check_request_domains.organization_id = ?", id, orgID).
		Order("check_request_domains.domain_id").Scan(&rows).Error
	if err != nil {
		return CheckRequest{}, fmt.Errorf("store: check request %s: %w", id, err)
	}
	now := s.now()
	req.Domains = make([]CheckRequestDomain, len(rows))
	for i, r := range rows {
		req.Domains[i] = r.CheckRequestDomain
		req.Domains[i].Status = string(stateOf(r.StateKind, r.StateNotAfter, r.StateDueAt, r.StateUrgentAt).Status(now, floorDays))
	}
	return req, nil
}

// completeCheckRequests marks the domains just checked as done in every
// open check request made before now. Rows are updated in domain order, as
// the domain states are, so concurrent ingests cannot deadlock.
func completeCheckRequests(tx *gorm.DB, orgID string, domainIDs []string, now time.Time) error {
	ids := slices.Sorted(slices.Values(domainIDs))
	for start := 0; start < len(ids); start += observationBatch {
		chunk := ids[start:min(start+observationBatch, len(ids))]
		err := tx.Model(&CheckRequestDomain{}).
			Where("organization_id = ? AND domain_id IN ? AND completed_at IS NULL", orgID, chunk).
			Update("completed_at", now).Error
		if err != nil {
			return fmt.Errorf("check requests: %w", err)
		}
	}
	return nil
}
