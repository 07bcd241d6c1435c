package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ErrLastOwner means the change would leave the organization without an owner.
var ErrLastOwner = errors.New("an organization keeps at least one owner")

// Member is a user of the organization with a role.
type Member struct {
	UserID   string
	Email    string
	Role     string
	JoinedAt time.Time
}

// ListMembers lists the organization's members, oldest first.
func (s *Store) ListMembers(ctx context.Context, orgID string) ([]Member, error) {
	var out []Member
	err := s.db.WithContext(ctx).Table("memberships m").
		Select("m.user_id, u.email, m.role, m.created_at AS joined_at").
		Joins("JOIN users u ON u.id = m.user_id").
		Where("m.organization_id = ?", orgID).Order("m.created_at, u.email").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	return out, nil
}

// SetMemberRole changes a member's role; the last owner cannot be demoted.
func (s *Store) SetMemberRole(ctx context.Context, orgID, userID, role string) error {
	err := s.change(ctx, orgID, "member.role", "user", map[string]string{"role": role}, func(tx *gorm.DB) (string, error) {
		var m Membership
		if err := tx.Where("organization_id = ? AND user_id = ?", orgID, userID).Take(&m).Error; err != nil {
			return "", notFound(err)
		}
		if m.Role == RoleOwner && role != RoleOwner {
			if err := keepAnOwner(tx, orgID); err != nil {
				return "", err
			}
		}
		return userID, tx.Model(&Membership{}).Where("organization_id = ? AND user_id = ?", orgID, userID).Update("role", role).Error
	})
	if err != nil {
		return fmt.Errorf("store: set role of %s: %w", userID, err)
	}
	return nil
}

// RemoveMember takes a user out of the organization (leaving, when it is
// the actor itself), ends their sessions there and revokes the API tokens
// they created there, all in one transaction.
func (s *Store) RemoveMember(ctx context.Context, orgID, userID string) error {
	action := "member.remove"
	if a := actorFrom(ctx); a.Type == ActorUser && a.ID == userID {
		action = "member.leave"
	}
	err := s.change(ctx, orgID, action, "user", nil, func(tx *gorm.DB) (string, error) {
		var m Membership
		if err := tx.Where("organization_id = ? AND user_id = ?", orgID, userID).Take(&m).Error; err != nil {
			return "", notFound(err)
		}
		if m.Role == RoleOwner {
			if err := keepAnOwner(tx, orgID); err != nil {
				return "", err
			}
		}
		if err := tx.Where("organization_id = ? AND user_id = ?", orgID, userID).Delete(&Membership{}).Error; err != nil {
			return "", err
		}
		if err := tx.Where("organization_id = ? AND user_id = ?", orgID, userID).Delete(&Session{}).Error; err != nil {
			return "", err
		}
		return userID, s.revokeTokensOf(ctx, tx, orgID, userID, action)
	})
	if err != nil {
		return fmt.Errorf("store: remove member %s: %w", userID, err)
	}
	return nil
}

// keepAnOwner fails unless another owner remains. The owner rows are
// locked on PostgreSQL so that two owners cannot both leave at once.
func keepAnOwner(tx *gorm.DB, orgID string) error {
	var owners []Membership
	q := tx.Where("organization_id = ? AND role = ?", orgID, RoleOwner)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(lockForUpdate)
	}
	if err := q.Find(&owners).Error; err != nil {
		return err
	}
	if len(owners) <= 1 {
		return ErrLastOwner
	}
	return nil
}

// Invitation asks someone to join an organization with a role.
type Invitation struct {
	ID             string
	OrganizationID string
	Email          string
	Role           string
	TokenHash      string
	InvitedBy      *string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	AcceptedAt     *time.Time
	RevokedAt      *time.Time
}

// CreateInvitation stores an invitation; the caller sends the link.
func (s *Store) CreateInvitation(ctx context.Context, orgID string, inv Invitation) (Invitation, error) {
	inv.ID, inv.OrganizationID, inv.CreatedAt = NewID(), orgID, s.now()
	err := s.change(ctx, orgID, "invitation.create", "invitation", map[string]string{"email": inv.Email, "role": inv.Role}, func(tx *gorm.DB) (string, error) {
		return inv.ID, tx.Create(&inv).Error
	})
	if err != nil {
		return Invitation{}, fmt.Errorf("store: create invitation: %w", err)
	}
	return inv, nil
}

// ListInvitations lists the organization's open invitations.
func (s *Store) ListInvitations(ctx context.Context, orgID string) ([]Invitation, error) {
	var out []Invitation
	err := s.db.WithContext(ctx).Where("organization_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", orgID, s.now()).
		Order("created_at").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: list invitations: %w", err)
	}
	return out, nil
}

// RevokeInvitation withdraws an open invitation.
func (s *Store) RevokeInvitation(ctx context.Context, orgID, id string) error {
	err := s.change(ctx, orgID, "invitation.revoke", "invitation", nil, func(tx *gorm.DB) (string, error) {
		return id, affected(tx.Model(&Invitation{}).Where("organization_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL", orgID, id).
			Update("revoked_at", s.now()))
	})
	if err != nil {
		return fmt.Errorf("store: revoke invitation %s: %w", id, err)
	}
	return nil
}

// ErrInvitationUsed means the invitation was accepted, revoked or expired.
var ErrInvitationUsed = errors.New("invitation is no longer valid")

// ErrWrongInvitee means an invitation was sent to another email address
// than the accepting user's: the link alone does not make anyone a member.
var ErrWrongInvitee = errors.New("invitation is for another email address")

// AcceptInvitation makes the user, who must have the invited email, a
// member (creating the user first when newUser is set) and uses the
// invitation up, in one transaction, so a link works exactly once.
func (s *Store) AcceptInvitation(ctx context.Context, tokenHash string, userID string, newUser *User) (Membership, error) {
	now := s.now()
	var m Membership
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inv Invitation
		if err := tx.Where("token_hash = ?", tokenHash).Take(&inv).Error; err != nil {
			return notFound(err)
		}
		res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", inv.ID, now).
			Update("accepted_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrInvitationUsed
		}
		if newUser != nil {
			newUser.ID, newUser.Email, newUser.CreatedAt = NewID(), inv.Email, now
			if err := tx.Create(newUser).Error; err != nil {
				if isUniqueViolation(err) {
					return ErrConflict
				}
				return err
			}
			userID = newUser.ID
		} else if err := checkInvitee(tx, userID, inv.Email); err != nil {
			return err
		}
		m = Membership{OrganizationID: inv.OrganizationID, UserID: userID, Role: inv.Role, CreatedAt: now}
		if err := tx.Create(&m).Error; err != nil {
			if isUniqueViolation(err) {
				return ErrConflict
			}
			return err
		}
		actor := actorFrom(ctx)
		actor.Type, actor.ID = ActorUser, userID
		return s.audit(WithActor(ctx, actor), tx, inv.OrganizationID, "invitation.accept", "user", userID, map[string]string{"role": inv.Role})
	})
	if err != nil {
		return Membership{}, fmt.Errorf("store: accept invitation: %w", err)
	}
	return m, nil
}

func checkInvitee(tx *gorm.DB, userID, invited string) error {
	var u User
	if err := tx.Where("id = ?", userID).Take(&u).Error; err != nil {
		return notFound(err)
	}
	if u.Email != invited {
		return ErrWrongInvitee
	}
	return nil
}

// UserByID loads a user.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return User{}, fmt.Errorf("store: user %s: %w", id, notFound(err))
	}
	return u, nil
}
