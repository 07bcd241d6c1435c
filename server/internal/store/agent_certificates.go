package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AgentCertificate is a client certificate issued to an agent. Rows stay
// after their agent is deleted, revoked, until they expire: the CRL lists
// them meanwhile.
type AgentCertificate struct {
	Serial         string `gorm:"primaryKey"` // hex
	OrganizationID string
	AgentID        string
	NotBefore      time.Time
	NotAfter       time.Time
	RevokedAt      *time.Time
	CreatedAt      time.Time
	// Origin is CertOriginEnrolled or CertOriginRenewed; empty for
	// certificates issued before it was recorded.
	Origin string
}

// RenewalOverdue is the share of an agent certificate's lifetime after
// which its renewal is overdue: agents renew at two thirds, so one past
// this has failed to for a while (see the agent_certificate alert).
const RenewalOverdue = 0.8

// renewBy is when a certificate issued at issued should have been renewed.
func renewBy(issued, notAfter time.Time) time.Time {
	return issued.Add(time.Duration(float64(notAfter.Sub(issued)) * RenewalOverdue))
}

// Audit actions of RecordAgentCertificate.
const (
	CertEnrolled = "agent.enroll"
	CertRenewed  = "agent.certificate_renew"
)

// How a certificate came, by the action that issued it.
const (
	CertOriginEnrolled = "enrolled"
	CertOriginRenewed  = "renewed"
)

var certOrigin = map[string]string{CertEnrolled: CertOriginEnrolled, CertRenewed: CertOriginRenewed}

// RecordAgentCertificate stores a certificate just issued to an agent and
// makes it the agent's current one. action is CertEnrolled or CertRenewed.
func (s *Store) RecordAgentCertificate(ctx context.Context, orgID string, c AgentCertificate, action string) error {
	now := s.now()
	c.OrganizationID, c.CreatedAt, c.Origin = orgID, now, certOrigin[action]
	details := map[string]any{"serial": c.Serial, "not_after": c.NotAfter}
	err := s.change(ctx, orgID, action, "agent", details, func(tx *gorm.DB) (string, error) {
		return c.AgentID, recordAgentCertificate(tx, c, now)
	})
	if err != nil {
		return fmt.Errorf("store: record certificate of agent %s: %w", c.AgentID, err)
	}
	return nil
}

// recordAgentCertificate stores c, inside tx, as its agent's current
// certificate; the agent must be of c's organization.
func recordAgentCertificate(tx *gorm.DB, c AgentCertificate, now time.Time) error {
	res := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", c.OrganizationID, c.AgentID).
		Updates(map[string]any{"cert_serial": c.Serial, "cert_not_after": c.NotAfter, "cert_rotated_at": now,
			"cert_renew_by": renewBy(now, c.NotAfter), "eval_due_at": now, "updated_at": now})
	if err := affected(res); err != nil {
		return err
	}
	return tx.Create(&c).Error
}

// AgentByCertificate finds the organization's agent that a verified client
// certificate names, as long as that certificate is one the server issued
// to it and not revoked: revocation takes effect on the next request.
func (s *Store) AgentByCertificate(ctx context.Context, orgID, agentID, serial string) (Agent, error) {
	var a Agent
	err := s.db.WithContext(ctx).Omit("Targets").
		Where("organization_id = ? AND id = ?", orgID, agentID).
		Where("EXISTS (SELECT 1 FROM agent_certificates c WHERE c.serial = ? AND c.organization_id = agents.organization_id AND c.agent_id = agents.id AND c.revoked_at IS NULL)", serial).
		Take(&a).Error
	if err != nil {
		return Agent{}, fmt.Errorf("store: agent by certificate: %w", notFound(err))
	}
	return a, nil
}

// RevokeAgentCertificates revokes every live certificate of the agent and
// clears its current one; it answers ErrNotFound for an agent the
// organization does not have. The audit entry counts the certificates.
func (s *Store) RevokeAgentCertificates(ctx context.Context, orgID, agentID string) error {
	details := map[string]any{}
	err := s.change(ctx, orgID, "agent.certificate_revoke", "agent", details, func(tx *gorm.DB) (string, error) {
		now := s.now()
		res := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, agentID).
			Updates(map[string]any{"cert_serial": "", "cert_not_after": nil, "cert_renew_by": nil, "eval_due_at": now, "updated_at": now})
		if err := affected(res); err != nil {
			return "", err
		}
		n, err := revokeAgentCertificates(tx, orgID, agentID, now)
		details["revoked"] = n // read by the audit entry written after fn
		return agentID, err
	})
	if err != nil {
		return fmt.Errorf("store: revoke certificates of agent %s: %w", agentID, err)
	}
	return nil
}

// revokeAgentCertificates marks, inside tx, the agent's unexpired,
// unrevoked certificates revoked.
func revokeAgentCertificates(tx *gorm.DB, orgID, agentID string, now time.Time) (int64, error) {
	res := tx.Model(&AgentCertificate{}).
		Where("organization_id = ? AND agent_id = ? AND revoked_at IS NULL AND not_after > ?", orgID, agentID, now).
		Update("revoked_at", now)
	return res.RowsAffected, res.Error
}

// RevokedAgentCertificates lists the revoked certificates that have not
// expired yet, of every organization: the agent CA and its revocation list
// are the server's, and the list names serials only.
func (s *Store) RevokedAgentCertificates(ctx context.Context) ([]AgentCertificate, error) {
	var out []AgentCertificate
	err := s.db.WithContext(ctx).Where("revoked_at IS NOT NULL AND not_after > ?", s.now()).Order("serial").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: revoked agent certificates: %w", err)
	}
	return out, nil
}

// backfillAgentRenewBy gives the agents' certificates recorded before
// cert_renew_by existed (migration 00040) their renewal deadline. SQL alone
// cannot compute it in both dialects; once done, it costs one empty query.
func (s *Store) backfillAgentRenewBy(ctx context.Context) error {
	for {
		var rows []Agent
		err := s.db.WithContext(ctx).Select("id, organization_id, cert_not_after, cert_rotated_at").
			Where("cert_renew_by IS NULL AND cert_not_after IS NOT NULL AND cert_rotated_at IS NOT NULL").
			Order("id").Limit(backfillBatch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: backfill agent certificate deadlines: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for _, a := range rows {
			err := s.db.WithContext(ctx).Model(&Agent{}).Where("organization_id = ? AND id = ?", a.OrganizationID, a.ID).
				Update("cert_renew_by", renewBy(*a.CertRotatedAt, *a.CertNotAfter)).Error
			if err != nil {
				return fmt.Errorf("store: backfill agent certificate deadline: %w", err)
			}
		}
	}
}
