package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// ErrChannelNotFound means a rule names a channel the organization does not have.
var ErrChannelNotFound = errors.New("channel not found")

// AlertRule says which events, at which thresholds, for which domains, go
// to which channels.
//
// Routes say which of the rule's events each channel gets. ChannelIDs lists
// the routes' channels, kept for readers of the list; a rule written with
// channel IDs and no routes routes every event to each channel.
type AlertRule struct {
	ID               string
	OrganizationID   string
	Name             string
	Enabled          bool
	Thresholds       []int    `gorm:"serializer:json"`
	Events           []string `gorm:"serializer:json"`
	ChannelIDs       []string `gorm:"serializer:json"`
	Routes           []Route  `gorm:"serializer:json"`
	ScopeAll         bool
	ScopeTags        []string `gorm:"serializer:json"`
	ScopeAgentIDs    []string `gorm:"serializer:json;column:scope_agent_ids"`
	UnreachableAfter int
	// RemindEveryHours repeats the notification of an open event; 0 never.
	RemindEveryHours int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Route sends a rule's events to one channel: those at least MinSeverity
// ("info", "warning" or "critical") and, when Tags is not empty, those
// about a domain that has one of the tags.
type Route struct {
	ChannelID   string   `json:"channel_id"`
	MinSeverity string   `json:"min_severity"`
	Tags        []string `json:"tags"`
}

// RouteAll is the route of a channel that gets every event of its rule.
const RouteAll = "info"

// EffectiveRoutes are the rule's routes; a rule given channel IDs only
// sends every event to each of them.
func (r AlertRule) EffectiveRoutes() []Route {
	if len(r.Routes) > 0 || len(r.ChannelIDs) == 0 {
		return r.Routes
	}
	out := make([]Route, len(r.ChannelIDs))
	for i, id := range r.ChannelIDs {
		out[i] = Route{ChannelID: id, MinSeverity: RouteAll, Tags: []string{}}
	}
	return out
}

// normalize stores empty lists as [] rather than NULL, and the channel
// list as the routes' channels, once each.
func (r *AlertRule) normalize() {
	r.Routes = slices.Clone(r.EffectiveRoutes())
	if r.Routes == nil {
		r.Routes = []Route{}
	}
	r.ChannelIDs = []string{}
	for i, rt := range r.Routes {
		if rt.Tags == nil {
			r.Routes[i].Tags = []string{}
		}
		if !slices.Contains(r.ChannelIDs, rt.ChannelID) {
			r.ChannelIDs = append(r.ChannelIDs, rt.ChannelID)
		}
	}
	for _, l := range []*[]string{&r.Events, &r.ChannelIDs, &r.ScopeTags, &r.ScopeAgentIDs} {
		if *l == nil {
			*l = []string{}
		}
	}
	if r.Thresholds == nil {
		r.Thresholds = []int{}
	}
}

// CreateAlertRule stores a rule after checking its channels and agents.
func (s *Store) CreateAlertRule(ctx context.Context, orgID string, r AlertRule) (AlertRule, error) {
	r.normalize()
	now := s.now()
	r.ID, r.OrganizationID, r.CreatedAt, r.UpdatedAt = NewID(), orgID, now, now
	err := s.change(ctx, orgID, "alert_rule.create", "alert_rule", map[string]string{"name": r.Name}, func(tx *gorm.DB) (string, error) {
		if err := checkRuleRefs(tx, orgID, r); err != nil {
			return "", err
		}
		if err := markOrgDue(tx, orgID, now); err != nil {
			return "", err
		}
		return r.ID, tx.Create(&r).Error
	})
	if err != nil {
		return AlertRule{}, fmt.Errorf("store: create alert rule: %w", err)
	}
	return r, nil
}

// UpdateAlertRule replaces a rule's settings.
func (s *Store) UpdateAlertRule(ctx context.Context, orgID string, r AlertRule) (AlertRule, error) {
	r.normalize()
	r.UpdatedAt = s.now()
	err := s.change(ctx, orgID, "alert_rule.update", "alert_rule", map[string]string{"name": r.Name}, func(tx *gorm.DB) (string, error) {
		if err := checkRuleRefs(tx, orgID, r); err != nil {
			return "", err
		}
		if err := markOrgDue(tx, orgID, r.UpdatedAt); err != nil {
			return "", err
		}
		return r.ID, affected(tx.Model(&AlertRule{}).Where("organization_id = ? AND id = ?", orgID, r.ID).
			Select("name", "enabled", "thresholds", "events", "channel_ids", "routes", "scope_all", "scope_tags", "scope_agent_ids", "unreachable_after", "remind_every_hours", "updated_at").
			Updates(&r))
	})
	if err != nil {
		return AlertRule{}, fmt.Errorf("store: update alert rule %s: %w", r.ID, err)
	}
	return s.GetAlertRule(ctx, orgID, r.ID)
}

func checkRuleRefs(tx *gorm.DB, orgID string, r AlertRule) error {
	if len(r.ChannelIDs) > 0 {
		var n int64
		if err := tx.Model(&Channel{}).Where("organization_id = ? AND id IN ?", orgID, r.ChannelIDs).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(r.ChannelIDs) {
			return ErrChannelNotFound
		}
	}
	if len(r.ScopeAgentIDs) > 0 {
		var n int64
		if err := tx.Model(&Agent{}).Where("organization_id = ? AND id IN ?", orgID, r.ScopeAgentIDs).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(r.ScopeAgentIDs) {
			return ErrAgentNotFound
		}
	}
	return nil
}

// ListAlertRules lists an organization's rules, oldest first.
func (s *Store) ListAlertRules(ctx context.Context, orgID string) ([]AlertRule, error) {
	var out []AlertRule
	if err := s.db.WithContext(ctx).Where("organization_id = ?", orgID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list alert rules: %w", err)
	}
	return out, nil
}

// GetAlertRule loads one rule of the organization.
func (s *Store) GetAlertRule(ctx context.Context, orgID, id string) (AlertRule, error) {
	var r AlertRule
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&r).Error; err != nil {
		return AlertRule{}, fmt.Errorf("store: get alert rule %s: %w", id, notFound(err))
	}
	return r, nil
}

// DeleteAlertRule removes a rule and its alert history.
func (s *Store) DeleteAlertRule(ctx context.Context, orgID, id string) error {
	err := s.change(ctx, orgID, "alert_rule.delete", "alert_rule", nil, func(tx *gorm.DB) (string, error) {
		return id, affected(tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&AlertRule{}))
	})
	if err != nil {
		return fmt.Errorf("store: delete alert rule %s: %w", id, err)
	}
	return nil
}
