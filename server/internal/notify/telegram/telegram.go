// Package telegram delivers alerts through a Telegram bot to a chat, group or channel,
// with the Bot API's sendMessage in HTML mode.
package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// Type is the channel type.
const Type = "telegram"

// defaultBaseURL is the Bot API; the token goes in the path, after "/bot".
const defaultBaseURL = "https://api.telegram.org"

var (
	// A bot token is the bot's numeric ID, a colon and a 35-character secret.
	tokenPattern = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	// A chat is a numeric ID (negative for groups and channels) or a public
	// channel's @username.
	chatPattern = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$`)
)

// Provider sends through the Telegram Bot API.
type Provider struct {
	post    *httppost.Client
	baseURL string
}

var _ notify.Provider = (*Provider)(nil)

// Option changes a Provider.
type Option func(*Provider)

// WithBaseURL sends to another Bot API server: a test's receiver, or a self-hosted
// Bot API server.
func WithBaseURL(u string) Option {
	return func(p *Provider) { p.baseURL = strings.TrimSuffix(u, "/") }
}

// New returns the provider; c must dial through the SSRF guard on a hosted install.
func New(c *httppost.Client, opts ...Option) *Provider {
	p := &Provider{post: c, baseURL: defaultBaseURL}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Config is a Telegram channel's config as stored.
type Config struct {
	BotToken string `json:"bot_token"`
	ChatID   string `json:"chat_id"`
}

// Describe implements notify.Provider.
func (p *Provider) Describe() notify.Description {
	return notify.Description{Type: Type, Label: "Telegram", Hosts: []string{"api.telegram.org"}, Fields: []notify.ConfigField{
		{
			Name: "bot_token", Label: "Bot token", Kind: notify.FieldSecret, Required: true,
			Placeholder: "123456789:AAE…",
			Help:        "The token @BotFather gave when you created the bot. Stored encrypted; never shown again.",
		},
		{
			Name: "chat_id", Label: "Chat ID", Kind: notify.FieldText, Required: true,
			Placeholder: "-1001234567890 or @channelname",
			Help:        "The chat, group or channel the bot posts to; add the bot to it first (as an administrator for a channel).",
		},
	}}
}

// Validate implements notify.Provider.
func (p *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	c, err := parseConfig(raw)
	if err != nil {
		return nil, err
	}
	return notify.EncodeConfig(c, "telegram")
}

// parseConfig never quotes the token in its errors.
func parseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := notify.DecodeConfig(raw, &c, "Telegram"); err != nil {
		return Config{}, err
	}
	c.BotToken, c.ChatID = strings.TrimSpace(c.BotToken), strings.TrimSpace(c.ChatID)
	switch {
	case c.BotToken == "":
		return Config{}, &notify.ConfigError{Field: "bot_token", Message: "is required"}
	case !tokenPattern.MatchString(c.BotToken):
		return Config{}, &notify.ConfigError{Field: "bot_token", Message: "is not a bot token: expected digits, a colon and the secret, as @BotFather gives it"}
	case c.ChatID == "":
		return Config{}, &notify.ConfigError{Field: "chat_id", Message: "is required"}
	case !chatPattern.MatchString(c.ChatID):
		return Config{}, &notify.ConfigError{Field: "chat_id", Message: "must be a numeric chat ID or a public channel's @username"}
	}
	return c, nil
}

// sendMessage is the body of the Bot API's sendMessage.
type sendMessage struct {
	ChatID                string `json:"chat_id"`
	Text                  string `json:"text"`
	ParseMode             string `json:"parse_mode"`
	DisableWebPagePreview bool   `json:"disable_web_page_preview"`
}

// Send implements notify.Sender. Errors name "Telegram", never the URL: its path holds
// the token.
func (p *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	c, err := parseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("telegram: channel %s: %w", ch.ID, err))
	}
	body := sendMessage{ChatID: c.ChatID, Text: render(msg), ParseMode: "HTML", DisableWebPagePreview: true}
	_, err = p.post.Post(ctx, httppost.Request{URL: p.baseURL + "/bot" + c.BotToken + "/sendMessage", Body: body, Where: "Telegram"})
	return err
}
