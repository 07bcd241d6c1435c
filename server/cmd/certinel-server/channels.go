package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"certinel.dev/server/internal/config"
	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/notify/webhook"
	"certinel.dev/server/internal/store"
)

// webhookTimeout bounds one webhook delivery.
const webhookTimeout = 15 * time.Second

// channelTypes builds the alert channel types this server offers.
func channelTypes(cfg config.Config, guard *netguard.Guard, log *slog.Logger) (map[string]httpapi.ChannelType, error) {
	mail := email.Config{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username,
		Password: cfg.SMTP.Password, TLS: cfg.SMTP.TLS, From: cfg.SMTP.From}
	var mailer notify.Sender = email.New(mail)
	if cfg.SMTP.Host == "" {
		log.Warn("email alerts cannot be sent: CERTINEL_SMTP_HOST is not set")
		mailer = noSMTP{}
	} else if err := mail.Validate(); err != nil {
		return nil, err
	}
	checkHost := webhook.GuardHost(guard, nil)
	return map[string]httpapi.ChannelType{
		store.ChannelEmail: {
			Validate: func(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
				return email.ValidateConfig(raw)
			},
			Sender: mailer,
		},
		store.ChannelWebhook: {
			Validate: func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
				return webhook.ValidateConfig(ctx, raw, checkHost)
			},
			Sender: webhook.New(guard.HTTPClient(webhookTimeout), nil),
		},
	}, nil
}

// mailer is the sender of the server's own mails to people (password
// reset links): the email channel's, when an SMTP relay is configured.
func mailer(cfg config.Config, types map[string]httpapi.ChannelType) notify.Sender {
	if cfg.SMTP.Host == "" {
		return nil
	}
	return types[store.ChannelEmail].Sender
}

func senders(types map[string]httpapi.ChannelType) map[string]notify.Sender {
	out := make(map[string]notify.Sender, len(types))
	for name, t := range types {
		out[name] = t.Sender
	}
	return out
}

// noSMTP stands in for the mailer when no relay is configured, so that
// email deliveries fail with a reason an operator can act on.
type noSMTP struct{}

func (noSMTP) Send(context.Context, notify.Channel, notify.Message) error {
	return notify.Permanent(errors.New("this server has no SMTP relay configured (CERTINEL_SMTP_HOST)"))
}
