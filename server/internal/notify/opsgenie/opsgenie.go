// Package opsgenie creates Opsgenie alerts through the Alert API v2 and closes them when
// the problem is resolved. The alert's alias is the problem's notify.AlertKey, so
// reminders add to the open alert and the resolution closes it.
package opsgenie

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type Opsgenie channels are stored under.
const Type = "opsgenie"

const label = "Opsgenie"

var (
	_ notify.Provider = (*Provider)(nil)
	_ notify.Tester   = (*Provider)(nil)
)

// Provider delivers to Opsgenie.
type Provider struct {
	client *httppost.Client
}

// New returns the provider; c must dial through the SSRF guard.
func New(c *httppost.Client) *Provider {
	return &Provider{client: c}
}

// Send creates an alert for each event of msg, one request each, and closes the alert
// of each resolution. A test event is created and closed at once.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	return p.send(ctx, ch, msg, false)
}

// Test creates an alert for each event of msg and closes it at once, so a test leaves
// no open alert behind.
func (p *Provider) Test(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	return p.send(ctx, ch, msg, true)
}

func (p *Provider) send(ctx context.Context, ch notify.Channel, msg notify.Message, test bool) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cfg, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("opsgenie: channel %s: %w", ch.ID, err))
	}
	base := regionHosts[cfg.Region]
	header := http.Header{"Authorization": {"GenieKey " + cfg.APIKey}}
	for _, e := range msg.Events {
		alias := notify.AlertKey(e)
		closeReq := httppost.Request{
			URL:    base + "/v2/alerts/" + url.PathEscape(alias) + "/close?identifierType=alias",
			Header: header, Body: newClose(e), Where: label,
		}
		reqs := []httppost.Request{closeReq}
		if e.Type != notify.TypeResolved {
			create := httppost.Request{URL: base + "/v2/alerts", Header: header, Body: newAlert(e), Where: label}
			reqs = []httppost.Request{create}
			if test || e.Type == notify.TypeTest {
				reqs = append(reqs, closeReq)
			}
		}
		for _, r := range reqs {
			if _, err := p.client.Post(ctx, r); err != nil {
				return fmt.Errorf("opsgenie: channel %s: event %s: %w", ch.ID, e.ID, err)
			}
		}
	}
	return nil
}
