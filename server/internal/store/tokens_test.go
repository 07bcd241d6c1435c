package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestTokensFollowTheirCreator: a token resolves with its creator's current
// role, and removing the creator revokes it with an audit entry in the same
// transaction.
func TestTokensFollowTheirCreator(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d, store.Options{})
			ctx := context.Background()
			owner, org, err := s.CreateAccount(ctx, "owner@example.com", "h", "A")
			if err != nil {
				t.Fatal(err)
			}
			inv, err := s.CreateInvitation(ctx, org.ID, store.Invitation{Email: "admin@example.com", Role: store.RoleAdmin,
				TokenHash: "inv", ExpiresAt: time.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.AcceptInvitation(ctx, inv.TokenHash, "", &store.User{PasswordHash: "h"})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := s.CreateAPIToken(ctx, org.ID, store.APIToken{Name: "ci", Scope: store.ScopeWrite, Prefix: "p", TokenHash: "tok", CreatedBy: &m.UserID})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetMemberRole(ctx, org.ID, m.UserID, store.RoleViewer); err != nil {
				t.Fatal(err)
			}
			grant, err := s.APITokenByHash(ctx, "tok")
			if err != nil || grant.Token.ID != tok.ID || grant.CreatorRole != store.RoleViewer {
				t.Fatalf("token of a demoted admin: %+v %v", grant, err)
			}

			byOwner := store.WithActor(ctx, store.Actor{Type: store.ActorUser, ID: owner.ID, Label: owner.Email})
			if err := s.RemoveMember(byOwner, org.ID, m.UserID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.APITokenByHash(ctx, "tok"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("token of a removed member: %v", err)
			}
			entries, _, err := s.ListAudit(ctx, org.ID, store.Page{Number: 1, PerPage: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2 || entries[0].Action != "member.remove" || entries[1].Action != "token.revoke" ||
				entries[1].TargetID != tok.ID || entries[1].ActorID != owner.ID {
				t.Fatalf("audit log: %+v", entries)
			}
		})
	}
}
