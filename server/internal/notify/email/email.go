package email

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	netmail "net/mail"
	"strings"

	"github.com/wneessen/go-mail"

	"certinel.dev/server/internal/notify"
)

// Type is the email channel type's name, stored in channels.type.
const Type = "email"

// maxEventHeaders caps the X-Certinel-Event ids of a digest; the body lists every event.
const maxEventHeaders = 100

// NoRelay is why email cannot be delivered by an organization without an SMTP relay.
const NoRelay = "No SMTP relay is configured: an owner of the organization sets one in Organization settings, Email relay, or the server's operator sets CERTINEL_SMTP_HOST and the other CERTINEL_SMTP_* variables."

// Relays finds the SMTP relay an organization set for itself (the store implements it).
type Relays interface {
	// OrganizationRelay returns the organization's relay, with ok false when it has none.
	OrganizationRelay(ctx context.Context, orgID string) (cfg Config, ok bool, err error)
}

// Provider mails messages to email channels through the channel's organization's own
// relay when it set one, else through the server's relay.
type Provider struct {
	server Config
	orgs   Relays
	// dial reaches organizations' relays: through the SSRF guard.
	dial func(ctx context.Context, network, address string) (net.Conn, error)
}

var (
	_ notify.Provider             = (*Provider)(nil)
	_ notify.OrganizationProvider = (*Provider)(nil)
)

// New returns the email provider for the server's relay cfg, which should have passed
// Validate. A cfg without Host is a server with no relay: unless an organization set its
// own (see WithOrganizationRelays), the type stays listed, marked unavailable, and every
// send fails permanently with NoRelay.
func New(cfg Config) *Provider {
	return &Provider{server: cfg.withDefaults()}
}

// WithOrganizationRelays makes p look up each channel's organization's own relay in
// orgs and reach it with dial, which must refuse the addresses customers may not reach
// (netguard.Guard.DialContext).
func (s *Provider) WithOrganizationRelays(orgs Relays, dial func(ctx context.Context, network, address string) (net.Conn, error)) *Provider {
	out := *s
	out.orgs, out.dial = orgs, dial
	return &out
}

// Describe names the email channel's one field, and why it cannot deliver without a
// relay: organizations may still set their own, which UnavailableFor tells.
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

// Available tells whether the server has an SMTP relay of its own.
func (s *Provider) Available() bool { return s.server.Host != "" }

// UnavailableFor says why the organization's email channels cannot deliver now, or ""
// when its own relay or the server's can.
func (s *Provider) UnavailableFor(ctx context.Context, orgID string) (string, error) {
	_, ok, err := s.relay(ctx, orgID)
	if err != nil || ok {
		return "", err
	}
	return NoRelay, nil
}

// relay is the relay that delivers the organization's mail: its own, else the server's;
// ok is false when there is neither.
func (s *Provider) relay(ctx context.Context, orgID string) (Config, bool, error) {
	if s.orgs != nil && orgID != "" {
		cfg, ok, err := s.orgs.OrganizationRelay(ctx, orgID)
		if err != nil {
			return Config{}, false, fmt.Errorf("email: SMTP relay of organization %s: %w", orgID, err)
		}
		if ok {
			return s.organizationRelay(cfg), true, nil
		}
	}
	return s.server, s.Available(), nil
}

// organizationRelay is cfg dialled through the guard (a provider built without one
// dials directly), bounded like the server's relay.
func (s *Provider) organizationRelay(cfg Config) Config {
	cfg.Dial = s.dial
	if cfg.Timeout <= 0 {
		cfg.Timeout = s.server.Timeout
	}
	return cfg.withDefaults()
}

// Validate checks a config sent by a customer and returns it normalised.
func (s *Provider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	return ValidateConfig(raw)
}

// Send mails msg to the channel's recipients in one SMTP transaction. A 5xx reply to a
// recipient or to the message is permanent; connection failures, timeouts and 4xx
// replies are retryable. Credentials are only sent over TLS (or to localhost).
func (s *Provider) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	relay, ok, err := s.relay(ctx, ch.OrganizationID)
	if err != nil {
		return err // the database: worth retrying
	}
	if !ok {
		return notify.Permanent(fmt.Errorf("email: channel %s: %s", ch.ID, NoRelay))
	}
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cc, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("email: channel %s: %w", ch.ID, err))
	}
	m, err := message(relay.From, ch, cc, msg)
	if err != nil {
		return fmt.Errorf("email: channel %s: %w", ch.ID, err)
	}
	if err := relay.send(ctx, m); err != nil {
		return classify(fmt.Errorf("email: channel %s: %w", ch.ID, err))
	}
	return nil
}

// send delivers m in one SMTP transaction bounded by the relay's timeout.
func (c Config) send(ctx context.Context, m *mail.Msg) error {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	client, err := c.client(ctx)
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("via %s:%d: %w", c.Host, c.Port, err)
	}
	return nil
}

func (c Config) client(ctx context.Context) (*mail.Client, error) {
	tlsConfig := &tls.Config{ServerName: c.Host, RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12}
	opts := []mail.Option{
		mail.WithPort(c.Port),
		mail.WithTimeout(c.Timeout),
		mail.WithTLSConfig(tlsConfig),
		mail.WithTLSPolicy(mail.NoTLS),
	}
	switch c.TLS {
	case TLSNone:
		opts = append(opts, mail.WithDialContextFunc(dialer(ctx, c.Dial, nil)))
	case TLSStartTLS:
		opts = append(opts, mail.WithDialContextFunc(dialer(ctx, c.Dial, nil)), mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, mail.WithDialContextFunc(dialer(ctx, c.Dial, tlsConfig)))
	default:
		return nil, fmt.Errorf("SMTP TLS mode %q is not one of %q, %q, %q", c.TLS, TLSNone, TLSStartTLS, TLSImplicit)
	}
	if c.Username != "" {
		// PLAIN and LOGIN refuse to run over an unencrypted connection to anything but
		// localhost, so "none" never leaks the password.
		opts = append(opts,
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return client, nil
}

func message(from string, ch notify.Channel, cc ChannelConfig, msg notify.Message) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("from address %q: %w", from, err)
	}
	if err := m.To(cc.Recipients...); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	m.Subject(notify.Subject(msg))
	m.SetDate()
	m.SetMessageIDWithValue(messageID(ch, msg, from))
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
