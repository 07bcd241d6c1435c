package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PasswordReset is a reset link sent to a user's email; only the hash of
// its token is stored.
type PasswordReset struct {
	TokenHash string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// CreatePasswordReset stores a reset link for the user, audited in the
// organization they belong to longest.
func (s *Store) CreatePasswordReset(ctx context.Context, userID, tokenHash string, lifetime time.Duration) error {
	now := s.now()
	r := PasswordReset{TokenHash: tokenHash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		return s.auditUser(ctx, tx, userID, "auth.password_reset_request")
	})
	if err != nil {
		return fmt.Errorf("store: create password reset: %w", err)
	}
	return nil
}

// ResetPassword spends a live reset link: the user gets the new password
// hash; every session of theirs, every login waiting for their second
// factor and every other link of theirs ends.
// An unknown, used or expired link is ErrNotFound.
func (s *Store) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (User, error) {
	now := s.now()
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r PasswordReset
		if err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, now).Take(&r).Error; err != nil {
			return notFound(err)
		}
		// Spent by whichever request marks it first: two at once cannot both reset.
		if err := affected(tx.Model(&PasswordReset{}).Where("token_hash = ? AND used_at IS NULL", tokenHash).Update("used_at", now)); err != nil {
			return err
		}
		if err := tx.Model(&PasswordReset{}).Where("user_id = ? AND used_at IS NULL", r.UserID).Update("used_at", now).Error; err != nil {
			return err
		}
		if err := affected(tx.Model(&User{}).Where("id = ?", r.UserID).Update("password_hash", passwordHash)); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", r.UserID).Delete(&Session{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", r.UserID).Delete(&LoginChallenge{}).Error; err != nil {
			return err
		}
		if err := tx.Where("id = ?", r.UserID).Take(&u).Error; err != nil {
			return err
		}
		actor := actorFrom(ctx)
		actor.Type, actor.ID, actor.Label = ActorUser, u.ID, u.Email
		return s.auditUser(WithActor(ctx, actor), tx, u.ID, "auth.password_reset")
	})
	if err != nil {
		return User{}, fmt.Errorf("store: reset password: %w", err)
	}
	return u, nil
}

// auditUser records an action on a user's account in the organization they
// belong to longest; a user of no organization leaves no entry.
func (s *Store) auditUser(ctx context.Context, tx *gorm.DB, userID, action string) error {
	var m Membership
	err := tx.Where("user_id = ?", userID).Order("created_at, organization_id").Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.audit(ctx, tx, m.OrganizationID, action, "user", userID, nil)
}
