// Package templatehook posts alerts to any HTTP endpoint in a body the customer writes
// as a Go text/template over the message (see Data), for receivers that expect their
// own JSON shape.
package templatehook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type template webhooks are stored under.
const Type = "webhook_template"

const label = "Webhook (custom body)"

// Content types a body may be sent as.
const (
	ContentJSON = "application/json"
	ContentText = "text/plain"
)

var _ notify.Provider = (*Provider)(nil)

// Provider delivers template webhooks.
type Provider struct {
	client *httppost.Client
}

// New returns the provider; c must dial through the SSRF guard.
func New(c *httppost.Client) *Provider {
	return &Provider{client: c}
}

// Config is a template webhook's config as stored.
type Config struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
}

// parseConfig decodes and checks a stored config and parses its template.
func parseConfig(raw json.RawMessage) (Config, *templateBody, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, "webhook template"); err != nil {
		return Config{}, nil, err
	}
	if err := notify.CheckURL("url", c.URL); err != nil {
		return Config{}, nil, err
	}
	if c.ContentType == "" {
		c.ContentType = ContentJSON
	}
	if err := notify.CheckOption("content_type", c.ContentType, ContentJSON, ContentText); err != nil {
		return Config{}, nil, err
	}
	t, err := parseBody(c.Body)
	if err != nil {
		return Config{}, nil, &notify.ConfigError{Field: "body", Message: err.Error()}
	}
	return c, &templateBody{t: t, json: c.ContentType == ContentJSON}, nil
}

// Validate checks a config sent by a customer, runs its template over a sample alert
// and a sample digest, and returns the config normalised.
func (p *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	c, body, err := parseConfig(raw)
	if err != nil {
		return nil, err
	}
	for _, msg := range samples() {
		if _, err := body.render(msg); err != nil {
			return nil, &notify.ConfigError{Field: "body", Message: err.Error()}
		}
	}
	return notify.EncodeConfig(c, label)
}

// Describe names the type and its fields for the dashboard's form.
func (p *Provider) Describe() notify.Description {
	return notify.Description{
		Type:  Type,
		Label: label,
		Fields: []notify.ConfigField{
			{Name: "url", Label: "URL", Kind: notify.FieldSecret, Required: true, Placeholder: "https://alerts.example.com/hooks/certinel",
				Help: "Where the body is POSTed. Kept secret, as such URLs often carry a token."},
			{Name: "content_type", Label: "Content type", Kind: notify.FieldSelect, Options: []string{ContentJSON, ContentText}, Default: ContentJSON},
			{Name: "body", Label: "Body template", Kind: notify.FieldTextarea, Required: true,
				Placeholder: `{"text": {{json .Subject}}, "severity": {{json .Event.severity}}}`,
				Help: "A Go text/template. It sees .Subject, .Text, .Digest, .Event (the first event) and .Events; " +
					"each event has the fields of Certinel's webhook JSON (.type, .domain.host, .days_left…) and severity, alert_key, headline, dashboard_url. " +
					"{{json X}} writes X as JSON. Checked against a sample alert when saved; at most 64 KiB of output."},
		},
	}
}

// Send posts msg, rendered through the channel's template, in one request.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cfg, body, err := parseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook template: channel %s: %w", ch.ID, err))
	}
	out, err := body.render(msg)
	if err != nil {
		// The same message renders the same way on every retry.
		return notify.Permanent(fmt.Errorf("webhook template: channel %s: body template %w", ch.ID, err))
	}
	contentType := cfg.ContentType
	if contentType == ContentText {
		contentType += "; charset=utf-8"
	}
	req := httppost.Request{
		URL:    cfg.URL,
		Header: http.Header{"Content-Type": {contentType}},
		Raw:    out,
		Where:  "webhook " + httppost.Redact(cfg.URL),
	}
	if _, err := p.client.Post(ctx, req); err != nil {
		return fmt.Errorf("webhook template: channel %s: %w", ch.ID, err)
	}
	return nil
}
