package store

import (
	"context"
	"errors"
	"fmt"

	"certinel.dev/server/internal/secret"
)

// A channel's whole config is sealed, not only its "secret" field: the URL
// of a Slack or Teams webhook is itself the credential. The seal is bound to
// the organization and channel IDs, so a config copied onto another row, of
// this tenant or another, does not open.

var errNoKeys = errors.New("no secret key configured")

// sealChannel returns the row to write: ch with its config sealed.
func (s *Store) sealChannel(ch Channel) (Channel, error) {
	if s.keys == nil {
		return Channel{}, errNoKeys
	}
	sealed, err := s.keys.Seal([]byte(ch.Config), ch.OrganizationID, ch.ID)
	if err != nil {
		return Channel{}, fmt.Errorf("seal config: %w", err)
	}
	ch.Config = sealed
	return ch, nil
}

// openChannel replaces the sealed config of a row read from the database by
// its plain JSON.
func (s *Store) openChannel(ch *Channel) error {
	if s.keys == nil {
		return errNoKeys
	}
	plain, err := s.keys.Open(ch.Config, ch.OrganizationID, ch.ID)
	if err != nil {
		return fmt.Errorf("open config of channel %s: %w", ch.ID, err)
	}
	ch.Config = string(plain)
	return nil
}

// HoldsSecrets tells whether the database holds a sealed config, or a plain
// one (from before encryption) that has credentials: anything but an email
// channel's recipients, the agent CA, whose keys are sealed, a user's
// sealed TOTP secret, or an organization's sealed SMTP password. A server without its key must then refuse to start
// rather than make a new key, which could not read them.
func (s *Store) HoldsSecrets(ctx context.Context) (bool, error) {
	var found []string
	err := s.db.WithContext(ctx).Model(&Channel{}).Where("config LIKE ? OR type <> ?", secret.Prefix+"%", ChannelEmail).
		Limit(1).Pluck("id", &found).Error
	if err == nil && len(found) == 0 {
		err = s.db.WithContext(ctx).Model(&AgentCA{}).Limit(1).Pluck("id", &found).Error
	}
	if err == nil && len(found) == 0 {
		err = s.db.WithContext(ctx).Model(&User{}).Where("totp_secret <> ''").Limit(1).Pluck("id", &found).Error
	}
	if err == nil && len(found) == 0 {
		err = s.db.WithContext(ctx).Model(&SMTPRelay{}).Where("password <> ''").Limit(1).Pluck("organization_id", &found).Error
	}
	if err != nil {
		return false, fmt.Errorf("store: look for stored secrets: %w", err)
	}
	return len(found) > 0, nil
}

// sealBatch bounds the rows SealChannels holds at once.
const sealBatch = 500

// SealChannels runs at start-up, once the keys are known. It seals configs
// written in plain text before encryption existed and re-seals those sealed
// with an older key of the keyring, so that a rotated-out key can be dropped.
// Every other config is opened too, so a key missing from the keyring stops
// the start instead of failing deliveries later. It is idempotent: a second
// run changes nothing. It returns how many rows it (re)sealed.
func (s *Store) SealChannels(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, fmt.Errorf("store: seal channels: %w", errNoKeys)
	}
	sealed, after := 0, ""
	for {
		var rows []Channel
		err := s.db.WithContext(ctx).Where("id > ?", after).Order("id").Limit(sealBatch).Find(&rows).Error
		if err != nil {
			return sealed, fmt.Errorf("store: seal channels: %w", err)
		}
		for _, row := range rows {
			done, err := s.resealChannel(ctx, row)
			if err != nil {
				return sealed, fmt.Errorf("store: seal channels: %w", err)
			}
			if done {
				sealed++
			}
		}
		if len(rows) < sealBatch {
			return sealed, nil
		}
		after = rows[len(rows)-1].ID
	}
}

// resealChannel brings one stored row to the current key.
func (s *Store) resealChannel(ctx context.Context, row Channel) (bool, error) {
	stored := row.Config
	if secret.IsSealed(stored) {
		if err := s.openChannel(&row); err != nil {
			return false, err
		}
		if s.keys.SealedWithCurrent(stored) {
			return false, nil
		}
	}
	next, err := s.sealChannel(row)
	if err != nil {
		return false, err
	}
	// Matching on the stored value leaves alone a row that a customer (or
	// another replica's pass) changed meanwhile: it is sealed already.
	res := s.db.WithContext(ctx).Model(&Channel{}).Where("id = ? AND config = ?", row.ID, stored).
		UpdateColumn("config", next.Config) // not a customer change: updated_at stays
	if res.Error != nil {
		return false, fmt.Errorf("reseal channel %s: %w", row.ID, res.Error)
	}
	return res.RowsAffected == 1, nil
}
