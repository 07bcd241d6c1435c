package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// Values that must never be readable in the database: a signing secret and
// a Slack-style URL, whose path is the credential.
const (
	signingSecret = "whsec-7f3a-never-in-the-db"
	hookURL       = "https://hooks.example.com/services/T01/B02/tokentokentoken"
)

var hookConfig = `{"url":"` + hookURL + `","secret":"` + signingSecret + `","format":"json"}`

func newOrgWithHook(t *testing.T, s *store.Store, email string) (string, store.Channel) {
	t.Helper()
	ctx := context.Background()
	_, org, err := s.CreateAccount(ctx, email, "h", "Org "+email)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.CreateChannel(ctx, org.ID, store.Channel{Name: "hook", Type: "webhook", Config: hookConfig})
	if err != nil {
		t.Fatal(err)
	}
	return org.ID, ch
}

// onEachDialect runs test on a new store of each dialect.
func onEachDialect(t *testing.T, test func(t *testing.T, ctx context.Context, s *store.Store)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			test(t, context.Background(), storetest.Open(t, d, store.Options{}))
		})
	}
}

func rawConfig(t *testing.T, s *store.Store, id string) string {
	t.Helper()
	raw, err := store.RawChannelConfig(context.Background(), s, id)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func assertSealed(t *testing.T, what, raw string) {
	t.Helper()
	if strings.Contains(raw, signingSecret) || strings.Contains(raw, "tokentoken") || !secret.IsSealed(raw) {
		t.Fatalf("%s: the config column holds %q, want it sealed with no secret in clear", what, raw)
	}
}

// TestChannelConfigSealedAtRest: what the database holds reveals neither the
// secret nor the URL, and every read gives the config back.
func TestChannelConfigSealedAtRest(t *testing.T) {
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		orgID, ch := newOrgWithHook(t, s, "a@example.com")
		assertSealed(t, "created", rawConfig(t, s, ch.ID))

		got, err := s.GetChannel(ctx, orgID, ch.ID)
		if err != nil || got.Config != hookConfig {
			t.Fatalf("get: %q, %v", got.Config, err)
		}
		list, err := s.ListChannels(ctx, orgID)
		if err != nil || len(list) != 2 || list[1].Config != hookConfig { // after the owner's email channel
			t.Fatalf("list: %+v, %v", list, err)
		}
		byID, err := s.ChannelsByID(ctx, []string{ch.ID})
		if err != nil || byID[ch.ID].Config != hookConfig {
			t.Fatalf("by id: %+v, %v", byID, err)
		}

		edited := strings.Replace(hookConfig, signingSecret, signingSecret+"-2", 1)
		got.Config = edited
		if got, err = s.UpdateChannel(ctx, orgID, got); err != nil || got.Config != edited {
			t.Fatalf("update: %q, %v", got.Config, err)
		}
		assertSealed(t, "updated", rawConfig(t, s, ch.ID))
	})
}

// TestChannelConfigMovedToAnotherOrg: a sealed config copied onto another
// organization's channel (or another channel of the same one) does not open
// there, so database access alone cannot hand one tenant's secret to another.
func TestChannelConfigMovedToAnotherOrg(t *testing.T) {
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		_, victim := newOrgWithHook(t, s, "victim@example.com")
		otherOrg, other := newOrgWithHook(t, s, "other@example.com")
		other.Config = `{"url":"https://other.example.com/","format":"json"}`
		if _, err := s.UpdateChannel(ctx, otherOrg, other); err != nil {
			t.Fatal(err)
		}
		if err := store.SetRawChannelConfig(ctx, s, other.ID, rawConfig(t, s, victim.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetChannel(ctx, otherOrg, other.ID)
		if strings.Contains(got.Config, signingSecret) {
			t.Fatalf("the other organization read the victim's config: %q", got.Config)
		}
		if !errors.Is(err, secret.ErrNotOpened) {
			t.Fatalf("get moved config: %v, want secret.ErrNotOpened", err)
		}
	})
}

// TestChannelConfigWrongKey: a server given another key says which key it
// lacks, at start-up (SealChannels) and on every read.
func TestChannelConfigWrongKey(t *testing.T) {
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		orgID, ch := newOrgWithHook(t, s, "a@example.com")
		wrong := s.WithKeys(storetest.Keys(t))
		if _, err := wrong.GetChannel(ctx, orgID, ch.ID); !errors.Is(err, secret.ErrUnknownKey) {
			t.Fatalf("get with a wrong key: %v, want secret.ErrUnknownKey", err)
		}
		if _, err := wrong.SealChannels(ctx); !errors.Is(err, secret.ErrUnknownKey) || !strings.Contains(err.Error(), "channel ") {
			t.Fatalf("start-up with a wrong key: %v, want secret.ErrUnknownKey naming the channel", err)
		}
	})
}

// TestSealChannels: rows written in clear by a server from before encryption
// are sealed at start-up, once; after a rotation every row moves to the new
// key, so the old one can be dropped. Customers' updated_at does not move.
func TestSealChannels(t *testing.T) {
	oldKey, newKey := storetest.Key(), storetest.Key()
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		s = s.WithKeys(storetest.Keys(t, oldKey))
		orgA, a := newOrgWithHook(t, s, "a@example.com")
		orgB, b := newOrgWithHook(t, s, "b@example.com")
		sealedB := rawConfig(t, s, b.ID)
		before, err := s.GetChannel(ctx, orgA, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SetRawChannelConfig(ctx, s, a.ID, hookConfig); err != nil {
			t.Fatal(err)
		}

		if n, err := s.SealChannels(ctx); err != nil || n != 1 {
			t.Fatalf("first pass sealed %d rows (%v), want the 1 plain one", n, err)
		}
		assertSealed(t, "plain row after the pass", rawConfig(t, s, a.ID))
		if rawConfig(t, s, b.ID) != sealedB {
			t.Fatal("the pass re-sealed a row already sealed with the current key")
		}
		got, err := s.GetChannel(ctx, orgA, a.ID)
		if err != nil || got.Config != hookConfig || !got.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("plain row after the pass: %q, updated %v (was %v), %v", got.Config, got.UpdatedAt, before.UpdatedAt, err)
		}
		if n, err := s.SealChannels(ctx); err != nil || n != 0 {
			t.Fatalf("second pass sealed %d rows (%v), want none", n, err)
		}

		rotated := s.WithKeys(storetest.Keys(t, newKey, oldKey))
		if n, err := rotated.SealChannels(ctx); err != nil || n != 4 {
			t.Fatalf("pass after rotation sealed %d rows (%v), want 4 (2 hooks, 2 owner emails)", n, err)
		}
		newOnly := s.WithKeys(storetest.Keys(t, newKey))
		for org, id := range map[string]string{orgA: a.ID, orgB: b.ID} {
			if got, err := newOnly.GetChannel(ctx, org, id); err != nil || got.Config != hookConfig {
				t.Fatalf("channel %s with the new key only: %q, %v", id, got.Config, err)
			}
		}
	})
}

// TestHoldsSecrets: a sealed config, or a plain one with credentials (any
// webhook), is a secret a new key could not read; plain email recipients,
// left by a server from before encryption, are not.
func TestHoldsSecrets(t *testing.T) {
	onEachDialect(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		holds := func() bool {
			t.Helper()
			h, err := s.HoldsSecrets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		if holds() {
			t.Fatal("an empty database holds secrets")
		}
		orgID, hook := newOrgWithHook(t, s, "a@example.com")
		if !holds() {
			t.Fatal("sealed configs are not secrets")
		}
		list, err := s.ListChannels(ctx, orgID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range list {
			if err := store.SetRawChannelConfig(ctx, s, ch.ID, ch.Config); err != nil {
				t.Fatal(err)
			}
		}
		if !holds() {
			t.Fatal("a plain webhook config is not a secret")
		}
		if err := s.DeleteChannel(ctx, orgID, hook.ID); err != nil {
			t.Fatal(err)
		}
		if holds() {
			t.Fatal("plain email recipients count as secrets")
		}
	})
}
