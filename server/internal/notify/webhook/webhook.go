package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the webhook channel type's name, stored in channels.type.
const Type = "webhook"

const userAgent = "Certinel-Webhook/1"

var _ notify.Provider = (*Provider)(nil)

// Provider posts messages to webhook channels, signed when the channel has a secret.
type Provider struct {
	post  *httppost.Client
	check httppost.CheckHost
	now   func() time.Time
}

// New returns the webhook provider. client must refuse private addresses for a hosted
// install (netguard.Guard.HTTPClient); check vets a URL's host when a channel is saved
// (nil checks nothing). now is the clock for the signature timestamp; nil means time.Now.
func New(client *http.Client, check httppost.CheckHost, now func() time.Time) *Provider {
	if now == nil {
		now = time.Now
	}
	return &Provider{post: httppost.New(client), check: check, now: now}
}

// Describe names the webhook's config fields for the dashboard's form.
func (p *Provider) Describe() notify.Description {
	return notify.Description{Type: Type, Label: "Webhook", Fields: []notify.ConfigField{
		{Name: "url", Label: "URL", Kind: notify.FieldURL, Required: true, Placeholder: "https://hooks.example.com/certinel",
			Help: "Receives a POST for every alert. A Slack incoming-webhook URL works with the Slack format."},
		{Name: "secret", Label: "Signing secret", Kind: notify.FieldSecret,
			Help: "Signs each request (X-Certinel-Signature and Standard Webhooks headers) so the receiver can verify it."},
		{Name: "format", Label: "Format", Kind: notify.FieldSelect, Options: []string{FormatJSON, FormatSlack}, Default: FormatJSON,
			Help: "json: Certinel's documented schema; slack: a Slack Block Kit message."},
	}}
}

// Validate checks a config sent by a customer and returns it normalised.
func (p *Provider) Validate(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	return ValidateConfig(ctx, raw, p.check)
}

// Send posts msg to the channel's URL. 2xx is delivered; 408, 429, 5xx, network errors
// and timeouts are retryable errors; anything else is permanent (see httppost).
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cfg, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: channel %s: %w", ch.ID, err))
	}
	now := p.now()
	body, err := encode(cfg.Format, msg, now)
	if err != nil {
		return fmt.Errorf("webhook: channel %s: %w", ch.ID, err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	id := notify.DeliveryID(ch, msg)
	h := http.Header{}
	h.Set("User-Agent", userAgent)
	h.Set("X-Certinel-Event", msg.Events[0].ID)
	h.Set("X-Certinel-Timestamp", ts)
	// Lower-case names as the standard writes them; Go sends them canonicalised, and
	// header names are case-insensitive.
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", ts)
	if cfg.Secret != "" {
		h.Set("X-Certinel-Signature", Signature(cfg.Secret, now.Unix(), body))
		h.Set("webhook-signature", StandardSignature(cfg.Secret, id, now.Unix(), body))
	}
	_, err = p.post.Post(ctx, httppost.Request{URL: cfg.URL, Header: h, Raw: body,
		Where: "webhook: channel " + ch.ID + ": POST " + httppost.Redact(cfg.URL)})
	return err
}

func encode(format string, msg notify.Message, now time.Time) ([]byte, error) {
	var v any = newPayload(msg, now)
	if format == FormatSlack {
		v = newSlackPayload(msg)
	}
	b, err := httppost.Encode(v)
	if err != nil {
		return nil, fmt.Errorf("%s payload: %w", format, err)
	}
	return b, nil
}
