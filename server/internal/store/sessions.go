package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// sessionTouchEvery bounds the writes that keep "last used" fresh: a
// session is written at most once in this time, not on every request.
const sessionTouchEvery = 5 * time.Minute

// TouchSession records that a session was just used, from ip with
// userAgent, unless it was recorded recently.
func (s *Store) TouchSession(ctx context.Context, sess Session, ip, userAgent string) error {
	now := s.now()
	if sess.LastUsedAt != nil && now.Sub(*sess.LastUsedAt) < sessionTouchEvery && sess.IP == ip && sess.UserAgent == userAgent {
		return nil
	}
	err := s.db.WithContext(ctx).Model(&Session{}).Where("token_hash = ?", sess.TokenHash).
		Updates(map[string]any{"last_used_at": now, "ip": ip, "user_agent": userAgent}).Error
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// ListSessions lists a user's live sessions, in every organization, the
// most recently used first.
func (s *Store) ListSessions(ctx context.Context, userID string) ([]Session, error) {
	var out []Session
	err := s.db.WithContext(ctx).Where("user_id = ? AND expires_at > ?", userID, s.now()).
		Order("COALESCE(last_used_at, created_at) DESC, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: list sessions of %s: %w", userID, err)
	}
	return out, nil
}

// EndSession signs out one of the user's sessions by its id; another
// user's session is ErrNotFound. orgID is where the audit entry goes.
func (s *Store) EndSession(ctx context.Context, orgID, userID, id string) error {
	err := s.change(ctx, orgID, "auth.session_end", "session", nil, func(tx *gorm.DB) (string, error) {
		return id, affected(tx.Where("user_id = ? AND id = ?", userID, id).Delete(&Session{}))
	})
	if err != nil {
		return fmt.Errorf("store: end session %s: %w", id, err)
	}
	return nil
}

// EndOtherSessions signs out every session of the user but the one whose
// token hash is keep, and says how many ended.
func (s *Store) EndOtherSessions(ctx context.Context, orgID, userID, keep string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		n = 0
		res := tx.Where("user_id = ? AND token_hash <> ?", userID, keep).Delete(&Session{})
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return s.audit(ctx, tx, orgID, "auth.sessions_end_others", "user", userID, map[string]int64{"ended": n})
	})
	if err != nil {
		return 0, fmt.Errorf("store: end other sessions of %s: %w", userID, err)
	}
	return n, nil
}

// ChangePassword sets a new password hash and ends every other session of
// the user, and the logins waiting for a second factor: whoever knew the
// old password is signed out.
func (s *Store) ChangePassword(ctx context.Context, orgID, userID, passwordHash, keep string) error {
	err := s.change(ctx, orgID, "auth.password_change", "user", nil, func(tx *gorm.DB) (string, error) {
		if err := affected(tx.Model(&User{}).Where("id = ?", userID).Update("password_hash", passwordHash)); err != nil {
			return "", err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&LoginChallenge{}).Error; err != nil {
			return "", err
		}
		return userID, tx.Where("user_id = ? AND token_hash <> ?", userID, keep).Delete(&Session{}).Error
	})
	if err != nil {
		return fmt.Errorf("store: change password of %s: %w", userID, err)
	}
	return nil
}
