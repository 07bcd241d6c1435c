package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/safetext"
)

// DefaultAgentInterval is how often an agent pulls its targets.
const DefaultAgentInterval = 4 * time.Hour

// Agent is an installed scanner inside a customer's network.
type Agent struct {
	ID              string
	OrganizationID  string
	Name            string
	Prefix          string
	TokenHash       string
	IntervalSeconds int
	Version         string
	LastSeenAt      *time.Time
	LastIP          string
	// ParkedBatches and ParkedOldestAt are what the agent last reported of
	// the result batches it set aside because this server kept failing on
	// them (see wire.Parked).
	ParkedBatches  int
	ParkedOldestAt *time.Time
	// ChannelSince is when the agent's control channel last connected, and
	// ChannelSeenAt its latest poll (the heartbeat); see AgentPolled.
	ChannelSince  *time.Time
	ChannelSeenAt *time.Time
	// Platform, SpoolBatches and LastCycle are what the agent reported on
	// its latest poll: its OS/architecture, the result batches waiting in
	// its spool, and the JSON counts of its latest cycle.
	Platform     string
	SpoolBatches int
	LastCycle    string
	// NextTokenHash and NextPrefix are the token the agent fetched during a
	// graceful rotation, waiting for its first use; TokenRotationRequestedAt
	// is set while a graceful rotation waits for the agent, TokenRotatedAt
	// is when the token last changed. See agent_tokens.go.
	NextTokenHash            *string
	NextPrefix               string
	TokenRotationRequestedAt *time.Time
	TokenRotatedAt           *time.Time
	// CertSerial and CertNotAfter describe the client certificate the agent
	// last enrolled or renewed (empty once revoked); CertRotatedAt is when,
	// CertRenewBy when it should be renewed by. See agent_certificates.go.
	CertSerial    string
	CertNotAfter  *time.Time
	CertRotatedAt *time.Time
	CertRenewBy   *time.Time
	// EvalDueAt and EvalWakeAt are when alert evaluation must next look
	// at the agent (see agent_schedule.go).
	EvalDueAt  *time.Time
	EvalWakeAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Targets counts the domains assigned to the agent (read-only).
	Targets int `gorm:"->;-:migration"`
}

// CreateAgent stores a new agent.
func (s *Store) CreateAgent(ctx context.Context, orgID string, a Agent) (Agent, error) {
	a = s.newAgent(orgID, a)
	err := s.change(ctx, orgID, "agent.create", "agent", map[string]string{"name": a.Name}, func(tx *gorm.DB) (string, error) {
		return a.ID, tx.Omit("Targets").Create(&a).Error
	})
	if err != nil {
		return Agent{}, fmt.Errorf("store: create agent: %w", err)
	}
	return a, nil
}

// CreateAgentWithAPIToken stores a new agent and the API token it is to
// use, together or not at all, so one-step setup never leaves half of it.
func (s *Store) CreateAgentWithAPIToken(ctx context.Context, orgID string, a Agent, t APIToken) (Agent, APIToken, error) {
	a = s.newAgent(orgID, a)
	t.ID, t.OrganizationID, t.CreatedAt = NewID(), orgID, a.CreatedAt
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("Targets").Create(&a).Error; err != nil {
			return err
		}
		if err := s.audit(ctx, tx, orgID, "agent.create", "agent", a.ID, map[string]string{"name": a.Name}); err != nil {
			return err
		}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, orgID, "token.create", "token", t.ID, map[string]string{"name": t.Name, "scope": t.Scope})
	})
	if err != nil {
		return Agent{}, APIToken{}, fmt.Errorf("store: create agent with api token: %w", err)
	}
	return a, t, nil
}

func (s *Store) newAgent(orgID string, a Agent) Agent {
	now := s.now()
	a.ID = NewID()
	a.OrganizationID = orgID
	a.CreatedAt, a.UpdatedAt = now, now
	if a.IntervalSeconds == 0 {
		a.IntervalSeconds = int(DefaultAgentInterval / time.Second)
	}
	return a
}

func (s *Store) agentsWithTargets(ctx context.Context, orgID string) *gorm.DB {
	return s.db.WithContext(ctx).Table("agents").
		Select("agents.*, (SELECT COUNT(*) FROM domains WHERE domains.agent_id = agents.id) AS targets").
		Where("agents.organization_id = ?", orgID)
}

// ListAgents lists an organization's agents, oldest first.
func (s *Store) ListAgents(ctx context.Context, orgID string, page Page) ([]Agent, int64, error) {
	var total int64
	if err := s.db.WithContext(ctx).Model(&Agent{}).Where("organization_id = ?", orgID).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count agents: %w", err)
	}
	var out []Agent
	err := s.agentsWithTargets(ctx, orgID).Order("agents.created_at, agents.id").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("store: list agents: %w", err)
	}
	return out, total, nil
}

// GetAgent loads one agent of the organization.
func (s *Store) GetAgent(ctx context.Context, orgID, id string) (Agent, error) {
	var a Agent
	if err := s.agentsWithTargets(ctx, orgID).Where("agents.id = ?", id).Take(&a).Error; err != nil {
		return Agent{}, fmt.Errorf("store: get agent %s: %w", id, notFound(err))
	}
	return a, nil
}

// AgentChange is a change to an agent's settings; nil fields stay.
type AgentChange struct {
	Name            *string
	IntervalSeconds *int
}

// UpdateAgent changes an agent's name or interval.
func (s *Store) UpdateAgent(ctx context.Context, orgID, id string, ch AgentChange) (Agent, error) {
	set := map[string]any{"updated_at": s.now()}
	details := map[string]any{}
	if ch.Name != nil {
		set["name"], details["name"] = *ch.Name, *ch.Name
	}
	if ch.IntervalSeconds != nil {
		set["interval_seconds"], details["interval_seconds"] = *ch.IntervalSeconds, *ch.IntervalSeconds
		// The interval sets when the agent counts as offline.
		set["eval_due_at"] = set["updated_at"]
	}
	err := s.change(ctx, orgID, "agent.update", "agent", details, func(tx *gorm.DB) (string, error) {
		res := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, id).Updates(set)
		return id, affected(res)
	})
	if err != nil {
		return Agent{}, fmt.Errorf("store: update agent %s: %w", id, err)
	}
	return s.GetAgent(ctx, orgID, id)
}

// DeleteAgent removes an agent; its domains stay and fall back to
// server-side checks.
func (s *Store) DeleteAgent(ctx context.Context, orgID, id string) error {
	err := s.change(ctx, orgID, "agent.delete", "agent", nil, func(tx *gorm.DB) (string, error) {
		// The agent's domains fall back to server-side checks; one that the
		// server already checks under the same endpoint would be a
		// duplicate, so it goes (with its history) instead.
		var dups []string
		err := tx.Model(&Domain{}).Where(`organization_id = ? AND agent_id = ? AND EXISTS (
			SELECT 1 FROM domains d2 WHERE d2.organization_id = domains.organization_id AND d2.agent_id IS NULL
			AND d2.host = domains.host AND d2.port = domains.port AND d2.protocol = domains.protocol
			AND `+endpointSNISQL("d2.sni", "d2.host")+` = `+endpointSNISQL("domains.sni", "domains.host")+`)`, orgID, id).
			Order("id").Pluck("id", &dups).Error
		if err != nil {
			return "", err
		}
		leaves, err := releaseDomains(tx, orgID, dups)
		if err != nil {
			return "", err
		}
		for start := 0; start < len(dups); start += observationBatch {
			if err := tx.Where("id IN ?", dups[start:min(start+observationBatch, len(dups))]).Delete(&Domain{}).Error; err != nil {
				return "", err
			}
		}
		if err := refreshLeaves(tx, orgID, leaves); err != nil {
			return "", err
		}
		// Rules scoped to the agent no longer cover its domains.
		if err := markOrgDue(tx, orgID, s.now()); err != nil {
			return "", err
		}
		// Its certificates stop working now, and the CRL lists them.
		if _, err := revokeAgentCertificates(tx, orgID, id, s.now()); err != nil {
			return "", err
		}
		return id, affected(tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&Agent{}))
	})
	if err != nil {
		return fmt.Errorf("store: delete agent %s: %w", id, err)
	}
	return nil
}

// TouchAgent records an agent's check-in. The version comes from the
// agent's User-Agent and is cut to fit.
func (s *Store) TouchAgent(ctx context.Context, orgID, id, version, ip string) error {
	err := s.db.WithContext(ctx).Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, id).
		Updates(map[string]any{"last_seen_at": s.now(), "eval_due_at": dueOnCheckIn(s.now()),
			"version": safetext.Fit(version, maxVersion), "last_ip": safetext.Fit(ip, MaxShortText)}).Error
	if err != nil {
		return fmt.Errorf("store: touch agent %s: %w", id, err)
	}
	return nil
}

// maxParkedBatches caps a reported count: the agent bounds its parked
// batches by disk space, and a count beyond this is not worth storing.
const maxParkedBatches = 1_000_000

// SetAgentParked records what an agent reported at check-in about its parked
// result batches; oldest is nil when there are none.
func (s *Store) SetAgentParked(ctx context.Context, orgID, id string, batches int, oldest *time.Time) error {
	batches = min(batches, maxParkedBatches)
	if oldest != nil {
		utc := oldest.UTC()
		oldest = &utc
	}
	err := s.db.WithContext(ctx).Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, id).
		Updates(map[string]any{"parked_batches": batches, "parked_oldest_at": oldest}).Error
	if err != nil {
		return fmt.Errorf("store: set agent %s parked batches: %w", id, err)
	}
	return nil
}

// ChannelGap is how long an agent's channel may go without a poll and
// still count as the same connection: a poll is held for at most a minute,
// and the agent polls again right after.
const ChannelGap = 90 * time.Second

// AgentPoll is what an agent reports on each poll of its control channel.
type AgentPoll struct {
	Version      string
	IP           string
	Platform     string
	SpoolBatches int
	// LastCycle is the JSON of the latest cycle's counts; empty keeps the
	// stored one.
	LastCycle string
}

// AgentPolled records a poll of the agent's control channel: it is the
// agent's heartbeat (last seen), and starts a new connection time when the
// previous poll is older than ChannelGap.
func (s *Store) AgentPolled(ctx context.Context, orgID, id string, p AgentPoll) error {
	now := s.now()
	set := map[string]any{
		"last_seen_at":    now,
		"eval_due_at":     dueOnCheckIn(now),
		"channel_seen_at": now,
		"channel_since":   gorm.Expr("CASE WHEN channel_seen_at IS NULL OR channel_seen_at < ? OR channel_since IS NULL THEN ? ELSE channel_since END", now.Add(-ChannelGap), now),
		"version":         safetext.Fit(p.Version, maxVersion),
		"last_ip":         safetext.Fit(p.IP, MaxShortText),
		"platform":        safetext.Fit(p.Platform, MaxShortText),
		"spool_batches":   min(max(p.SpoolBatches, 0), maxParkedBatches),
	}
	if p.LastCycle != "" {
		set["last_cycle"] = p.LastCycle
	}
	err := s.db.WithContext(ctx).Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, id).Updates(set).Error
	if err != nil {
		return fmt.Errorf("store: agent %s polled: %w", id, err)
	}
	return nil
}
