package alerts

import (
	"context"
	"slices"

	"certinel.dev/server/internal/store"
)

// Deliverability tells whether an organization's channels of a type can
// deliver at all (notify.Registry implements it).
type Deliverability interface {
	// UnavailableFor says why they cannot, or "" when they may.
	UnavailableFor(ctx context.Context, orgID, channelType string) (string, error)
}

// markUndeliverable notes, on each notification, the channels that cannot
// deliver at all, such as email in an organization with no SMTP relay: the
// store records those messages failed with the reason instead of queueing
// them for a send that is bound to fail. Without this, every organization
// still on its default email channel costs the outbox a claim, a send and
// a settlement per message. A channel whose deliverability cannot be told
// now (the database) is queued as usual: the outbox decides when it sends.
func (e *Evaluator) markUndeliverable(ctx context.Context, ev *store.Evaluation) {
	if e.Channels == nil || len(ev.Notifications) == 0 {
		return
	}
	var ids []string
	for _, n := range ev.Notifications {
		ids = append(ids, n.ChannelIDs...)
	}
	slices.Sort(ids)
	channels, err := e.store.ChannelTypes(ctx, slices.Compact(ids))
	if err != nil {
		e.log.Warn("channel types unread, every notification queued", "err", err)
		return
	}
	type orgType struct{ org, typ string }
	why := make(map[orgType]string)
	for i, n := range ev.Notifications {
		for _, id := range n.ChannelIDs {
			ch, ok := channels[id]
			if !ok || ch.OrganizationID != n.OrganizationID {
				continue // deleted meanwhile: the outbox tells it
			}
			k := orgType{n.OrganizationID, ch.Type}
			reason, seen := why[k]
			if !seen {
				if reason, err = e.Channels.UnavailableFor(ctx, k.org, k.typ); err != nil {
					e.log.Warn("channel deliverability unknown, notification queued", "organization", k.org,
						"type", k.typ, "err", err)
				}
				why[k] = reason
			}
			if reason == "" {
				continue
			}
			if ev.Notifications[i].Undeliverable == nil {
				ev.Notifications[i].Undeliverable = make(map[string]string)
			}
			ev.Notifications[i].Undeliverable[id] = reason
		}
	}
}
