package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// DiscoveryJob is a sweep an agent runs inside its network.
type DiscoveryJob struct {
	ID              string
	OrganizationID  string
	AgentID         string
	Hosts           []string `gorm:"serializer:json"`
	Ports           string
	IntervalSeconds int
	RatePerSecond   int
	AutoAdopt       bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// CreateDiscoveryJob stores a job; ErrAgentNotFound when the agent is not
// the organization's.
func (s *Store) CreateDiscoveryJob(ctx context.Context, orgID string, j DiscoveryJob) (DiscoveryJob, error) {
	now := s.now()
	j.ID, j.OrganizationID, j.CreatedAt, j.UpdatedAt = NewID(), orgID, now, now
	err := s.change(ctx, orgID, "discovery_job.create", "discovery_job", map[string]any{"hosts": j.Hosts, "ports": j.Ports}, func(tx *gorm.DB) (string, error) {
		if err := checkAgent(tx, orgID, &j.AgentID); err != nil {
			return "", err
		}
		return j.ID, tx.Create(&j).Error
	})
	if err != nil {
		return DiscoveryJob{}, fmt.Errorf("store: create discovery job: %w", err)
	}
	return j, nil
}

// UpdateDiscoveryJob saves every field of a changed job.
func (s *Store) UpdateDiscoveryJob(ctx context.Context, orgID string, j DiscoveryJob) (DiscoveryJob, error) {
	j.UpdatedAt = s.now()
	hosts, err := json.Marshal(j.Hosts)
	if err != nil {
		return DiscoveryJob{}, fmt.Errorf("store: update discovery job %s: %w", j.ID, err)
	}
	err = s.change(ctx, orgID, "discovery_job.update", "discovery_job", map[string]any{"hosts": j.Hosts, "ports": j.Ports}, func(tx *gorm.DB) (string, error) {
		if err := checkAgent(tx, orgID, &j.AgentID); err != nil {
			return "", err
		}
		res := tx.Model(&DiscoveryJob{}).Where("organization_id = ? AND id = ?", orgID, j.ID).Updates(map[string]any{
			"agent_id": j.AgentID, "hosts": string(hosts), "ports": j.Ports, "interval_seconds": j.IntervalSeconds,
			"rate_per_second": j.RatePerSecond, "auto_adopt": j.AutoAdopt, "updated_at": j.UpdatedAt,
		})
		return j.ID, affected(res)
	})
	if err != nil {
		return DiscoveryJob{}, fmt.Errorf("store: update discovery job %s: %w", j.ID, err)
	}
	return j, nil
}

// GetDiscoveryJob loads one job of the organization.
func (s *Store) GetDiscoveryJob(ctx context.Context, orgID, id string) (DiscoveryJob, error) {
	var j DiscoveryJob
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&j).Error; err != nil {
		return DiscoveryJob{}, fmt.Errorf("store: discovery job %s: %w", id, notFound(err))
	}
	return j, nil
}

// ListDiscoveryJobs lists the organization's jobs, oldest first; agentID
// narrows them to one agent when set.
func (s *Store) ListDiscoveryJobs(ctx context.Context, orgID, agentID string, page Page) ([]DiscoveryJob, int64, error) {
	q := s.db.WithContext(ctx).Model(&DiscoveryJob{}).Where("organization_id = ?", orgID)
	if agentID != "" {
		q = q.Where("agent_id = ?", agentID)
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count discovery jobs: %w", err)
	}
	var out []DiscoveryJob
	if err := q.Order("created_at, id").Limit(page.Limit()).Offset(page.Offset()).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list discovery jobs: %w", err)
	}
	return out, total, nil
}

// AgentDiscoveryJobs lists the jobs an agent runs.
func (s *Store) AgentDiscoveryJobs(ctx context.Context, orgID, agentID string) ([]DiscoveryJob, error) {
	var out []DiscoveryJob
	err := s.db.WithContext(ctx).Where("organization_id = ? AND agent_id = ?", orgID, agentID).Order("created_at, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: discovery jobs of agent %s: %w", agentID, err)
	}
	return out, nil
}

// DeleteDiscoveryJob removes a job; what it found stays in the inventory.
func (s *Store) DeleteDiscoveryJob(ctx context.Context, orgID, id string) error {
	err := s.change(ctx, orgID, "discovery_job.delete", "discovery_job", nil, func(tx *gorm.DB) (string, error) {
		return id, affected(tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&DiscoveryJob{}))
	})
	if err != nil {
		return fmt.Errorf("store: delete discovery job %s: %w", id, err)
	}
	return nil
}
