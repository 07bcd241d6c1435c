package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestAgentTokenRotation: a graceful rotation keeps the current token
// working until the next one is used, then refuses it; a revoking rotation
// refuses the old token at once; another organization can neither rotate
// the agent nor use its tokens.
func TestAgentTokenRotation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d, store.Options{})
			ctx := context.Background()
			_, org, err := s.CreateAccount(ctx, "owner@example.com", "h", "A")
			if err != nil {
				t.Fatal(err)
			}
			_, other, err := s.CreateAccount(ctx, "other@example.com", "h", "B")
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "dc1", Prefix: "cur", TokenHash: "current"})
			if err != nil {
				t.Fatal(err)
			}
			works := func(hash string) bool {
				t.Helper()
				got, err := s.AgentByToken(ctx, org.ID, hash)
				if errors.Is(err, store.ErrNotFound) {
					return false
				}
				if err != nil || got.ID != a.ID {
					t.Fatalf("agent by token %q: %+v %v", hash, got, err)
				}
				return true
			}

			requested, err := s.RequestAgentTokenRotation(ctx, org.ID, a.ID)
			if err != nil || requested.TokenRotationRequestedAt == nil {
				t.Fatalf("request rotation: %+v %v", requested, err)
			}
			if err := s.SetNextAgentToken(ctx, org.ID, a.ID, "next", "nxt"); err != nil {
				t.Fatal(err)
			}
			if !works("current") || !works("current") {
				t.Fatal("the current token stopped working before the next one was used")
			}
			if !works("next") {
				t.Fatal("the next token does not work")
			}
			if works("current") {
				t.Fatal("the old token still works after the agent used the next one")
			}
			if !works("next") {
				t.Fatal("the promoted token does not work twice")
			}
			got, err := s.GetAgent(ctx, org.ID, a.ID)
			if err != nil || got.Prefix != "nxt" || got.TokenRotationRequestedAt != nil || got.TokenRotatedAt == nil || got.NextTokenHash != nil {
				t.Fatalf("agent after a graceful rotation: %+v %v", got, err)
			}

			// A next token fetched but never used is cut off by a revoking rotation too.
			if err := s.SetNextAgentToken(ctx, org.ID, a.ID, "pending", "pnd"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ReplaceAgentToken(ctx, org.ID, a.ID, "replaced", "rep"); err != nil {
				t.Fatal(err)
			}
			if works("next") || works("pending") {
				t.Fatal("a revoking rotation left an old token working")
			}
			if !works("replaced") {
				t.Fatal("the replacing token does not work")
			}

			if _, err := s.RequestAgentTokenRotation(ctx, other.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("another organization requested a rotation: %v", err)
			}
			if _, err := s.ReplaceAgentToken(ctx, other.ID, a.ID, "stolen", "stl"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("another organization replaced the token: %v", err)
			}
			if err := s.SetNextAgentToken(ctx, other.ID, a.ID, "stolen", "stl"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("another organization set a next token: %v", err)
			}
			if _, err := s.AgentByToken(ctx, other.ID, "replaced"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("another organization used the agent's token: %v", err)
			}
			if works("stolen") || !works("replaced") {
				t.Fatal("a refused cross-tenant rotation changed the agent's tokens")
			}

			entries, _, err := s.ListAudit(ctx, org.ID, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
			}
			want := []string{"agent.token_rotate", "agent.token_issue", "agent.token_rotated", "agent.token_issue", "agent.token_rotate", "agent.create", "account.signup"}
			if !slices.Equal(actions, want) {
				t.Fatalf("audit log %v, want %v", actions, want)
			}
		})
	}
}
