// Package discord delivers alerts to a Discord channel through an incoming webhook, one
// embed per event.
package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type.
const Type = "discord"

// Provider sends to Discord webhooks.
type Provider struct {
	post *httppost.Client
}

var _ notify.Provider = (*Provider)(nil)

// New returns the provider; c must dial through the SSRF guard on a hosted install.
func New(c *httppost.Client) *Provider { return &Provider{post: c} }

// Config is a Discord channel's config as stored.
type Config struct {
	URL string `json:"url"`
}

// Describe implements notify.Provider.
func (p *Provider) Describe() notify.Description {
	return notify.Description{Type: Type, Label: "Discord", Hosts: []string{"discord.com", "discordapp.com"}, Fields: []notify.ConfigField{{
		Name: "url", Label: "Webhook URL", Kind: notify.FieldSecret, Required: true,
		Placeholder: "https://discord.com/api/webhooks/123456789/…",
		Help:        "Channel settings → Integrations → Webhooks → New Webhook → Copy Webhook URL. The URL is the credential: it is stored encrypted and never shown again.",
	}}}
}

// Validate implements notify.Provider.
func (p *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	c, err := parseConfig(raw)
	if err != nil {
		return nil, err
	}
	return notify.EncodeConfig(c, "discord")
}

func parseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, "Discord"); err != nil {
		return Config{}, err
	}
	c.URL = strings.TrimSpace(c.URL)
	if _, err := notify.ParseURL("url", c.URL, true); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Send implements notify.Sender. A digest too large for one Discord message goes as
// several; a failure after the first may repeat the first ones on retry, which is
// better than losing the rest.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	c, err := parseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("discord: channel %s: %w", ch.ID, err))
	}
	for _, body := range payloads(msg) {
		if _, err := p.post.Post(ctx, httppost.Request{URL: c.URL, Body: body, Where: "Discord"}); err != nil {
			return err
		}
	}
	return nil
}
