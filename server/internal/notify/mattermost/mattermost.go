// Package mattermost delivers alerts to a Mattermost channel through an incoming
// webhook, one message attachment per event.
package mattermost

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type.
const Type = "mattermost"

const maxUsername = 64

// Provider sends to Mattermost incoming webhooks.
type Provider struct {
	post *httppost.Client
}

var _ notify.Provider = (*Provider)(nil)

// New returns the provider; c must dial through the SSRF guard on a hosted install.
func New(c *httppost.Client) *Provider { return &Provider{post: c} }

// Config is a Mattermost channel's config as stored.
type Config struct {
	URL      string `json:"url"`
	Username string `json:"username,omitempty"`
	IconURL  string `json:"icon_url,omitempty"`
}

// Describe implements notify.Provider.
func (p *Provider) Describe() notify.Description {
	return notify.Description{Type: Type, Label: "Mattermost", Fields: []notify.ConfigField{
		{
			Name: "url", Label: "Incoming webhook URL", Kind: notify.FieldSecret, Required: true,
			Placeholder: "https://mattermost.example.com/hooks/xxxxxxxxxxxxxxxxxxxxxxxxxx",
			Help:        "Integrations → Incoming Webhooks → Add Incoming Webhook. The URL is the credential: stored encrypted, never shown again.",
		},
		{
			Name: "username", Label: "Post as", Kind: notify.FieldText, Placeholder: "Certinel",
			Help: "Shown as the author when the server allows integrations to override user names.",
		},
		{
			Name: "icon_url", Label: "Icon URL", Kind: notify.FieldURL, Placeholder: "https://…/certinel.png",
			Help: "Shown as the author's picture when the server allows integrations to override profile pictures.",
		},
	}}
}

// Validate implements notify.Provider.
func (p *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	c, err := parseConfig(raw)
	if err != nil {
		return nil, err
	}
	return notify.EncodeConfig(c, "mattermost")
}

func parseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, "Mattermost"); err != nil {
		return Config{}, err
	}
	c.URL, c.Username, c.IconURL = strings.TrimSpace(c.URL), strings.TrimSpace(c.Username), strings.TrimSpace(c.IconURL)
	if _, err := notify.ParseURL("url", c.URL, true); err != nil {
		return Config{}, err
	}
	if utf8.RuneCountInString(c.Username) > maxUsername || strings.ContainsFunc(c.Username, func(r rune) bool { return r < ' ' }) {
		return Config{}, &notify.ConfigError{Field: "username", Message: fmt.Sprintf("must be one line of at most %d characters", maxUsername)}
	}
	if c.IconURL != "" {
		if _, err := notify.ParseURL("icon_url", c.IconURL, true); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

// Send implements notify.Sender.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	c, err := parseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("mattermost: channel %s: %w", ch.ID, err))
	}
	body := newPayload(msg)
	body.Username, body.IconURL = c.Username, c.IconURL
	_, err = p.post.Post(ctx, httppost.Request{URL: c.URL, Body: body, Where: "Mattermost"})
	return err
}
