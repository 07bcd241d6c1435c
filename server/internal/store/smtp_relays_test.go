package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
)

const relayPassword = "smtp-pass-never-in-the-db"

func newOrg(t *testing.T, s *store.Store, email string) string {
	t.Helper()
	_, org, err := s.CreateAccount(context.Background(), email, "h", "Org "+email)
	if err != nil {
		t.Fatal(err)
	}
	return org.ID
}

// TestSMTPRelaySealedAtRest: the password column holds no plaintext, every read
// opens it, and replacing or clearing it works; the audit log records the change
// without the password.
func TestSMTPRelaySealedAtRest(t *testing.T) {
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		orgID := newOrg(t, s, "owner@example.com")
		if _, err := s.SMTPRelay(ctx, orgID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before any relay: %v, want ErrNotFound", err)
		}
		in := store.SMTPRelay{Host: "smtp.example.com", Port: 587, TLS: "starttls", Username: "acme", Password: relayPassword, From: "alerts@example.com"}
		got, err := s.SaveSMTPRelay(ctx, orgID, in)
		if err != nil || got.Password != relayPassword || got.Host != in.Host || got.From != in.From {
			t.Fatalf("save: %+v, %v", got, err)
		}
		raw, err := store.RawSMTPPassword(ctx, s, orgID)
		if err != nil || strings.Contains(raw, relayPassword) || !secret.IsSealed(raw) {
			t.Fatalf("password column holds %q (%v), want it sealed", raw, err)
		}

		in.Host, in.Password = "smtp2.example.com", ""
		if got, err = s.SaveSMTPRelay(ctx, orgID, in); err != nil || got.Host != "smtp2.example.com" || got.Password != "" {
			t.Fatalf("replace without a password: %+v, %v", got, err)
		}
		if raw, _ := store.RawSMTPPassword(ctx, s, orgID); raw != "" {
			t.Errorf("cleared password left %q", raw)
		}

		entries, _, err := s.ListAudit(ctx, orgID, store.Page{Number: 1, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "smtp_relay.update" {
				n++
				if strings.Contains(e.Details, relayPassword) || strings.Contains(e.Details, secret.Prefix) {
					t.Errorf("audit details hold the password: %s", e.Details)
				}
			}
		}
		if n != 2 {
			t.Errorf("%d smtp_relay.update audit entries, want 2", n)
		}
	})
}

// TestSMTPRelayTenants: one organization's relay is invisible to another, which
// cannot delete it, and a sealed password copied to another organization's row
// does not open there.
func TestSMTPRelayTenants(t *testing.T) {
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		victim, other := newOrg(t, s, "victim@example.com"), newOrg(t, s, "other@example.com")
		relay := store.SMTPRelay{Host: "smtp.example.com", TLS: "tls", Username: "v", Password: relayPassword, From: "v@example.com"}
		if _, err := s.SaveSMTPRelay(ctx, victim, relay); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SMTPRelay(ctx, other); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other organization reads: %v, want ErrNotFound", err)
		}
		if err := s.DeleteSMTPRelay(ctx, other); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other organization deletes: %v, want ErrNotFound", err)
		}
		relay.Password = "other-pass"
		if _, err := s.SaveSMTPRelay(ctx, other, relay); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SMTPRelay(ctx, victim); err != nil || got.Password != relayPassword {
			t.Fatalf("victim's relay after the other saved its own: %+v, %v", got, err)
		}
		sealed, _ := store.RawSMTPPassword(ctx, s, victim)
		if err := store.SetRawSMTPPassword(ctx, s, other, sealed); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SMTPRelay(ctx, other); !errors.Is(err, secret.ErrNotOpened) || strings.Contains(got.Password, relayPassword) {
			t.Errorf("moved password: %q, %v; want secret.ErrNotOpened", got.Password, err)
		}
	})
}

// TestSMTPRelayDelete: deleting removes the relay, once. A sealed password is a
// secret a new key could not read, so the server keeps its key while one is stored.
func TestSMTPRelayDelete(t *testing.T) {
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		orgID := newOrg(t, s, "owner@example.com")
		holds := func() bool {
			t.Helper()
			h, err := s.HoldsSecrets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		// The owner's email channel in plain text, as a server from before
		// encryption left it: no secret.
		list, err := s.ListChannels(ctx, orgID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range list {
			if err := store.SetRawChannelConfig(ctx, s, ch.ID, ch.Config); err != nil {
				t.Fatal(err)
			}
		}
		relay := store.SMTPRelay{Host: "smtp.example.com", TLS: "starttls", Password: relayPassword, From: "a@example.com"}
		if _, err := s.SaveSMTPRelay(ctx, orgID, relay); err != nil {
			t.Fatal(err)
		}
		if !holds() {
			t.Error("a sealed SMTP password is not counted as a secret")
		}
		if err := s.DeleteSMTPRelay(ctx, orgID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := s.SMTPRelay(ctx, orgID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
		if err := s.DeleteSMTPRelay(ctx, orgID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second delete: %v, want ErrNotFound", err)
		}
		if holds() {
			t.Error("secrets counted after the relay was deleted")
		}
	})
}
