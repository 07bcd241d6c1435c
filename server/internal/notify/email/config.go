// Package email delivers alerts by SMTP, with a plain-text body and an HTML alternative.
package email

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"certinel.dev/server/internal/notify"
)

// TLS modes of the SMTP connection (CERTINEL_SMTP_TLS).
const (
	TLSNone     = "none"     // plain SMTP; credentials are then never sent (see Send)
	TLSStartTLS = "starttls" // STARTTLS is required: a server without it is an error
	TLSImplicit = "tls"      // TLS from the first byte ("SMTPS", usually port 465)
)

// DefaultTimeout bounds one whole delivery: connecting, TLS, authentication and sending.
const DefaultTimeout = 30 * time.Second

// Config is the server-wide SMTP relay every email channel sends through; without Host
// there is none (see New).
type Config struct {
	Host     string
	Port     int // 0: 25, 587 or 465 by TLS mode
	Username string
	Password string
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	From     string // the From of every alert: "alerts@example.com" or "Certinel <alerts@example.com>"
	// RootCAs verifies the relay's certificate; nil means the system roots.
	RootCAs *x509.CertPool
	// Timeout bounds one delivery; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Validate reports the first setting that would make every send fail, for main to
// refuse to start rather than fail every alert later.
func (c Config) Validate() error {
	switch {
	case c.Host == "":
		return errors.New("email: SMTP host is required")
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("email: SMTP port %d is out of range", c.Port)
	case c.TLS != TLSNone && c.TLS != TLSStartTLS && c.TLS != TLSImplicit:
		return fmt.Errorf("email: SMTP TLS mode %q is not one of %q, %q, %q", c.TLS, TLSNone, TLSStartTLS, TLSImplicit)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("email: from address %q is not an email address", c.From)
	}
	return nil
}

// Recipient limits: at least one to be useful, a cap so one channel cannot turn the
// relay into a mass mailer.
const (
	MaxRecipients   = 50
	maxAddressBytes = 254 // RFC 5321 path limit
)

// ChannelConfig is an email channel's config as stored.
type ChannelConfig struct {
	Recipients []string `json:"recipients"`
}

// ParseConfig decodes and checks a stored channel config.
func ParseConfig(raw json.RawMessage) (ChannelConfig, error) {
	var c ChannelConfig
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() {
		return ChannelConfig{}, &notify.ConfigError{Message: `config must be {"recipients": ["name@example.com", ...]}`}
	}
	switch {
	case len(c.Recipients) == 0:
		return ChannelConfig{}, &notify.ConfigError{Field: "recipients", Message: "at least one recipient is required"}
	case len(c.Recipients) > MaxRecipients:
		return ChannelConfig{}, &notify.ConfigError{Field: "recipients", Message: fmt.Sprintf("at most %d recipients are allowed", MaxRecipients)}
	}
	seen := make(map[string]bool, len(c.Recipients))
	out := c.Recipients[:0]
	for i, r := range c.Recipients {
		addr, err := bareAddress(r)
		if err != nil {
			return ChannelConfig{}, &notify.ConfigError{Field: fmt.Sprintf("recipients[%d]", i), Message: err.Error()}
		}
		// Mailboxes are case-insensitive in practice; one alert per person is enough.
		if key := strings.ToLower(addr); !seen[key] {
			seen[key] = true
			out = append(out, addr)
		}
	}
	c.Recipients = out
	return c, nil
}

// ValidateConfig checks a config sent by a customer and returns it normalised: spaces
// trimmed, duplicates dropped.
func ValidateConfig(raw json.RawMessage) (json.RawMessage, error) {
	c, err := ParseConfig(raw)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("email: encode config: %w", err)
	}
	return out, nil
}

// bareAddress accepts "name@example.com" only: a display name or a list would let one
// entry hide several mailboxes, and the address is what customers expect to see.
func bareAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxAddressBytes {
		return "", fmt.Errorf("is longer than %d characters", maxAddressBytes)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", fmt.Errorf("%q is not an email address", s)
	}
	return s, nil
}
