package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Statuses of an agent certificate, from its row and its agent's current
// serial: a superseded certificate was replaced by a newer one (renewal)
// and still authenticates until it expires or is revoked.
const (
	CertStatusCurrent    = "current"
	CertStatusSuperseded = "superseded"
	CertStatusExpired    = "expired"
	CertStatusRevoked    = "revoked"
)

// Why a certificate cannot be revoked: it no longer works already.
var (
	ErrCertificateRevoked = fmt.Errorf("%w: certificate already revoked", ErrConflict)
	ErrCertificateExpired = fmt.Errorf("%w: certificate already expired", ErrConflict)
)

// Status says where the certificate stands at now, for an agent whose
// current certificate is currentSerial.
func (c AgentCertificate) Status(currentSerial string, now time.Time) string {
	switch {
	case c.RevokedAt != nil:
		return CertStatusRevoked
	case !c.NotAfter.After(now):
		return CertStatusExpired
	case c.Serial == currentSerial:
		return CertStatusCurrent
	}
	return CertStatusSuperseded
}

// ListAgentCertificates lists the certificates issued to the organization's
// agent, newest first. The caller checks the agent exists (GetAgent): rows
// outlive their agent.
func (s *Store) ListAgentCertificates(ctx context.Context, orgID, agentID string, page Page) ([]AgentCertificate, int64, error) {
	q := func() *gorm.DB {
		return s.db.WithContext(ctx).Model(&AgentCertificate{}).Where("organization_id = ? AND agent_id = ?", orgID, agentID)
	}
	var total int64
	if err := q().Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count certificates of agent %s: %w", agentID, err)
	}
	var out []AgentCertificate
	err := q().Order("created_at DESC, serial DESC").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("store: list certificates of agent %s: %w", agentID, err)
	}
	return out, total, nil
}

// RevokeAgentCertificate revokes one certificate of the organization's
// existing agent; when it was the agent's current one, the agent has no
// current certificate after. It answers ErrNotFound for a certificate the
// agent does not have, ErrCertificateRevoked or ErrCertificateExpired for
// one that no longer works anyway. The audit entry names the serial.
func (s *Store) RevokeAgentCertificate(ctx context.Context, orgID, agentID, serial string) (AgentCertificate, error) {
	var c AgentCertificate
	details := map[string]any{"serial": serial}
	err := s.change(ctx, orgID, "agent.certificate_revoke", "agent", details, func(tx *gorm.DB) (string, error) {
		now := s.now()
		err := tx.Where("organization_id = ? AND agent_id = ? AND serial = ?", orgID, agentID, serial).
			Where("EXISTS (SELECT 1 FROM agents a WHERE a.organization_id = agent_certificates.organization_id AND a.id = agent_certificates.agent_id)").
			Take(&c).Error
		if err != nil {
			return "", notFound(err)
		}
		if !c.NotAfter.After(now) && c.RevokedAt == nil {
			return "", ErrCertificateExpired
		}
		// The guard on revoked_at settles two admins revoking at once.
		res := tx.Model(&AgentCertificate{}).Where("organization_id = ? AND serial = ? AND revoked_at IS NULL", orgID, serial).Update("revoked_at", now)
		if err := affected(res); errors.Is(err, ErrNotFound) {
			return "", ErrCertificateRevoked
		} else if err != nil {
			return "", err
		}
		c.RevokedAt = &now
		err = tx.Model(&Agent{}).Where("organization_id = ? AND id = ? AND cert_serial = ?", orgID, agentID, serial).
			Updates(map[string]any{"cert_serial": "", "cert_not_after": nil, "cert_renew_by": nil, "eval_due_at": now, "updated_at": now}).Error
		return agentID, err
	})
	if err != nil {
		return AgentCertificate{}, fmt.Errorf("store: revoke certificate %s of agent %s: %w", serial, agentID, err)
	}
	return c, nil
}
