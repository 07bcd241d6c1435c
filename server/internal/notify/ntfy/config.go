package ntfy

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"certinel.dev/server/internal/notify"
)

// DefaultServer is the public ntfy server.
const DefaultServer = "https://ntfy.sh"

const maxTokenLength = 256

// topicPattern is the topic names ntfy accepts.
var topicPattern = regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`)

// Config is an ntfy channel's config as stored.
type Config struct {
	Server string `json:"server"`
	Topic  string `json:"topic"`
	Token  string `json:"token,omitempty"`
}

// ParseConfig decodes and checks a stored config, filling in the default server and
// dropping a trailing slash from it.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, label); err != nil {
		return Config{}, err
	}
	c.Server = strings.TrimSuffix(strings.TrimSpace(c.Server), "/")
	if c.Server == "" {
		c.Server = DefaultServer
	}
	if err := notify.CheckURL("server", c.Server); err != nil {
		return Config{}, err
	}
	if u, _ := url.Parse(c.Server); u.RawQuery != "" || u.Fragment != "" {
		return Config{}, &notify.ConfigError{Field: "server", Message: "must be the server's address, without a query"}
	}
	if !topicPattern.MatchString(c.Topic) {
		return Config{}, &notify.ConfigError{Field: "topic", Message: "must be 1 to 64 letters, digits, - or _"}
	}
	if err := notify.CheckToken("token", c.Token, false, maxTokenLength); err != nil {
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
		Hosts: []string{"ntfy.sh"},
		Type:  Type,
		Label: label,
		Fields: []notify.ConfigField{
			{Name: "server", Label: "Server", Kind: notify.FieldURL, Default: DefaultServer, Placeholder: DefaultServer,
				Help: "The ntfy server: ntfy.sh, or the address of your own."},
			{Name: "topic", Label: "Topic", Kind: notify.FieldText, Required: true, Placeholder: "certinel-alerts-7hq2",
				Help: "On a public server anyone who knows the topic can read it: pick a name that is hard to guess, or protect it with an access token."},
			{Name: "token", Label: "Access token", Kind: notify.FieldSecret, Placeholder: "tk_…",
				Help: "Only for a protected topic: an access token of a user allowed to publish to it."},
		},
	}
}
