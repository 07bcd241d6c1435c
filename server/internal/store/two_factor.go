package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The TOTP secret is sealed like channel configs, bound to the user's row,
// so a sealed secret copied onto another user does not open.

// RecoveryCode is one single-use code of a user, stored as its SHA-256.
type RecoveryCode struct {
	UserID   string
	CodeHash string
	UsedAt   *time.Time
}

// LoginChallenge is the pending second step of a login.
type LoginChallenge struct {
	TokenHash string
	UserID    string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SetTOTPSecret stores a new secret for enrollment; the second factor stays
// off (or as it was) until EnableTOTP confirms it.
func (s *Store) SetTOTPSecret(ctx context.Context, userID, plain string) error {
	if s.keys == nil {
		return errNoKeys
	}
	sealed, err := s.keys.Seal([]byte(plain), "users", userID, "totp")
	if err != nil {
		return fmt.Errorf("store: seal TOTP secret: %w", err)
	}
	err = affected(s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_enabled_at IS NULL", userID).
		Update("totp_secret", sealed))
	if err != nil {
		return fmt.Errorf("store: set TOTP secret of %s: %w", userID, err)
	}
	return nil
}

// TOTPSecret opens the user's stored secret; ErrNotFound when none.
func (s *Store) TOTPSecret(u User) (string, error) {
	if u.TOTPSecret == "" {
		return "", ErrNotFound
	}
	if s.keys == nil {
		return "", errNoKeys
	}
	plain, err := s.keys.Open(u.TOTPSecret, "users", u.ID, "totp")
	if err != nil {
		return "", fmt.Errorf("store: open TOTP secret of %s: %w", u.ID, err)
	}
	return string(plain), nil
}

// UseTOTPStep accepts a code of time step for the user only if no code of
// this step or a later one was accepted before; a replay is ErrConflict.
func (s *Store) UseTOTPStep(ctx context.Context, userID string, step int64) error {
	err := affected(s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_last_step < ?", userID, step).
		Update("totp_last_step", step))
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: TOTP step of %s: %w", userID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: TOTP step of %s: %w", userID, err)
	}
	return nil
}

// EnableTOTP turns the second factor on, with the step of the confirming
// code spent and the recovery codes (hashes) replacing any earlier ones.
func (s *Store) EnableTOTP(ctx context.Context, orgID, userID string, step int64, codeHashes []string) error {
	err := s.change(ctx, orgID, "auth.two_factor_enable", "user", nil, func(tx *gorm.DB) (string, error) {
		err := affected(tx.Model(&User{}).Where("id = ? AND totp_enabled_at IS NULL AND totp_secret <> '' AND totp_last_step < ?", userID, step).
			Updates(map[string]any{"totp_enabled_at": s.now(), "totp_last_step": step}))
		if err != nil {
			return "", err
		}
		return userID, replaceRecoveryCodes(tx, userID, codeHashes)
	})
	if err != nil {
		return fmt.Errorf("store: enable TOTP of %s: %w", userID, err)
	}
	return nil
}

func replaceRecoveryCodes(tx *gorm.DB, userID string, hashes []string) error {
	if err := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
		return err
	}
	if len(hashes) == 0 {
		return nil
	}
	rows := make([]RecoveryCode, len(hashes))
	for i, h := range hashes {
		rows[i] = RecoveryCode{UserID: userID, CodeHash: h}
	}
	return tx.Create(&rows).Error
}

// DisableTOTP turns the second factor off and forgets its secret and
// recovery codes.
func (s *Store) DisableTOTP(ctx context.Context, orgID, userID string) error {
	err := s.change(ctx, orgID, "auth.two_factor_disable", "user", nil, func(tx *gorm.DB) (string, error) {
		err := affected(tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"totp_enabled_at": nil, "totp_secret": "", "totp_last_step": 0}))
		if err != nil {
			return "", err
		}
		return userID, replaceRecoveryCodes(tx, userID, nil)
	})
	if err != nil {
		return fmt.Errorf("store: disable TOTP of %s: %w", userID, err)
	}
	return nil
}

// UseRecoveryCode spends one unused recovery code; an unknown or used one
// is ErrNotFound.
func (s *Store) UseRecoveryCode(ctx context.Context, userID, codeHash string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := affected(tx.Model(&RecoveryCode{}).Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, codeHash).
			Update("used_at", s.now()))
		if err != nil {
			return err
		}
		return s.auditUser(ctx, tx, userID, "auth.recovery_code_used")
	})
	if err != nil {
		return fmt.Errorf("store: use recovery code of %s: %w", userID, err)
	}
	return nil
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID string) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&RecoveryCode{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count recovery codes of %s: %w", userID, err)
	}
	return n, nil
}

// CreateLoginChallenge stores the pending second step of a login.
func (s *Store) CreateLoginChallenge(ctx context.Context, userID, tokenHash string, lifetime time.Duration) error {
	now := s.now()
	ch := LoginChallenge{TokenHash: tokenHash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := s.db.WithContext(ctx).Create(&ch).Error; err != nil {
		return fmt.Errorf("store: create login challenge: %w", err)
	}
	return nil
}

// TakeLoginAttempt counts one attempt at a live challenge and returns its
// user; a challenge past maxAttempts, expired or unknown is ErrNotFound,
// so a stolen challenge token allows only a few guesses.
func (s *Store) TakeLoginAttempt(ctx context.Context, tokenHash string, maxAttempts int) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := affected(tx.Model(&LoginChallenge{}).Where("token_hash = ? AND expires_at > ? AND attempts < ?", tokenHash, s.now(), maxAttempts).
			Update("attempts", gorm.Expr("attempts + 1")))
		if err != nil {
			return err
		}
		var ch LoginChallenge
		if err := tx.Where("token_hash = ?", tokenHash).Take(&ch).Error; err != nil {
			return notFound(err)
		}
		return notFound(tx.Where("id = ?", ch.UserID).Take(&u).Error)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: login challenge: %w", err)
	}
	return u, nil
}

// EndLoginChallenge removes a challenge once the login completed.
func (s *Store) EndLoginChallenge(ctx context.Context, tokenHash string) error {
	if err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&LoginChallenge{}).Error; err != nil {
		return fmt.Errorf("store: end login challenge: %w", err)
	}
	return nil
}

// SealTOTPSecrets runs at start-up with SealChannels: it re-seals the TOTP
// secrets sealed with an older key of the keyring, so that a rotated-out
// key can be dropped, and opens every other one, so that a missing key
// stops the start instead of every two-factor login. It returns how many
// it re-sealed.
func (s *Store) SealTOTPSecrets(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, fmt.Errorf("store: seal TOTP secrets: %w", errNoKeys)
	}
	resealed, after := 0, ""
	for {
		var users []User
		err := s.db.WithContext(ctx).Where("id > ? AND totp_secret <> ''", after).Order("id").Limit(sealBatch).Find(&users).Error
		if err != nil {
			return resealed, fmt.Errorf("store: seal TOTP secrets: %w", err)
		}
		for _, u := range users {
			plain, err := s.TOTPSecret(u)
			if err != nil {
				return resealed, err
			}
			if s.keys.SealedWithCurrent(u.TOTPSecret) {
				continue
			}
			sealed, err := s.keys.Seal([]byte(plain), "users", u.ID, "totp")
			if err != nil {
				return resealed, fmt.Errorf("store: seal TOTP secret of %s: %w", u.ID, err)
			}
			// Matching on the stored value leaves alone a secret replaced meanwhile.
			res := s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_secret = ?", u.ID, u.TOTPSecret).Update("totp_secret", sealed)
			if res.Error != nil {
				return resealed, fmt.Errorf("store: reseal TOTP secret of %s: %w", u.ID, res.Error)
			}
			resealed += int(res.RowsAffected)
		}
		if len(users) < sealBatch {
			return resealed, nil
		}
		after = users[len(users)-1].ID
	}
}
