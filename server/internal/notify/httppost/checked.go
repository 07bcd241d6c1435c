package httppost

import (
	"context"
	"encoding/json"
	"net/url"

	"certinel.dev/server/internal/notify"
)

// Checked gives a provider whose config holds URLs (a webhook, a Teams or Discord URL,
// a self-hosted ntfy server) the early SSRF answer when a channel is saved: every URL
// or secret field whose value is an http(s) URL must have a host check passes, except
// the provider's known public hosts (Description.Hosts). Delivery is guarded anyway.
func Checked(p notify.Provider, check CheckHost) notify.Provider {
	if check == nil {
		return p
	}
	return &checked{Provider: p, check: check.Except(p.Describe().Hosts...)}
}

type checked struct {
	notify.Provider
	check CheckHost
}

var _ notify.Tester = (*checked)(nil)

func (c *checked) Validate(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	out, err := c.Provider.Validate(ctx, raw)
	if err != nil {
		return nil, err
	}
	var values map[string]json.RawMessage
	if err := json.Unmarshal(out, &values); err != nil {
		return out, nil
	}
	for _, f := range c.Describe().Fields {
		if f.Kind != notify.FieldURL && f.Kind != notify.FieldSecret {
			continue
		}
		var s string
		if json.Unmarshal(values[f.Name], &s) != nil {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			continue
		}
		if err := c.check(ctx, u.Hostname()); err != nil {
			return nil, &notify.ConfigError{Field: f.Name, Message: err.Error()}
		}
	}
	return out, nil
}

// Test keeps the wrapped provider's own test, which the registry finds by type assertion.
func (c *checked) Test(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if t, ok := c.Provider.(notify.Tester); ok {
		return t.Test(ctx, ch, msg)
	}
	return c.Provider.Send(ctx, ch, msg)
}
