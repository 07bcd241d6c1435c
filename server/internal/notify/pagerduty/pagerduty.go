// Package pagerduty raises and resolves PagerDuty incidents through the Events API v2:
// each problem triggers an alert whose dedup key is the problem's notify.AlertKey, and
// its resolution resolves that same alert.
package pagerduty

import (
	"context"
	"fmt"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type PagerDuty channels are stored under.
const Type = "pagerduty"

const label = "PagerDuty"

var (
	_ notify.Provider = (*Provider)(nil)
	_ notify.Tester   = (*Provider)(nil)
)

// Provider delivers to PagerDuty.
type Provider struct {
	client *httppost.Client
}

// New returns the provider; c must dial through the SSRF guard.
func New(c *httppost.Client) *Provider {
	return &Provider{client: c}
}

// Send triggers an alert for each event of msg, one request each, and resolves the
// alert of each resolution. A test event triggers and resolves at once, so it leaves no
// open incident behind.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	return p.send(ctx, ch, msg, false)
}

// Test triggers an alert for each event of msg and resolves it at once.
func (p *Provider) Test(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	return p.send(ctx, ch, msg, true)
}

func (p *Provider) send(ctx context.Context, ch notify.Channel, msg notify.Message, test bool) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cfg, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("pagerduty: channel %s: %w", ch.ID, err))
	}
	for _, e := range msg.Events {
		bodies := []enqueue{newEnqueue(cfg.RoutingKey, e)}
		if test || e.Type == notify.TypeTest {
			bodies = append(bodies, resolveOf(cfg.RoutingKey, e))
		}
		for _, b := range bodies {
			if err := p.post(ctx, cfg, b); err != nil {
				return fmt.Errorf("pagerduty: channel %s: %s event %s: %w", ch.ID, b.EventAction, e.ID, err)
			}
		}
	}
	return nil
}

func (p *Provider) post(ctx context.Context, cfg Config, body enqueue) error {
	_, err := p.client.Post(ctx, httppost.Request{URL: regionHosts[cfg.Region] + "/v2/enqueue", Body: body, Where: label})
	return err
}
