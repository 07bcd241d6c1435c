package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/lifecycle"
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
	// Policy is the JSON of the organization's certificate policy; empty
	// means the defaults.
	Policy string
	// RequireAgentMTLS refuses agents that authenticate by token alone:
	// only a client certificate of the agent CA will do.
	RequireAgentMTLS bool `gorm:"column:require_agent_mtls"`
	// RequireEnrollmentApproval holds each enrollment for an admin's
	// approval before its certificate is issued.
	RequireEnrollmentApproval bool
	CreatedAt                 time.Time
}

// User is a person who logs in to the dashboard.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	CreatedAt    time.Time
	// TOTPSecret is sealed; see SetTOTPSecret. The second factor is on
	// from TOTPEnabledAt only.
	TOTPSecret    string     `gorm:"column:totp_secret"`
	TOTPEnabledAt *time.Time `gorm:"column:totp_enabled_at"`
	TOTPLastStep  int64      `gorm:"column:totp_last_step"`
}

// TwoFactor tells whether the user's logins need a second factor.
func (u User) TwoFactor() bool { return u.TOTPEnabledAt != nil }

// Membership ties a user to an organization with a role.
type Membership struct {
	OrganizationID string
	UserID         string
	Role           string
	CreatedAt      time.Time
}

// Session is a dashboard login; only the hash of its token is stored. ID
// names it in the user's list of sessions.
type Session struct {
	ID             string
	TokenHash      string
	UserID         string
	OrganizationID string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	LastUsedAt     *time.Time
	UserAgent      string
	IP             string
}

// SessionInfo is what a valid session resolves to.
type SessionInfo struct {
	Session      Session
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
	org := Organization{ID: NewID(), Name: orgName, CreatedAt: now}
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
		if err := tx.Create(&Membership{OrganizationID: org.ID, UserID: user.ID, Role: RoleOwner, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := s.createDefaultAlerting(tx, org.ID, email, now); err != nil {
			return err
		}
		ctx := WithActor(ctx, Actor{Type: ActorUser, ID: user.ID, Label: email, IP: actorFrom(ctx).IP})
		return s.audit(ctx, tx, org.ID, "account.signup", "user", user.ID, nil)
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
	sess.ID = NewID()
	err := s.change(ctx, sess.OrganizationID, "auth.login", "user", nil, func(tx *gorm.DB) (string, error) {
		return sess.UserID, tx.Create(&sess).Error
	})
	if err != nil {
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
	info := SessionInfo{Session: sess, ExpiresAt: sess.ExpiresAt}
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
	var sess Session
	err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	err = s.change(ctx, sess.OrganizationID, "auth.logout", "user", nil, func(tx *gorm.DB) (string, error) {
		return sess.UserID, tx.Where("token_hash = ?", tokenHash).Delete(&Session{}).Error
	})
	if err != nil {
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

// Defaults of a new organization's rule: lifetime-aware, with no fixed
// day thresholds, so a certificate is mailed once when its renewal is
// overdue and once when it becomes urgent, whatever its lifetime. A
// changed certificate is recorded in the history but not sent: a healthy
// rotation is no news. Fixed day thresholds are an option of a rule.
var (
	DefaultThresholds = []int{}
	DefaultEvents     = lifecycle.Names(lifecycle.EventExpiring, lifecycle.EventExpired, lifecycle.EventUnreachable,
		lifecycle.EventInvalidChain, lifecycle.EventCRLHealth, lifecycle.EventHostnameMismatch, lifecycle.EventWeakCrypto,
		lifecycle.EventRenewalOverdue, lifecycle.EventStaleBackend, lifecycle.EventRenewalWindowMovedEarlier, lifecycle.EventAgentOffline,
		lifecycle.EventAgentCertificate, lifecycle.EventResolved)
)

func (s *Store) createDefaultAlerting(tx *gorm.DB, orgID, email string, now time.Time) error {
	config, err := json.Marshal(map[string][]string{"recipients": {email}})
	if err != nil {
		return err
	}
	ch, err := s.sealChannel(Channel{ID: NewID(), OrganizationID: orgID, Name: "Owner email", Type: ChannelEmail, Config: string(config), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return err
	}
	if err := tx.Create(&ch).Error; err != nil {
		return err
	}
	rule := AlertRule{ID: NewID(), OrganizationID: orgID, Name: "Default", Enabled: true,
		Thresholds: DefaultThresholds, Events: DefaultEvents, ChannelIDs: []string{ch.ID}, ScopeAll: true,
		UnreachableAfter: 2, CreatedAt: now, UpdatedAt: now}
	rule.normalize()
	return tx.Create(&rule).Error
}

// UpdateOrganization saves the organization's name, expiring threshold and
// policy. The threshold (the floor of urgency) changes alert outcomes at
// once, so every domain of the organization becomes due for evaluation.
func (s *Store) UpdateOrganization(ctx context.Context, o Organization) (Organization, error) {
	details := map[string]any{"name": o.Name, "expiring_threshold_days": o.ExpiringThresholdDays, "policy": json.RawMessage(o.Policy),
		"require_agent_mtls": o.RequireAgentMTLS, "require_enrollment_approval": o.RequireEnrollmentApproval}
	err := s.change(ctx, o.ID, "organization.update", "organization", details, func(tx *gorm.DB) (string, error) {
		err := affected(tx.Model(&Organization{}).Where("id = ?", o.ID).
			Updates(map[string]any{"name": o.Name, "expiring_threshold_days": o.ExpiringThresholdDays, "policy": o.Policy,
				"require_agent_mtls": o.RequireAgentMTLS, "require_enrollment_approval": o.RequireEnrollmentApproval}))
		if err != nil {
			return "", err
		}
		return o.ID, markOrgDue(tx, o.ID, s.now())
	})
	if err != nil {
		return Organization{}, fmt.Errorf("store: update organization %s: %w", o.ID, err)
	}
	return s.Organization(ctx, o.ID)
}
