package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ErrIssuerUnusable is returned for an ACME directory whose issuer is not
// a CA certificate of the organization's inventory with a key identifier.
var ErrIssuerUnusable = errors.New("issuer is not a CA certificate of the inventory with a subject key identifier")

// ACMEDirectory is the ACME directory of an organization's internal CA.
// Leaves whose authority key identifier is IssuerKeyID are looked up there.
type ACMEDirectory struct {
	ID             string
	OrganizationID string
	Name           string
	DirectoryURL   string `gorm:"column:directory_url"`
	IssuerSHA256   string `gorm:"column:issuer_sha256"`
	IssuerKeyID    string `gorm:"column:issuer_key_id"`
	CreatedAt      time.Time
}

// CreateACMEDirectory stores a directory for the issuing CA certificate
// d.IssuerSHA256, which must be in the organization's inventory. The
// organization's certificates of no known CA are looked at again at once.
func (s *Store) CreateACMEDirectory(ctx context.Context, orgID string, d ACMEDirectory) (ACMEDirectory, error) {
	d.ID, d.OrganizationID, d.CreatedAt = NewID(), orgID, s.now()
	err := s.change(ctx, orgID, "acme_directory.create", "acme_directory",
		map[string]any{"name": d.Name, "directory_url": d.DirectoryURL, "issuer_sha256": d.IssuerSHA256},
		func(tx *gorm.DB) (string, error) {
			var issuer Certificate
			err := tx.Where("sha256 = ? AND is_ca = ? AND subject_key_id <> '' AND "+inOrgInventory, d.IssuerSHA256, true, orgID).
				Take(&issuer).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return "", ErrIssuerUnusable
			}
			if err != nil {
				return "", err
			}
			d.IssuerKeyID = issuer.SubjectKeyID
			if err := tx.Create(&d).Error; err != nil {
				if isUniqueViolation(err) {
					return "", ErrConflict
				}
				return "", err
			}
			return d.ID, tx.Model(&RenewalInfo{}).Where("organization_id = ? AND directory_url = ''", orgID).
				Update("next_fetch_at", d.CreatedAt).Error
		})
	if err != nil {
		return ACMEDirectory{}, fmt.Errorf("store: create acme directory: %w", err)
	}
	return d, nil
}

// ListACMEDirectories lists an organization's directories, oldest first.
func (s *Store) ListACMEDirectories(ctx context.Context, orgID string) ([]ACMEDirectory, error) {
	var out []ACMEDirectory
	if err := s.db.WithContext(ctx).Where("organization_id = ?", orgID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list acme directories: %w", err)
	}
	return out, nil
}

// DeleteACMEDirectory removes a directory with what it answered: those
// certificates are matched again on the next lookup pass.
func (s *Store) DeleteACMEDirectory(ctx context.Context, orgID, id string) error {
	err := s.change(ctx, orgID, "acme_directory.delete", "acme_directory", nil, func(tx *gorm.DB) (string, error) {
		var d ACMEDirectory
		if err := tx.Where("organization_id = ? AND id = ?", orgID, id).Take(&d).Error; err != nil {
			return "", notFound(err)
		}
		if err := tx.Delete(&d).Error; err != nil {
			return "", err
		}
		return id, tx.Where("organization_id = ? AND directory_url = ?", orgID, d.DirectoryURL).Delete(&RenewalInfo{}).Error
	})
	if err != nil {
		return fmt.Errorf("store: delete acme directory %s: %w", id, err)
	}
	return nil
}
