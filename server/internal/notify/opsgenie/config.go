package opsgenie

import (
	"context"
	"encoding/json"

	"certinel.dev/server/internal/notify"
)

// Regions, for Config.Region: where the Opsgenie account lives.
const (
	RegionUS = "us"
	RegionEU = "eu"
)

var regionHosts = map[string]string{
	RegionUS: "https://api.opsgenie.com",
	RegionEU: "https://api.eu.opsgenie.com",
}

const maxAPIKeyLength = 128

// Config is an Opsgenie channel's config as stored.
type Config struct {
	APIKey string `json:"api_key"`
	Region string `json:"region"`
}

// ParseConfig decodes and checks a stored config, filling in the default region.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, label); err != nil {
		return Config{}, err
	}
	if c.Region == "" {
		c.Region = RegionUS
	}
	if err := notify.CheckOption("region", c.Region, RegionUS, RegionEU); err != nil {
		return Config{}, err
	}
	if err := notify.CheckToken("api_key", c.APIKey, true, maxAPIKeyLength); err != nil {
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
		Hosts: []string{"api.opsgenie.com", "api.eu.opsgenie.com"},
		Type:  Type,
		Label: label,
		Fields: []notify.ConfigField{
			{Name: "api_key", Label: "API key", Kind: notify.FieldSecret, Required: true,
				Placeholder: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
				Help:        "The key of an \"API\" integration in Opsgenie (Settings → Integrations, or a team's integrations), with create and update access."},
			{Name: "region", Label: "Service region", Kind: notify.FieldSelect, Options: []string{RegionUS, RegionEU}, Default: RegionUS,
				Help: "Where your Opsgenie account is hosted: us (api.opsgenie.com) or eu (api.eu.opsgenie.com)."},
		},
	}
}
