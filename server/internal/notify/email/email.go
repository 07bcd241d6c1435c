package email

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"strings"

	"github.com/wneessen/go-mail"

	"certinel.dev/server/internal/notify"
)

// Type is the email channel type's name, stored in channels.type.
const Type = "email"

var _ notify.Provider = (*Provider)(nil)

// maxEventHeaders caps the X-Certinel-Event ids of a digest; the body lists every event.
const maxEventHeaders = 100

// NoRelay is why email cannot be delivered on a server without an SMTP relay.
const NoRelay = "No SMTP relay is configured on this server: its operator sets CERTINEL_SMTP_HOST and the other CERTINEL_SMTP_* variables."

// Provider mails messages to email channels through one SMTP relay.
type Provider struct {
	cfg Config
}

// New returns the email provider for the relay cfg, which should have passed Validate.
// A cfg without Host is a server with no relay: the type stays listed, marked
// unavailable, and every send fails permanently with NoRelay.
func New(cfg Config) *Provider {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Port == 0 {
		cfg.Port = defaultPorts[cfg.TLS]
	}
	return &Provider{cfg: cfg}
}

var defaultPorts = map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}

// Describe names the email channel's one field, and why it cannot deliver without a relay.
func (s *Provider) Describe() notify.Description {
	d := notify.Description{Type: Type, Label: "Email", Fields: []notify.ConfigField{
		{Name: "recipients", Label: "Recipients", Kind: notify.FieldList, Required: true, Placeholder: "ops@example.com",
			Help: fmt.Sprintf("Up to %d addresses; every alert is one mail to all of them.", MaxRecipients)},
	}}
	if !s.Available() {
		d.Unavailable = NoRelay
	}
	return d
}

// Available tells whether an SMTP relay is configured.
func (s *Provider) Available() bool { return s.cfg.Host != "" }

// Validate checks a config sent by a customer and returns it normalised.
func (s *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	return ValidateConfig(raw)
}

// Send mails msg to the channel's recipients in one SMTP transaction. A 5xx reply to a
// recipient or to the message is permanent; connection failures, timeouts and 4xx
// replies are retryable. Credentials are only sent over TLS (or to localhost).
func (s *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if !s.Available() {
		return notify.Permanent(fmt.Errorf("email: channel %s: %s", ch.ID, NoRelay))
	}
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cc, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("email: channel %s: %w", ch.ID, err))
	}
	m, err := s.message(ch, cc, msg)
	if err != nil {
		return fmt.Errorf("email: channel %s: %w", ch.ID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	client, err := s.client(ctx)
	if err != nil {
		return fmt.Errorf("email: channel %s: %w", ch.ID, err)
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return classify(fmt.Errorf("email: channel %s: via %s:%d: %w", ch.ID, s.cfg.Host, s.cfg.Port, err))
	}
	return nil
}

func (s *Provider) client(ctx context.Context) (*mail.Client, error) {
	tlsConfig := &tls.Config{ServerName: s.cfg.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	opts := []mail.Option{
		mail.WithPort(s.cfg.Port),
		mail.WithTimeout(s.cfg.Timeout),
		mail.WithTLSConfig(tlsConfig),
		mail.WithTLSPolicy(mail.NoTLS),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, mail.WithDialContextFunc(dialer(ctx, nil)))
	case TLSStartTLS:
		opts = append(opts, mail.WithDialContextFunc(dialer(ctx, nil)), mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, mail.WithDialContextFunc(dialer(ctx, tlsConfig)))
	default:
		return nil, fmt.Errorf("SMTP TLS mode %q is not one of %q, %q, %q", s.cfg.TLS, TLSNone, TLSStartTLS, TLSImplicit)
	}
	if s.cfg.Username != "" {
		// PLAIN and LOGIN refuse to run over an unencrypted connection to anything but
		// localhost, so "none" never leaks the password.
		opts = append(opts,
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return c, nil
}

func (s *Provider) message(ch notify.Channel, cc ChannelConfig, msg notify.Message) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("from address %q: %w", s.cfg.From, err)
	}
	if err := m.To(cc.Recipients...); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	m.Subject(notify.Subject(msg))
	m.SetDate()
	m.SetMessageIDWithValue(messageID(ch, msg, s.cfg.From))
	// RFC 3834: tells auto-responders and vacation replies not to answer.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetGenHeader("X-Auto-Response-Suppress", "All") // the same for Exchange
	m.SetGenHeader("X-Certinel-Event", eventIDs(msg)...)
	m.SetBodyString(mail.TypeTextPlain, notify.Text(msg))
	html, err := renderHTML(msg)
	if err != nil {
		return nil, fmt.Errorf("render HTML: %w", err)
	}
	m.AddAlternativeString(mail.TypeTextHTML, html)
	return m, nil
}

func eventIDs(msg notify.Message) []string {
	events := msg.Events[:min(len(msg.Events), maxEventHeaders)]
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

// messageID is the delivery's ID at the From domain: the same for every retry of one
// delivery, so a retry after a lost reply shows up as a duplicate that mail clients and
// archives fold.
func messageID(ch notify.Channel, msg notify.Message, from string) string {
	domain := "certinel.invalid"
	if a, err := netmail.ParseAddress(from); err == nil {
		domain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
	}
	return "certinel." + notify.DeliveryID(ch, msg) + "@" + domain
}
