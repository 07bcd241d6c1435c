package email_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/notify/notifytest"
)

var recipients = []string{"ops@example.com", "oncall@example.com"}

func channel(t *testing.T, rcpts ...string) notify.Channel {
	t.Helper()
	raw, err := json.Marshal(email.ChannelConfig{Recipients: rcpts})
	if err != nil {
		t.Fatal(err)
	}
	return notify.Channel{ID: "ch_mail", Name: "ops", Type: "email", Config: raw}
}

func single() notify.Message {
	return notify.Message{Events: []notify.Event{notifytest.Expiring()}}
}

func relay(port int, mode string) email.Config {
	return email.Config{Host: "127.0.0.1", Port: port, TLS: mode, From: "Certinel <alerts@certinel.test>", Timeout: 5 * time.Second}
}

// readBack parses a delivered message the way a mail client would.
type readBack struct {
	header     mail.Header
	text, html string
}

func parse(t *testing.T, data []byte) readBack {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, data)
	}
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	rb := readBack{header: m.Header}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			rb.text = string(body)
		case "text/html":
			rb.html = string(body)
		}
	}
	return rb
}

func TestSendPlain(t *testing.T) {
	srv := startSMTP(t, serverOptions{})
	if err := email.New(relay(srv.port, email.TLSNone)).Send(context.Background(), channel(t, recipients...), single()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	d := srv.only(t)
	if d.from != "alerts@certinel.test" || !slices.Equal(d.to, recipients) {
		t.Errorf("envelope from %q to %v", d.from, d.to)
	}
	m := parse(t, d.data)
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(m.header.Get("Subject"))
	if subject != "[Certinel] www.example.com:443 expires in 7 days" {
		t.Errorf("Subject = %q", subject)
	}
	to, err := m.header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Address != recipients[0] || to[1].Address != recipients[1] {
		t.Errorf("To = %v (%v)", to, err)
	}
	for h, want := range map[string]string{
		"Auto-Submitted":   "auto-generated",
		"X-Certinel-Event": notifytest.Expiring().ID,
	} {
		if got := m.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if id, want := m.header.Get("Message-Id"), "<certinel."+notify.DeliveryID(channel(t, recipients...), single())+"@certinel.test>"; id != want {
		t.Errorf("Message-ID = %q, want %q", id, want)
	}
	for _, want := range []string{"www.example.com:443", "Days left:  7", "Expires:    2025-03-08 23:59:59 UTC",
		notifytest.Fingerprint, "https://certinel.example/domains/dom_7"} {
		if !strings.Contains(m.text, want) {
			t.Errorf("text body lacks %q:\n%s", want, m.text)
		}
	}
	for _, want := range []string{`<a href="https://certinel.example/domains/dom_7">www.example.com:443 expires in 7 days</a>`,
		notifytest.Fingerprint, "Let&#39;s Encrypt"} {
		if !strings.Contains(m.html, want) {
			t.Errorf("HTML body lacks %q:\n%s", want, m.html)
		}
	}
}

func TestSendDigest(t *testing.T) {
	srv := startSMTP(t, serverOptions{})
	if err := email.New(relay(srv.port, email.TLSNone)).Send(context.Background(), channel(t, recipients[0]), notifytest.Digest(3)); err != nil {
		t.Fatal(err)
	}
	m := parse(t, srv.only(t).data)
	if s := m.header.Get("Subject"); s != "[Certinel] 3 alerts for Example Inc" {
		t.Errorf("Subject = %q", s)
	}
	if ids := m.header.Get("X-Certinel-Event"); ids != "evt_digest_001, evt_digest_002, evt_digest_003" {
		t.Errorf("X-Certinel-Event = %q", ids)
	}
	for _, host := range []string{"host001.example.com", "host002.example.com", "host003.example.com"} {
		if !strings.Contains(m.text, host) || !strings.Contains(m.html, host) {
			t.Errorf("body lacks %s", host)
		}
	}
}

func TestSendStartTLSWithAuth(t *testing.T) {
	serverTLS, roots := testPKI(t)
	srv := startSMTP(t, serverOptions{tls: serverTLS, user: "certinel", pass: "relay-pass"})
	cfg := relay(srv.port, email.TLSStartTLS)
	cfg.RootCAs, cfg.Username, cfg.Password = roots, "certinel", "relay-pass"
	if err := email.New(cfg).Send(context.Background(), channel(t, recipients[0]), single()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if d := srv.only(t); !d.tls || !d.authed {
		t.Errorf("delivered with tls=%v authed=%v, want both", d.tls, d.authed)
	}

	cfg.Password = "wrong"
	err := email.New(cfg).Send(context.Background(), channel(t, recipients[0]), single())
	// Relay credentials are server-wide settings an operator fixes; keep retrying.
	if err == nil || notify.IsPermanent(err) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad password: err = %v, want retryable without the password", err)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	serverTLS, roots := testPKI(t)
	srv := startSMTP(t, serverOptions{tls: serverTLS, implicit: true, user: "certinel", pass: "relay-pass"})
	cfg := relay(srv.port, email.TLSImplicit)
	cfg.RootCAs, cfg.Username, cfg.Password = roots, "certinel", "relay-pass"
	if err := email.New(cfg).Send(context.Background(), channel(t, recipients[0]), single()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if d := srv.only(t); !d.tls || !d.authed {
		t.Errorf("delivered with tls=%v authed=%v, want both", d.tls, d.authed)
	}
}

func TestSendStartTLSRefusals(t *testing.T) {
	serverTLS, _ := testPKI(t)
	tests := []struct {
		name string
		srv  serverOptions
	}{
		{"untrusted certificate", serverOptions{tls: serverTLS}},
		{"no STARTTLS offered", serverOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSMTP(t, tt.srv)
			err := email.New(relay(srv.port, email.TLSStartTLS)).Send(context.Background(), channel(t, recipients[0]), single())
			if err == nil || notify.IsPermanent(err) {
				t.Errorf("err = %v, want retryable", err)
			}
			if n := len(srv.delivered()); n != 0 {
				t.Errorf("%d messages sent without TLS", n)
			}
		})
	}
}

func TestSendRecipientRejected(t *testing.T) {
	srv := startSMTP(t, serverOptions{reject: []string{"gone@example.com"}})
	err := email.New(relay(srv.port, email.TLSNone)).Send(context.Background(), channel(t, "ops@example.com", "gone@example.com"), single())
	if !notify.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent", err)
	}
	if !strings.Contains(err.Error(), "550") || !strings.Contains(err.Error(), "gone@example.com") {
		t.Errorf("error does not say who was refused and how: %v", err)
	}
}

func TestSendServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	err = email.New(relay(port, email.TLSNone)).Send(context.Background(), channel(t, recipients[0]), single())
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
}

// A relay that accepts the connection and never greets must not hold the worker past
// the timeout.
func TestSendHangingServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	cfg := relay(l.Addr().(*net.TCPAddr).Port, email.TLSNone)
	cfg.Timeout = 300 * time.Millisecond
	start := time.Now()
	err = email.New(cfg).Send(context.Background(), channel(t, recipients[0]), single())
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Send took %v with a 300ms timeout", elapsed)
	}
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}

	// Cancelling the context (shutdown) stops the send as well.
	cfg.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	err = email.New(cfg).Send(ctx, channel(t, recipients[0]), single())
	if elapsed := time.Since(start); elapsed > 2*time.Second || err == nil {
		t.Errorf("cancelled send returned %v after %v", err, elapsed)
	}
}

func TestSendBadChannelConfig(t *testing.T) {
	srv := startSMTP(t, serverOptions{})
	ch := notify.Channel{ID: "ch", Type: "email", Config: json.RawMessage(`{"recipients": []}`)}
	err := email.New(relay(srv.port, email.TLSNone)).Send(context.Background(), ch, single())
	var ce *notify.ConfigError
	if !notify.IsPermanent(err) || !errors.As(err, &ce) {
		t.Errorf("err = %v, want a permanent config error", err)
	}
	err = email.New(relay(srv.port, email.TLSNone)).Send(context.Background(), channel(t, recipients[0]), notify.Message{})
	if !errors.Is(err, notify.ErrNoEvents) || !notify.IsPermanent(err) {
		t.Errorf("empty message: %v", err)
	}
}
