package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"

	"certinel.dev/server/internal/notify"
)

// Regions, for Config.Region: where the PagerDuty account lives.
const (
	RegionUS = "us"
	RegionEU = "eu"
)

var regionHosts = map[string]string{
	RegionUS: "https://events.pagerduty.com",
	RegionEU: "https://events.eu.pagerduty.com",
}

// routingKeyLength is the length of an Events API v2 integration key.
const routingKeyLength = 32

// Config is a PagerDuty channel's config as stored.
type Config struct {
	RoutingKey string `json:"routing_key"`
	Region     string `json:"region"`
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
	if !isRoutingKey(c.RoutingKey) {
		return Config{}, &notify.ConfigError{Field: "routing_key",
			Message: fmt.Sprintf("must be the %d-character integration key of an Events API v2 integration", routingKeyLength)}
	}
	return c, nil
}

func isRoutingKey(s string) bool {
	if len(s) != routingKeyLength {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
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
		Hosts: []string{"events.pagerduty.com", "events.eu.pagerduty.com"},
		Type:  Type,
		Label: label,
		Fields: []notify.ConfigField{
			{Name: "routing_key", Label: "Integration key", Kind: notify.FieldSecret, Required: true,
				Placeholder: "32 characters",
				Help:        "In PagerDuty, add an \"Events API V2\" integration to the service and copy its integration key (also called routing key)."},
			{Name: "region", Label: "Service region", Kind: notify.FieldSelect, Options: []string{RegionUS, RegionEU}, Default: RegionUS,
				Help: "Where your PagerDuty account is hosted: us (events.pagerduty.com) or eu (events.eu.pagerduty.com)."},
		},
	}
}
