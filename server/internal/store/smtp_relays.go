package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SMTPRelay is the SMTP relay an organization's owner set for the
// organization's email channels. Password is plain in memory and sealed in
// the row, bound to the organization, so a value copied to another
// organization's row does not open.
type SMTPRelay struct {
	OrganizationID string `gorm:"primaryKey"`
	Host           string
	Port           int
	TLS            string `gorm:"column:tls"`
	Username       string
	Password       string
	From           string `gorm:"column:from_address"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (SMTPRelay) TableName() string { return "smtp_relays" }

// smtpSealContext binds a relay's sealed password to its organization.
func smtpSealContext(orgID string) []string { return []string{"smtp_relays", orgID, "password"} }

// SMTPRelay returns the organization's relay with its password opened, or
// ErrNotFound when it has none.
func (s *Store) SMTPRelay(ctx context.Context, orgID string) (SMTPRelay, error) {
	var r SMTPRelay
	if err := s.db.WithContext(ctx).Where("organization_id = ?", orgID).Take(&r).Error; err != nil {
		return SMTPRelay{}, fmt.Errorf("store: SMTP relay of %s: %w", orgID, notFound(err))
	}
	if r.Password == "" {
		return r, nil
	}
	if s.keys == nil {
		return SMTPRelay{}, fmt.Errorf("store: SMTP relay of %s: %w", orgID, errNoKeys)
	}
	plain, err := s.keys.Open(r.Password, smtpSealContext(orgID)...)
	if err != nil {
		return SMTPRelay{}, fmt.Errorf("store: open SMTP password of %s: %w", orgID, err)
	}
	r.Password = string(plain)
	return r, nil
}

// SaveSMTPRelay sets the organization's relay, replacing the one it had; r's
// Password is stored as given (empty: none), so the caller carries over the
// old one when an edit leaves it out. The audit entry never holds it.
func (s *Store) SaveSMTPRelay(ctx context.Context, orgID string, r SMTPRelay) (SMTPRelay, error) {
	now := s.now()
	r.OrganizationID, r.CreatedAt, r.UpdatedAt = orgID, now, now
	row := r
	if r.Password != "" {
		if s.keys == nil {
			return SMTPRelay{}, fmt.Errorf("store: save SMTP relay of %s: %w", orgID, errNoKeys)
		}
		sealed, err := s.keys.Seal([]byte(r.Password), smtpSealContext(orgID)...)
		if err != nil {
			return SMTPRelay{}, fmt.Errorf("store: seal SMTP password of %s: %w", orgID, err)
		}
		row.Password = sealed
	}
	details := map[string]any{"host": r.Host, "port": r.Port, "tls": r.TLS, "username": r.Username,
		"from": r.From, "has_password": r.Password != ""}
	err := s.change(ctx, orgID, "smtp_relay.update", "organization", details, func(tx *gorm.DB) (string, error) {
		return orgID, tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "organization_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"host", "port", "tls", "username", "password", "from_address", "updated_at"}),
		}).Create(&row).Error
	})
	if err != nil {
		return SMTPRelay{}, fmt.Errorf("store: save SMTP relay of %s: %w", orgID, err)
	}
	return s.SMTPRelay(ctx, orgID)
}

// DeleteSMTPRelay removes the organization's relay: its email goes through
// the server's relay again, if there is one. ErrNotFound when it had none.
func (s *Store) DeleteSMTPRelay(ctx context.Context, orgID string) error {
	err := s.change(ctx, orgID, "smtp_relay.delete", "organization", nil, func(tx *gorm.DB) (string, error) {
		return orgID, affected(tx.Where("organization_id = ?", orgID).Delete(&SMTPRelay{}))
	})
	if err != nil {
		return fmt.Errorf("store: delete SMTP relay of %s: %w", orgID, err)
	}
	return nil
}

// SealSMTPPasswords runs at start-up with SealChannels: it re-seals the
// relay passwords sealed with an older key of the keyring and opens every
// other one, so a missing key stops the start instead of every email. It
// returns how many it re-sealed.
func (s *Store) SealSMTPPasswords(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, fmt.Errorf("store: seal SMTP passwords: %w", errNoKeys)
	}
	var rows []SMTPRelay
	if err := s.db.WithContext(ctx).Where("password <> ''").Order("organization_id").Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("store: seal SMTP passwords: %w", err)
	}
	resealed := 0
	for _, r := range rows {
		plain, err := s.keys.Open(r.Password, smtpSealContext(r.OrganizationID)...)
		if err != nil {
			return resealed, fmt.Errorf("store: open SMTP password of %s: %w", r.OrganizationID, err)
		}
		if s.keys.SealedWithCurrent(r.Password) {
			continue
		}
		sealed, err := s.keys.Seal(plain, smtpSealContext(r.OrganizationID)...)
		if err != nil {
			return resealed, fmt.Errorf("store: seal SMTP password of %s: %w", r.OrganizationID, err)
		}
		// Matching on the stored value leaves alone a password replaced meanwhile.
		res := s.db.WithContext(ctx).Model(&SMTPRelay{}).Where("organization_id = ? AND password = ?", r.OrganizationID, r.Password).
			UpdateColumn("password", sealed)
		if res.Error != nil {
			return resealed, fmt.Errorf("store: reseal SMTP password of %s: %w", r.OrganizationID, res.Error)
		}
		resealed += int(res.RowsAffected)
	}
	return resealed, nil
}
