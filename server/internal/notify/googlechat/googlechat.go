// Package googlechat delivers alerts to a Google Chat space through its incoming
// webhook, as a card per event.
package googlechat

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type.
const Type = "googlechat"

// defaultOrigin is where every Google Chat webhook lives; refusing any other host keeps
// a channel of this type from posting elsewhere.
const defaultOrigin = "https://chat.googleapis.com"

// Provider sends to Google Chat webhooks.
type Provider struct {
	post   *httppost.Client
	origin string
}

var _ notify.Provider = (*Provider)(nil)

// Option changes a Provider.
type Option func(*Provider)

// WithOrigin accepts webhook URLs of another scheme and host ("http://127.0.0.1:8123"),
// for a test's receiver.
func WithOrigin(origin string) Option {
	return func(p *Provider) { p.origin = strings.TrimSuffix(origin, "/") }
}

// New returns the provider; c must dial through the SSRF guard on a hosted install.
func New(c *httppost.Client, opts ...Option) *Provider {
	p := &Provider{post: c, origin: defaultOrigin}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Config is a Google Chat channel's config as stored.
type Config struct {
	URL string `json:"url"`
}

// Describe implements notify.Provider.
func (p *Provider) Describe() notify.Description {
	return notify.Description{Type: Type, Label: "Google Chat", Hosts: []string{"chat.googleapis.com"}, Fields: []notify.ConfigField{{
		Name: "url", Label: "Webhook URL", Kind: notify.FieldSecret, Required: true,
		Placeholder: "https://chat.googleapis.com/v1/spaces/AAAA…/messages?key=…&token=…",
		Help:        "In the space: Apps & integrations → Webhooks → Add webhook, then copy its URL. Its key and token are the credential: stored encrypted, never shown again.",
	}}}
}

// Validate implements notify.Provider.
func (p *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	c, err := p.parseConfig(raw)
	if err != nil {
		return nil, err
	}
	return notify.EncodeConfig(c, "googlechat")
}

func (p *Provider) parseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, "Google Chat"); err != nil {
		return Config{}, err
	}
	c.URL = strings.TrimSpace(c.URL)
	if err := p.checkURL(c.URL); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (p *Provider) checkURL(s string) error {
	u, err := notify.ParseURL("url", s, true)
	if err != nil {
		return err
	}
	problem := func(msg string) error { return &notify.ConfigError{Field: "url", Message: msg} }
	q := u.Query()
	switch {
	case !strings.EqualFold(u.Scheme+"://"+u.Host, p.origin):
		return problem(fmt.Sprintf("must be a Google Chat webhook URL, starting with %s/", p.origin))
	case !strings.HasPrefix(u.Path, "/v1/spaces/") || !strings.HasSuffix(u.Path, "/messages"):
		return problem("must be a space's webhook URL: /v1/spaces/…/messages")
	case q.Get("key") == "" || q.Get("token") == "":
		return problem("must keep its key and token parameters: copy the whole URL")
	}
	return nil
}

// Send implements notify.Sender.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	c, err := p.parseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("googlechat: channel %s: %w", ch.ID, err))
	}
	_, err = p.post.Post(ctx, httppost.Request{URL: c.URL, Body: newPayload(msg), Where: "Google Chat"})
	return err
}
