package store

import (
	"context"
	"fmt"
	"time"
)

// CABundle is a set of CA certificates an organization trusts (an internal PKI).
type CABundle struct {
	ID             string
	OrganizationID string
	Name           string
	PEM            string `gorm:"column:pem"`
	Certificates   int
	CreatedAt      time.Time
}

// CreateCABundle stores a bundle; the caller has validated the PEM.
func (s *Store) CreateCABundle(ctx context.Context, orgID string, b CABundle) (CABundle, error) {
	b.ID = NewID()
	b.OrganizationID = orgID
	b.CreatedAt = s.now()
	if err := s.db.WithContext(ctx).Create(&b).Error; err != nil {
		return CABundle{}, fmt.Errorf("store: create ca bundle: %w", err)
	}
	return b, nil
}

// ListCABundles lists an organization's bundles, oldest first.
func (s *Store) ListCABundles(ctx context.Context, orgID string) ([]CABundle, error) {
	var out []CABundle
	if err := s.db.WithContext(ctx).Where("organization_id = ?", orgID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list ca bundles: %w", err)
	}
	return out, nil
}

// GetCABundle loads one bundle of the organization.
func (s *Store) GetCABundle(ctx context.Context, orgID, id string) (CABundle, error) {
	var b CABundle
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&b).Error; err != nil {
		return CABundle{}, fmt.Errorf("store: get ca bundle %s: %w", id, notFound(err))
	}
	return b, nil
}

// DeleteCABundle removes a bundle.
func (s *Store) DeleteCABundle(ctx context.Context, orgID, id string) error {
	res := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Delete(&CABundle{})
	if res.Error != nil {
		return fmt.Errorf("store: delete ca bundle %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: delete ca bundle %s: %w", id, ErrNotFound)
	}
	return nil
}
