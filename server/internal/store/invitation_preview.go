package store

import (
	"context"
	"fmt"
	"time"
)

// InvitationPreview is what an invitation link shows before it is
// accepted: who invites, to which organization, with which role.
type InvitationPreview struct {
	Email            string
	Role             string
	OrganizationName string
	InviterEmail     string
	ExpiresAt        time.Time
}

// InvitationByToken finds an open invitation by the hash of its link's
// token; an unknown, used, revoked or expired one is ErrNotFound.
func (s *Store) InvitationByToken(ctx context.Context, tokenHash string) (InvitationPreview, error) {
	var p InvitationPreview
	err := s.db.WithContext(ctx).Table("invitations i").
		Select("i.email, i.role, i.expires_at, o.name AS organization_name, COALESCE(u.email, '') AS inviter_email").
		Joins("JOIN organizations o ON o.id = i.organization_id").
		Joins("LEFT JOIN users u ON u.id = i.invited_by").
		Where("i.token_hash = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?", tokenHash, s.now()).
		Take(&p).Error
	if err != nil {
		return InvitationPreview{}, fmt.Errorf("store: invitation by token: %w", notFound(err))
	}
	return p, nil
}
