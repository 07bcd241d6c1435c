package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
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
	err := s.change(ctx, orgID, "ca_bundle.create", "ca_bundle", map[string]any{"name": b.Name, "certificates": b.Certificates}, func(tx *gorm.DB) (string, error) {
		return b.ID, tx.Create(&b).Error
	})
	if err != nil {
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
	err := s.change(ctx, orgID, "ca_bundle.delete", "ca_bundle", nil, func(tx *gorm.DB) (string, error) {
		return id, affected(tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&CABundle{}))
	})
	if err != nil {
		return fmt.Errorf("store: delete ca bundle %s: %w", id, err)
	}
	return nil
}
