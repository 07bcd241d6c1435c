// Package ntfy publishes alerts to an ntfy topic, on ntfy.sh or a self-hosted server.
// It uses ntfy's JSON publishing form (a POST to the server's root naming the topic in
// the body), so titles and messages need no header encoding.
package ntfy

import (
	"context"
	"fmt"
	"net/http"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/safetext"
)

// Type is the channel type ntfy channels are stored under.
const Type = "ntfy"

const label = "ntfy"

// maxMessage keeps a message under ntfy.sh's limit, beyond which it would become an
// attachment.
const maxMessage = 4000

// Priorities of ntfy, 1 (min) to 5 (max).
const (
	priorityDefault = 3
	priorityHigh    = 4
	priorityMax     = 5
)

var _ notify.Provider = (*Provider)(nil)

// Provider delivers to ntfy.
type Provider struct {
	client *httppost.Client
}

// New returns the provider; c must dial through the SSRF guard.
func New(c *httppost.Client) *Provider {
	return &Provider{client: c}
}

// publish is the body of ntfy's JSON publishing form.
type publish struct {
	Topic    string   `json:"topic"`
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	Priority int      `json:"priority"`
	Tags     []string `json:"tags"`
	Click    string   `json:"click,omitempty"`
}

// Send publishes msg as one notification.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cfg, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("ntfy: channel %s: %w", ch.ID, err))
	}
	req := httppost.Request{URL: cfg.Server + "/", Body: newPublish(cfg.Topic, msg), Where: label}
	if cfg.Token != "" {
		req.Header = http.Header{"Authorization": {"Bearer " + cfg.Token}}
	}
	if _, err := p.client.Post(ctx, req); err != nil {
		return fmt.Errorf("ntfy: channel %s: %w", ch.ID, err)
	}
	return nil
}

func newPublish(topic string, msg notify.Message) publish {
	pub := publish{
		Topic:    topic,
		Title:    notify.Subject(msg),
		Message:  safetext.Fit(notify.Text(msg), maxMessage),
		Priority: priorityDefault,
		Tags:     []string{"information_source"},
	}
	if len(msg.Events) == 1 {
		pub.Title = notify.Headline(msg.Events[0])
		pub.Click = notify.DashboardURL(msg.Events[0])
	}
	// The most urgent event sets the priority; resolutions and tests stay at the default
	// priority: nobody needs waking up for good news.
	for _, e := range msg.Events {
		if e.Type == notify.TypeResolved || e.Type == notify.TypeTest {
			continue
		}
		switch notify.SeverityOf(e) {
		case notify.SeverityCritical:
			pub.Priority, pub.Tags = priorityMax, []string{"rotating_light"}
		case notify.SeverityWarning:
			if pub.Priority < priorityHigh {
				pub.Priority, pub.Tags = priorityHigh, []string{"warning"}
			}
		}
	}
	if pub.Priority == priorityDefault && msg.Events[0].Type == notify.TypeResolved {
		pub.Tags = []string{"white_check_mark"}
	}
	return pub
}
