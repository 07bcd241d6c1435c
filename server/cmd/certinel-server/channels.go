package main

import (
	"fmt"
	"log/slog"
	"time"

	"certinel.dev/server/internal/config"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/discord"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/notify/email/orgrelays"
	"certinel.dev/server/internal/notify/googlechat"
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/notify/mattermost"
	"certinel.dev/server/internal/notify/ntfy"
	"certinel.dev/server/internal/notify/opsgenie"
	"certinel.dev/server/internal/notify/pagerduty"
	"certinel.dev/server/internal/notify/teams"
	"certinel.dev/server/internal/notify/telegram"
	"certinel.dev/server/internal/notify/templatehook"
	"certinel.dev/server/internal/notify/webhook"
	"certinel.dev/server/internal/store"
)

// channelTimeout bounds one HTTP delivery.
const channelTimeout = 15 * time.Second

// channelTypes builds the registry of the alert channel types this server offers. A new
// type is one line here. It also returns the SMTP relay for the server's own mails
// (password resets, invitations), nil when none is configured.
//
// Email channels of an organization whose owner set its own SMTP relay (stored in st)
// go through that relay, dialled through the guard.
func channelTypes(cfg config.Config, st *store.Store, guard *netguard.Guard, log *slog.Logger) (*notify.Registry, notify.Sender, error) {
	relay := email.Config{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username,
		Password: cfg.SMTP.Password, TLS: cfg.SMTP.TLS, From: cfg.SMTP.From}
	server := email.New(relay)
	var mailer notify.Sender = server
	if !server.Available() {
		log.Warn("the server has no SMTP relay (CERTINEL_SMTP_HOST is not set): email alerts go out only for organizations that set their own")
		mailer = nil
	} else if err := relay.Validate(); err != nil {
		return nil, nil, fmt.Errorf("CERTINEL_SMTP_*: %w", err)
	}
	mail := server.WithOrganizationRelays(orgrelays.Store(st), guard.DialContext)
	// One client for every HTTP provider: it dials through the guard and pools connections.
	client, check := guard.HTTPClient(channelTimeout), httppost.GuardHost(guard, nil)
	post := httppost.New(client)
	// Providers whose config names a URL get the SSRF answer when a channel is saved.
	checked := func(p notify.Provider) notify.Provider { return httppost.Checked(p, check) }
	r, err := notify.NewRegistry(
		mail,
		webhook.New(client, check, nil),
		checked(templatehook.New(post)),
		pagerduty.New(post),
		opsgenie.New(post),
		checked(teams.New(post)),
		checked(discord.New(post)),
		telegram.New(post),
		checked(mattermost.New(post)),
		checked(googlechat.New(post)),
		checked(ntfy.New(post)),
	)
	return r, mailer, err
}
