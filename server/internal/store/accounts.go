package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Roles of a member in an organization.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
	RoleViewer = "viewer"
)

// Organization is a tenant.
type Organization struct {
	ID                    string
	Name                  string
	ExpiringThresholdDays int
	CreatedAt             time.Time
}

// User is a person who logs in to the dashboard.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	CreatedAt    time.Time
}

// Membership ties a user to an organization with a role.
type Membership struct {
	OrganizationID string
	UserID         string
	Role           string
	CreatedAt      time.Time
}

// Session is a dashboard login; only the hash of its token is stored.
type Session struct {
	TokenHash      string
	UserID         string
	OrganizationID string
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// SessionInfo is what a valid session resolves to.
type SessionInfo struct {
	User         User
	Organization Organization
	Role         string
	ExpiresAt    time.Time
}

// CreateAccount creates a user, its organization and the owner membership in
// one transaction. A taken email answers ErrConflict.
func (s *Store) CreateAccount(ctx context.Context, email, passwordHash, orgName string) (User, Organization, error) {
	now := s.now()
	user := User{ID: NewID(), Email: email, PasswordHash: passwordHash, CreatedAt: now}
	org := Organization{ID: NewID(), Name: orgName, ExpiringThresholdDays: 30, CreatedAt: now}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&user).Error; err != nil {
			if isUniqueViolation(err) {
				return ErrConflict
			}
			return err
		}
		if err := tx.Create(&org).Error; err != nil {
			return err
		}
		return tx.Create(&Membership{OrganizationID: org.ID, UserID: user.ID, Role: RoleOwner, CreatedAt: now}).Error
	})
	if err != nil {
		return User{}, Organization{}, fmt.Errorf("store: create account: %w", err)
	}
	return user, org, nil
}

// UserByEmail finds a user by normalised email.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).Where("email = ?", email).Take(&u).Error; err != nil {
		return User{}, fmt.Errorf("store: user by email: %w", notFound(err))
	}
	return u, nil
}

// PrimaryMembership is the organization a user lands in after login: the
// oldest one they belong to.
func (s *Store) PrimaryMembership(ctx context.Context, userID string) (Membership, error) {
	var m Membership
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at, organization_id").Take(&m).Error
	if err != nil {
		return Membership{}, fmt.Errorf("store: membership of %s: %w", userID, notFound(err))
	}
	return m, nil
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByHash resolves a live session with its user, organization and role.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string) (SessionInfo, error) {
	var sess Session
	db := s.db.WithContext(ctx)
	if err := db.Where("token_hash = ? AND expires_at > ?", tokenHash, s.now()).Take(&sess).Error; err != nil {
		return SessionInfo{}, fmt.Errorf("store: session: %w", notFound(err))
	}
	info := SessionInfo{ExpiresAt: sess.ExpiresAt}
	if err := db.Where("id = ?", sess.UserID).Take(&info.User).Error; err != nil {
		return SessionInfo{}, fmt.Errorf("store: session user: %w", notFound(err))
	}
	var m Membership
	if err := db.Where("organization_id = ? AND user_id = ?", sess.OrganizationID, sess.UserID).Take(&m).Error; err != nil {
		return SessionInfo{}, fmt.Errorf("store: session membership: %w", notFound(err))
	}
	info.Role = m.Role
	if err := db.Where("id = ?", sess.OrganizationID).Take(&info.Organization).Error; err != nil {
		return SessionInfo{}, fmt.Errorf("store: session organization: %w", notFound(err))
	}
	return info, nil
}

// DeleteSession ends a session; deleting an unknown one is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// Organization loads one organization.
func (s *Store) Organization(ctx context.Context, orgID string) (Organization, error) {
	var o Organization
	if err := s.db.WithContext(ctx).Where("id = ?", orgID).Take(&o).Error; err != nil {
		return Organization{}, fmt.Errorf("store: organization %s: %w", orgID, notFound(err))
	}
	return o, nil
}
