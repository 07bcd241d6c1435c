// Package email delivers alerts by SMTP, with a plain-text body and an HTML alternative.
package email

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
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

// Config is an SMTP relay: the server's own (CERTINEL_SMTP_*), or one an organization's
// owner set for its email channels. Without Host there is none (see New).
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
	// Dial connects to the relay; nil is a plain net.Dialer. An organization's relay is a
	// customer-given host, so it is dialled through the SSRF guard.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// maxHostBytes is the longest DNS name.
const maxHostBytes = 253

// Validate reports the first setting that would make every send fail, for main to
// refuse to start rather than fail every alert later, and for the API to point at the
// wrong field of an organization's relay: the error is a *notify.ConfigError whose Field
// is host, port, tls or from.
func (c Config) Validate() error {
	switch {
	case c.Host == "":
		return &notify.ConfigError{Field: "host", Message: "SMTP host is required"}
	case len(c.Host) > maxHostBytes || strings.ContainsAny(c.Host, " \t\r\n/@"):
		return &notify.ConfigError{Field: "host", Message: fmt.Sprintf("SMTP host %q is not a host name or IP address", c.Host)}
	case c.Port < 0 || c.Port > 65535:
		return &notify.ConfigError{Field: "port", Message: fmt.Sprintf("SMTP port %d is out of range", c.Port)}
	case c.TLS != TLSNone && c.TLS != TLSStartTLS && c.TLS != TLSImplicit:
		return &notify.ConfigError{Field: "tls", Message: fmt.Sprintf("SMTP TLS mode %q is not one of %q, %q, %q", c.TLS, TLSNone, TLSStartTLS, TLSImplicit)}
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return &notify.ConfigError{Field: "from", Message: fmt.Sprintf("from address %q is not an email address", c.From)}
	}
	return nil
}

var defaultPorts = map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}

// withDefaults fills the port the TLS mode implies and the timeout.
func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Port == 0 {
		c.Port = defaultPorts[c.TLS]
	}
	return c
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
		addr, err := BareAddress(r)
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

// BareAddress accepts "name@example.com" only: a display name or a list would let one
// entry hide several mailboxes, and the address is what customers expect to see.
func BareAddress(s string) (string, error) {
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
