// Package webhook delivers alerts as signed HTTP POST requests, in Certinel's own JSON
// schema or as a Slack incoming-webhook payload.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Formats of the request body.
const (
	FormatJSON  = "json"  // Payload, see payload.go
	FormatSlack = "slack" // Slack incoming webhooks (and compatibles such as Mattermost)
)

const (
	maxURLLength    = 2048
	maxSecretLength = 256
)

// Config is a webhook channel's config as stored.
type Config struct {
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
	Format string `json:"format"`
}

// ParseConfig decodes and checks a stored config. Unknown fields are refused so a typo
// ("secert") is not silently ignored.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, &notify.ConfigError{Message: "config is not a valid webhook config: " + jsonProblem(err)}
	}
	if dec.More() {
		return Config{}, &notify.ConfigError{Message: "config has data after the JSON object"}
	}
	c.URL = strings.TrimSpace(c.URL)
	if c.Format == "" {
		c.Format = FormatJSON
	}
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// ValidateConfig checks a config sent by a customer and returns it normalised (default
// format filled in, URL trimmed). With a non-nil check, the URL's host is also vetted.
func ValidateConfig(ctx context.Context, raw json.RawMessage, check httppost.CheckHost) (json.RawMessage, error) {
	c, err := ParseConfig(raw)
	if err != nil {
		return nil, err
	}
	if check != nil {
		u, _ := url.Parse(c.URL) // parsed in validate already
		if err := check(ctx, u.Hostname()); err != nil {
			return nil, &notify.ConfigError{Field: "url", Message: err.Error()}
		}
	}
	out, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("webhook: encode config: %w", err)
	}
	return out, nil
}

func (c Config) validate() error {
	if err := checkURL(c.URL); err != nil {
		return &notify.ConfigError{Field: "url", Message: err.Error()}
	}
	if len(c.Secret) > maxSecretLength {
		return &notify.ConfigError{Field: "secret", Message: fmt.Sprintf("must be at most %d characters", maxSecretLength)}
	}
	if c.Format != FormatJSON && c.Format != FormatSlack {
		return &notify.ConfigError{Field: "format", Message: fmt.Sprintf("%q is not one of %q, %q", c.Format, FormatJSON, FormatSlack)}
	}
	return nil
}

func checkURL(s string) error {
	switch {
	case s == "":
		return errors.New("is required")
	case len(s) > maxURLLength:
		return fmt.Errorf("must be at most %d characters", maxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a valid URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an absolute http:// or https:// URL")
	case u.User != nil:
		// Credentials in the URL would be shown wherever the URL is; use the secret.
		return errors.New("must not contain a user name or password")
	case u.Hostname() == "":
		return errors.New("must name a host")
	}
	return nil
}

// jsonProblem describes a decoding error without echoing the input, which may hold the
// secret.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("%s must be a %s", typeErr.Field, typeErr.Type)
	}
	if strings.HasPrefix(err.Error(), "json: unknown field") {
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed JSON"
}
