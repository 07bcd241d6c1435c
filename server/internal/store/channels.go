package store

import (
	"context"
	"fmt"
	"time"
)

// Channel types.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Channel is where alerts go: an email list or a webhook.
type Channel struct {
	ID             string
	OrganizationID string
	Name           string
	Type           string
	// Config is the type's JSON settings (recipients, or url and secret).
	Config string
	// Digest groups the alerts waiting for this channel into one message.
	Digest    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CreateChannel stores a channel.
func (s *Store) CreateChannel(ctx context.Context, orgID string, ch Channel) (Channel, error) {
	now := s.now()
	ch.ID, ch.OrganizationID, ch.CreatedAt, ch.UpdatedAt = NewID(), orgID, now, now
	if err := s.db.WithContext(ctx).Create(&ch).Error; err != nil {
		return Channel{}, fmt.Errorf("store: create channel: %w", err)
	}
	return ch, nil
}

// ListChannels lists an organization's channels, oldest first.
func (s *Store) ListChannels(ctx context.Context, orgID string) ([]Channel, error) {
	var out []Channel
	if err := s.db.WithContext(ctx).Where("organization_id = ?", orgID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list channels: %w", err)
	}
	return out, nil
}

// GetChannel loads one channel of the organization.
func (s *Store) GetChannel(ctx context.Context, orgID, id string) (Channel, error) {
	var ch Channel
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&ch).Error; err != nil {
		return Channel{}, fmt.Errorf("store: get channel %s: %w", id, notFound(err))
	}
	return ch, nil
}

// UpdateChannel saves a channel's name, config and digest option.
func (s *Store) UpdateChannel(ctx context.Context, orgID string, ch Channel) (Channel, error) {
	ch.UpdatedAt = s.now()
	res := s.db.WithContext(ctx).Model(&Channel{}).Where("organization_id = ? AND id = ?", orgID, ch.ID).
		Updates(map[string]any{"name": ch.Name, "config": ch.Config, "digest": ch.Digest, "updated_at": ch.UpdatedAt})
	if res.Error != nil {
		return Channel{}, fmt.Errorf("store: update channel %s: %w", ch.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return Channel{}, fmt.Errorf("store: update channel %s: %w", ch.ID, ErrNotFound)
	}
	return s.GetChannel(ctx, orgID, ch.ID)
}

// DeleteChannel removes a channel; rules keep working with their other channels.
func (s *Store) DeleteChannel(ctx context.Context, orgID, id string) error {
	res := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Delete(&Channel{})
	if res.Error != nil {
		return fmt.Errorf("store: delete channel %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: delete channel %s: %w", id, ErrNotFound)
	}
	return nil
}

// ChannelsByID loads channels of any organization by ID, for delivery.
func (s *Store) ChannelsByID(ctx context.Context, ids []string) (map[string]Channel, error) {
	var list []Channel
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: channels by id: %w", err)
	}
	out := make(map[string]Channel, len(list))
	for _, c := range list {
		out[c.ID] = c
	}
	return out, nil
}
