package email

import (
	"context"
	"crypto/tls"
	"fmt"
	netmail "net/mail"
	"strings"

	"github.com/wneessen/go-mail"

	"certinel.dev/server/internal/notify"
)

var _ notify.Sender = (*Sender)(nil)

// maxEventHeaders caps the X-Certinel-Event ids of a digest; the body lists every event.
const maxEventHeaders = 100

// Sender mails messages to email channels through one SMTP relay.
type Sender struct {
	cfg Config
}

// New returns a Sender for the relay cfg, which should have passed Validate.
func New(cfg Config) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Port == 0 {
		cfg.Port = defaultPorts[cfg.TLS]
	}
	return &Sender{cfg: cfg}
}

var defaultPorts = map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}

// Send mails msg to the channel's recipients in one SMTP transaction. A 5xx reply to a
// recipient or to the message is permanent; connection failures, timeouts and 4xx
// replies are retryable. Credentials are only sent over TLS (or to localhost).
func (s *Sender) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
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

func (s *Sender) client(ctx context.Context) (*mail.Client, error) {
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

func (s *Sender) message(ch notify.Channel, cc ChannelConfig, msg notify.Message) (*mail.Msg, error) {
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
