// Package teams posts alerts to Microsoft Teams through a Workflows (Power Automate)
// "When a Teams webhook request is received" flow, as an Adaptive Card. The retired
// Office 365 connectors' MessageCard format is not supported.
package teams

import (
	"context"
	"encoding/json"
	"fmt"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type Teams channels are stored under.
const Type = "teams"

const label = "Microsoft Teams"

var _ notify.Provider = (*Provider)(nil)

// Provider delivers to Teams.
type Provider struct {
	client *httppost.Client
}

// New returns the provider; c must dial through the SSRF guard.
func New(c *httppost.Client) *Provider {
	return &Provider{client: c}
}

// Config is a Teams channel's config as stored. The URL carries the flow's signature,
// so it is a secret.
type Config struct {
	URL string `json:"url"`
}

// ParseConfig decodes and checks a stored config.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, label); err != nil {
		return Config{}, err
	}
	if err := notify.CheckURL("url", c.URL); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate checks a config sent by a customer and returns it normalised.
func (p *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	c, err := ParseConfig(raw)
	if err != nil {
		return nil, err
	}
	return notify.EncodeConfig(c, label)
}

// Describe names the type and its fields for the dashboard's form.
func (p *Provider) Describe() notify.Description {
	return notify.Description{
		Type:  Type,
		Label: label,
		Fields: []notify.ConfigField{
			{Name: "url", Label: "Workflow webhook URL", Kind: notify.FieldSecret, Required: true,
				Placeholder: "https://….logic.azure.com/workflows/…",
				Help: "In the Teams channel, open Workflows and create a flow from the template \"Post to a channel when a webhook request is received\"; " +
					"paste the URL it gives. The URL contains its own signature: keep it secret."},
		},
	}
}

// Send posts msg as one Adaptive Card.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cfg, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("teams: channel %s: %w", ch.ID, err))
	}
	if _, err := p.client.Post(ctx, httppost.Request{URL: cfg.URL, Body: newMessage(msg), Where: label}); err != nil {
		return fmt.Errorf("teams: channel %s: %w", ch.ID, err)
	}
	return nil
}
