package store

import (
	"context"
	"fmt"
)

// Onboarding tells which first steps an organization has taken. Each is
// read from the data itself, so a step undone (the only agent deleted)
// shows as to do again.
type Onboarding struct {
	Agent  bool // has an agent
	Domain bool // monitors a domain
	// Alerting: a channel or an alert rule was added or changed since
	// sign-up (which creates a rule mailing the owner).
	Alerting  bool
	Colleague bool // has another member or an open invitation
}

// OnboardingState answers each step with one EXISTS on an index led by the
// organization, so it costs the same for a new and a large organization.
func (s *Store) OnboardingState(ctx context.Context, orgID string) (Onboarding, error) {
	var o Onboarding
	err := s.db.WithContext(ctx).Raw(`SELECT
		EXISTS (SELECT 1 FROM agents WHERE organization_id = ?) AS agent,
		EXISTS (SELECT 1 FROM domains WHERE organization_id = ?) AS domain,
		(EXISTS (SELECT 1 FROM channels c JOIN organizations o ON o.id = c.organization_id
				WHERE c.organization_id = ? AND c.updated_at > o.created_at)
			OR EXISTS (SELECT 1 FROM alert_rules r JOIN organizations o ON o.id = r.organization_id
				WHERE r.organization_id = ? AND r.updated_at > o.created_at)) AS alerting,
		(EXISTS (SELECT 1 FROM memberships WHERE organization_id = ? LIMIT 1 OFFSET 1)
			OR EXISTS (SELECT 1 FROM invitations WHERE organization_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?)) AS colleague`,
		orgID, orgID, orgID, orgID, orgID, orgID, s.now()).Scan(&o).Error
	if err != nil {
		return Onboarding{}, fmt.Errorf("store: onboarding of %s: %w", orgID, err)
	}
	return o, nil
}
