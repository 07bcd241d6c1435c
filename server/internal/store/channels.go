package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ChannelEmail is the email channel type: the store makes each owner's default
// channel of it, and knows its config holds no credentials. Every other type is named
// by its provider (notify's registry).
const ChannelEmail = "email"

// Channel is where alerts go: an email list or a webhook.
type Channel struct {
	ID             string
	OrganizationID string
	Name           string
	Type           string
	// Config is the type's JSON settings (recipients, or url and secret).
	// It is sealed in the database (see channel_secrets.go) and plain here.
	Config string
	// Digest groups the alerts waiting for this channel into one message.
	Digest bool
	// ConfigErr, from ChannelsByID only, says why Config could not be
	// opened (a key missing on this server), so that one such channel fails
	// its own deliveries instead of every delivery of the batch.
	ConfigErr error `gorm:"-"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CreateChannel stores a channel.
func (s *Store) CreateChannel(ctx context.Context, orgID string, ch Channel) (Channel, error) {
	now := s.now()
	ch.ID, ch.OrganizationID, ch.CreatedAt, ch.UpdatedAt = NewID(), orgID, now, now
	row, err := s.sealChannel(ch)
	if err != nil {
		return Channel{}, fmt.Errorf("store: create channel: %w", err)
	}
	err = s.change(ctx, orgID, "channel.create", "channel", map[string]string{"name": ch.Name, "type": ch.Type}, func(tx *gorm.DB) (string, error) {
		return ch.ID, tx.Create(&row).Error
	})
	if err != nil {
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
	for i := range out {
		if err := s.openChannel(&out[i]); err != nil {
			return nil, fmt.Errorf("store: list channels: %w", err)
		}
	}
	return out, nil
}

// GetChannel loads one channel of the organization.
func (s *Store) GetChannel(ctx context.Context, orgID, id string) (Channel, error) {
	var ch Channel
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&ch).Error; err != nil {
		return Channel{}, fmt.Errorf("store: get channel %s: %w", id, notFound(err))
	}
	if err := s.openChannel(&ch); err != nil {
		return Channel{}, fmt.Errorf("store: get channel %s: %w", id, err)
	}
	return ch, nil
}

// UpdateChannel saves a channel's name, config and digest option.
func (s *Store) UpdateChannel(ctx context.Context, orgID string, ch Channel) (Channel, error) {
	ch.UpdatedAt = s.now()
	ch.OrganizationID = orgID
	row, err := s.sealChannel(ch)
	if err != nil {
		return Channel{}, fmt.Errorf("store: update channel %s: %w", ch.ID, err)
	}
	err = s.change(ctx, orgID, "channel.update", "channel", map[string]string{"name": ch.Name}, func(tx *gorm.DB) (string, error) {
		return ch.ID, affected(tx.Model(&Channel{}).Where("organization_id = ? AND id = ?", orgID, ch.ID).
			Updates(map[string]any{"name": ch.Name, "config": row.Config, "digest": ch.Digest, "updated_at": ch.UpdatedAt}))
	})
	if err != nil {
		return Channel{}, fmt.Errorf("store: update channel %s: %w", ch.ID, err)
	}
	return s.GetChannel(ctx, orgID, ch.ID)
}

// DeleteChannel removes a channel; rules keep working with their other channels.
func (s *Store) DeleteChannel(ctx context.Context, orgID, id string) error {
	err := s.change(ctx, orgID, "channel.delete", "channel", nil, func(tx *gorm.DB) (string, error) {
		return id, affected(tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&Channel{}))
	})
	if err != nil {
		return fmt.Errorf("store: delete channel %s: %w", id, err)
	}
	return nil
}

// ChannelTypes returns the organization and type of channels of any
// organization by ID, without their settings: alert evaluation asks which
// of the channels it routes to can deliver at all.
func (s *Store) ChannelTypes(ctx context.Context, ids []string) (map[string]Channel, error) {
	out := make(map[string]Channel, len(ids))
	for start := 0; start < len(ids); start += observationBatch {
		var list []Channel
		chunk := ids[start:min(start+observationBatch, len(ids))]
		if err := s.db.WithContext(ctx).Select("id", "organization_id", "type").Where("id IN ?", chunk).Find(&list).Error; err != nil {
			return nil, fmt.Errorf("store: channel types: %w", err)
		}
		for _, c := range list {
			out[c.ID] = c
		}
	}
	return out, nil
}

// ChannelsByID loads channels of any organization by ID, for delivery; a
// channel whose config does not open comes with ConfigErr set. A read, so
// retried freely when its connection broke: the rows it is for are claimed
// already and would otherwise wait for their lease.
func (s *Store) ChannelsByID(ctx context.Context, ids []string) (map[string]Channel, error) {
	var list []Channel
	err := s.retryBroken(ctx, func(db *gorm.DB) error {
		list = nil
		return db.Where("id IN ?", ids).Find(&list).Error
	})
	if err != nil {
		return nil, fmt.Errorf("store: channels by id: %w", err)
	}
	out := make(map[string]Channel, len(list))
	for _, c := range list {
		if err := s.openChannel(&c); err != nil {
			c.Config, c.ConfigErr = "", fmt.Errorf("store: %w", err)
		}
		out[c.ID] = c
	}
	return out, nil
}
