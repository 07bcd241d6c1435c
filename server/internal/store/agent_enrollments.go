package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AgentEnrollment is an enrollment held for an admin's approval: the
// agent's certificate request waits until an admin approves it (then the
// certificate issued for it is kept here for the agent to fetch) or
// rejects it. The agent fetches the outcome with the join token it spent.
type AgentEnrollment struct {
	ID             string
	OrganizationID string
	AgentID        string
	JoinTokenID    string
	CSR            string `gorm:"column:csr"` // PEM
	// KeyFingerprint is sha256:<hex> of the requested key (SPKI), for the
	// admin to compare with what the agent printed.
	KeyFingerprint string
	Status         string // EnrollmentPending, EnrollmentApproved or EnrollmentRejected
	// Certificate is the PEM certificate issued on approval.
	Certificate       string
	CertificateSerial string
	CreatedAt         time.Time
	ExpiresAt         time.Time
	DecidedAt         *time.Time
	DecidedBy         string // the deciding actor's label
	// AgentName is read with the row, from its agent.
	AgentName string `gorm:"->;-:migration"`
}

// Enrollment states. Expired is never stored: it is a pending enrollment
// past its expiry.
const (
	EnrollmentPending  = "pending"
	EnrollmentApproved = "approved"
	EnrollmentRejected = "rejected"
	EnrollmentExpired  = "expired"
)

// State is the enrollment's status as of now.
func (e AgentEnrollment) State(now time.Time) string {
	if e.Status == EnrollmentPending && !now.Before(e.ExpiresAt) {
		return EnrollmentExpired
	}
	return e.Status
}

// Errors of deciding an enrollment that is no longer pending.
var (
	ErrEnrollmentDecided = fmt.Errorf("enrollment already decided: %w", ErrConflict)
	ErrEnrollmentExpired = fmt.Errorf("enrollment expired: %w", ErrConflict)
)

// CreateAgentEnrollment stores a pending enrollment that expires after ttl.
func (s *Store) CreateAgentEnrollment(ctx context.Context, orgID string, e AgentEnrollment, ttl time.Duration) (AgentEnrollment, error) {
	now := s.now()
	e.ID, e.OrganizationID, e.Status, e.CreatedAt, e.ExpiresAt = NewID(), orgID, EnrollmentPending, now, now.Add(ttl)
	details := map[string]any{"enrollment_id": e.ID, "key_fingerprint": e.KeyFingerprint}
	err := s.change(ctx, orgID, "agent.enrollment_request", "agent", details, func(tx *gorm.DB) (string, error) {
		return e.AgentID, tx.Create(&e).Error
	})
	if err != nil {
		return AgentEnrollment{}, fmt.Errorf("store: create enrollment of agent %s: %w", e.AgentID, err)
	}
	return e, nil
}

// AgentEnrollmentByToken finds an enrollment by its id and the hash of the
// join token it spent: only the agent that enrolled finds it. The
// organization is not known before the token names it.
func (s *Store) AgentEnrollmentByToken(ctx context.Context, id, tokenHash string) (AgentEnrollment, error) {
	var e AgentEnrollment
	err := s.db.WithContext(ctx).
		Where("id = ? AND EXISTS (SELECT 1 FROM agent_join_tokens t WHERE t.id = agent_enrollments.join_token_id AND t.token_hash = ?)", id, tokenHash).
		Take(&e).Error
	if err != nil {
		return AgentEnrollment{}, fmt.Errorf("store: enrollment %s by token: %w", id, notFound(err))
	}
	return e, nil
}

// enrollmentsWithAgent selects enrollments with their agent's name.
func enrollmentsWithAgent(tx *gorm.DB, orgID string) *gorm.DB {
	return tx.Table("agent_enrollments e").Select("e.*, a.name AS agent_name").
		Joins("JOIN agents a ON a.organization_id = e.organization_id AND a.id = e.agent_id").
		Where("e.organization_id = ?", orgID)
}

// GetAgentEnrollment returns one of the organization's enrollments.
func (s *Store) GetAgentEnrollment(ctx context.Context, orgID, id string) (AgentEnrollment, error) {
	var e AgentEnrollment
	if err := enrollmentsWithAgent(s.db.WithContext(ctx), orgID).Where("e.id = ?", id).Take(&e).Error; err != nil {
		return AgentEnrollment{}, fmt.Errorf("store: enrollment %s: %w", id, notFound(err))
	}
	return e, nil
}

// ListAgentEnrollments lists the organization's enrollments in one state
// (pending, approved, rejected or expired), newest first.
func (s *Store) ListAgentEnrollments(ctx context.Context, orgID, state string, page Page) ([]AgentEnrollment, int64, error) {
	now := s.now()
	q := enrollmentsWithAgent(s.db.WithContext(ctx), orgID)
	switch state {
	case EnrollmentPending:
		q = q.Where("e.status = ? AND e.expires_at > ?", EnrollmentPending, now)
	case EnrollmentExpired:
		q = q.Where("e.status = ? AND e.expires_at <= ?", EnrollmentPending, now)
	default:
		q = q.Where("e.status = ?", state)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count enrollments: %w", err)
	}
	var out []AgentEnrollment
	if err := q.Order("e.created_at DESC, e.id DESC").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list enrollments: %w", err)
	}
	return out, total, nil
}

// ApproveAgentEnrollment marks a pending enrollment approved with the
// certificate issued for its request (certPEM, recorded as cert) and
// makes that certificate its agent's current one. An enrollment already
// decided answers ErrEnrollmentDecided, an expired one ErrEnrollmentExpired.
func (s *Store) ApproveAgentEnrollment(ctx context.Context, orgID, id string, cert AgentCertificate, certPEM string) (AgentEnrollment, error) {
	now := s.now()
	cert.OrganizationID, cert.CreatedAt, cert.Origin = orgID, now, CertOriginEnrolled
	details := map[string]any{"enrollment_id": id, "serial": cert.Serial, "not_after": cert.NotAfter}
	err := s.change(ctx, orgID, "agent.enrollment_approve", "agent", details, func(tx *gorm.DB) (string, error) {
		e, err := s.decideEnrollment(ctx, tx, orgID, id, EnrollmentApproved, now,
			map[string]any{"certificate": certPEM, "certificate_serial": cert.Serial})
		if err != nil {
			return "", err
		}
		if e.AgentID != cert.AgentID {
			return "", fmt.Errorf("certificate for agent %s, enrollment of %s", cert.AgentID, e.AgentID)
		}
		details["key_fingerprint"] = e.KeyFingerprint // read by the audit entry written after fn
		return e.AgentID, recordAgentCertificate(tx, cert, now)
	})
	if err != nil {
		return AgentEnrollment{}, fmt.Errorf("store: approve enrollment %s: %w", id, err)
	}
	return s.GetAgentEnrollment(ctx, orgID, id)
}

// RejectAgentEnrollment marks a pending enrollment rejected; errors as
// ApproveAgentEnrollment.
func (s *Store) RejectAgentEnrollment(ctx context.Context, orgID, id string) (AgentEnrollment, error) {
	now := s.now()
	details := map[string]any{"enrollment_id": id}
	err := s.change(ctx, orgID, "agent.enrollment_reject", "agent", details, func(tx *gorm.DB) (string, error) {
		e, err := s.decideEnrollment(ctx, tx, orgID, id, EnrollmentRejected, now, map[string]any{})
		details["key_fingerprint"] = e.KeyFingerprint
		return e.AgentID, err
	})
	if err != nil {
		return AgentEnrollment{}, fmt.Errorf("store: reject enrollment %s: %w", id, err)
	}
	return s.GetAgentEnrollment(ctx, orgID, id)
}

// decideEnrollment moves a pending, unexpired enrollment to status with
// the extra column updates, inside tx, and returns it as it was. The
// conditional update is the lock: of two admins deciding at once, one wins.
func (s *Store) decideEnrollment(ctx context.Context, tx *gorm.DB, orgID, id, status string, now time.Time, updates map[string]any) (AgentEnrollment, error) {
	var e AgentEnrollment
	if err := tx.Where("organization_id = ? AND id = ?", orgID, id).Take(&e).Error; err != nil {
		return AgentEnrollment{}, notFound(err)
	}
	updates["status"], updates["decided_at"], updates["decided_by"] = status, now, actorFrom(ctx).Label
	res := tx.Model(&AgentEnrollment{}).
		Where("organization_id = ? AND id = ? AND status = ? AND expires_at > ?", orgID, id, EnrollmentPending, now).
		Updates(updates)
	if err := affected(res); errors.Is(err, ErrNotFound) {
		if e.State(now) == EnrollmentExpired {
			return e, ErrEnrollmentExpired
		}
		return e, ErrEnrollmentDecided
	} else if err != nil {
		return e, err
	}
	return e, nil
}
