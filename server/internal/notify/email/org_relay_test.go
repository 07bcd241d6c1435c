package email_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
)

// orgRelays answers organizations' own relays from a map, as the store does.
type orgRelays map[string]email.Config

func (o orgRelays) OrganizationRelay(_ context.Context, orgID string) (email.Config, bool, error) {
	cfg, ok := o[orgID]
	return cfg, ok, nil
}

// loopback lets the guard reach the test's SMTP servers, as
// CERTINEL_ALLOW_PRIVATE_TARGETS does.
var loopback = netguard.New(true).DialContext

func orgChannel(t *testing.T, orgID string) notify.Channel {
	ch := channel(t, recipients[0])
	ch.OrganizationID = orgID
	return ch
}

// TestOrganizationRelayDelivers: an organization's own relay delivers its channels,
// with its own From and credentials; another organization's channels go through the
// server's relay.
func TestOrganizationRelayDelivers(t *testing.T) {
	serverTLS, roots := testPKI(t)
	own := startSMTP(t, serverOptions{tls: serverTLS, user: "acme", pass: "acme-pass"})
	env := startSMTP(t, serverOptions{})
	cfg := relay(own.port, email.TLSStartTLS)
	cfg.RootCAs, cfg.Username, cfg.Password, cfg.From = roots, "acme", "acme-pass", "Acme alerts <alerts@acme.test>"
	p := email.New(relay(env.port, email.TLSNone)).WithOrganizationRelays(orgRelays{"org_acme": cfg}, loopback)

	if err := p.Send(context.Background(), orgChannel(t, "org_acme"), single()); err != nil {
		t.Fatalf("send through the organization's relay: %v", err)
	}
	d := own.only(t)
	if !d.tls || !d.authed || d.from != "alerts@acme.test" {
		t.Errorf("own relay got from=%q tls=%v authed=%v, want the organization's From over TLS with its credentials", d.from, d.tls, d.authed)
	}
	if err := p.Send(context.Background(), orgChannel(t, "org_other"), single()); err != nil {
		t.Fatalf("send through the server's relay: %v", err)
	}
	if d := env.only(t); d.from != "alerts@certinel.test" {
		t.Errorf("server relay got from=%q", d.from)
	}
	if n := len(own.delivered()); n != 1 {
		t.Errorf("the organization's relay got %d messages, want only its own", n)
	}
}

// TestOrganizationRelayWithoutServerRelay: with no relay on the server, an organization
// with its own can deliver and sees email as available; one without cannot, and is
// told how to fix it.
func TestOrganizationRelayWithoutServerRelay(t *testing.T) {
	own := startSMTP(t, serverOptions{})
	p := email.New(email.Config{}).WithOrganizationRelays(orgRelays{"org_acme": relay(own.port, email.TLSNone)}, loopback)
	ctx := context.Background()

	if why, err := p.UnavailableFor(ctx, "org_acme"); why != "" || err != nil {
		t.Errorf("organization with a relay: unavailable %q, %v", why, err)
	}
	if why, err := p.UnavailableFor(ctx, "org_other"); why != email.NoRelay || err != nil {
		t.Errorf("organization without: unavailable %q, %v; want NoRelay", why, err)
	}
	if err := p.Send(ctx, orgChannel(t, "org_acme"), single()); err != nil {
		t.Fatalf("send: %v", err)
	}
	own.only(t)
	err := p.Send(ctx, orgChannel(t, "org_other"), single())
	if !notify.IsPermanent(err) || !strings.Contains(err.Error(), email.NoRelay) {
		t.Errorf("send without any relay: %v, want permanent NoRelay", err)
	}
}

// TestOrganizationRelayGuarded: an organization's relay is a customer-given host, so
// it is dialled through the guard; the server's own relay is the operator's and is not.
func TestOrganizationRelayGuarded(t *testing.T) {
	srv := startSMTP(t, serverOptions{})
	p := email.New(relay(srv.port, email.TLSNone)).
		WithOrganizationRelays(orgRelays{"org_acme": relay(srv.port, email.TLSNone)}, netguard.New(false).DialContext)
	err := p.Send(context.Background(), orgChannel(t, "org_acme"), single())
	if !errors.Is(err, netguard.ErrForbiddenAddress) {
		t.Fatalf("send to a loopback relay without AllowPrivate: %v, want refused by the guard", err)
	}
	if msg := email.Explain(err); !strings.Contains(msg, "CERTINEL_ALLOW_PRIVATE_TARGETS") {
		t.Errorf("explained as %q, want the setting named", msg)
	}
	if err := p.Send(context.Background(), orgChannel(t, "org_other"), single()); err != nil {
		t.Errorf("server relay on loopback: %v", err)
	}
}

// TestRelayTestOutcomes: the owner's "Send test" mails one address and explains a
// failure by its cause.
func TestRelayTestOutcomes(t *testing.T) {
	serverTLS, roots := testPKI(t)
	authed := startSMTP(t, serverOptions{tls: serverTLS, user: "acme", pass: "acme-pass"})
	good := relay(authed.port, email.TLSStartTLS)
	good.RootCAs, good.Username, good.Password = roots, "acme", "acme-pass"
	wrongPass, untrusted, plainOnly := good, good, relay(authed.port, email.TLSImplicit)
	wrongPass.Password = "nope"
	untrusted.RootCAs = nil
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := relay(l.Addr().(*net.TCPAddr).Port, email.TLSNone)
	l.Close()
	p := email.New(email.Config{}).WithOrganizationRelays(orgRelays{"good": good, "wrong": wrongPass,
		"untrusted": untrusted, "plain": plainOnly, "closed": closed}, loopback)
	ctx := context.Background()

	if err := p.TestRelay(ctx, "good", "Acme", "me@acme.test"); err != nil {
		t.Fatalf("test through a good relay: %v", err)
	}
	if d := authed.only(t); len(d.to) != 1 || d.to[0] != "me@acme.test" || !strings.Contains(string(d.data), "Acme") {
		t.Errorf("test mail went to %v: %s", d.to, d.data)
	}
	for org, want := range map[string]string{
		"wrong":     "refused the username or password",
		"untrusted": "TLS failed: the relay's certificate is not trusted",
		"plain":     "TLS failed",
		"closed":    "refused the connection",
	} {
		err := p.TestRelay(ctx, org, "Acme", "me@acme.test")
		if err == nil {
			t.Errorf("%s: test succeeded", org)
			continue
		}
		if msg := email.Explain(err); !strings.Contains(msg, want) {
			t.Errorf("%s: explained as %q, want %q", org, msg, want)
		} else if strings.Contains(msg, "acme-pass") || strings.Contains(msg, "nope") {
			t.Errorf("%s: the explanation shows the password: %q", org, msg)
		}
	}
	if err := p.TestRelay(ctx, "none", "Acme", "me@acme.test"); !errors.Is(err, email.ErrNoOrganizationRelay) {
		t.Errorf("organization without a relay: %v", err)
	}
	if err := p.TestRelay(ctx, "good", "Acme", "Me <me@acme.test>"); err == nil {
		t.Error("a display-name recipient was accepted")
	}
}
