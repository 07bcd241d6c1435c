package store_test

import (
	"context"
	"errors"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestAuditInSameTransaction: every successful change has exactly one
// entry naming its actor; a failed change leaves none.
func TestAuditInSameTransaction(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d, store.Options{})
			user, org, err := s.CreateAccount(context.Background(), "a@example.com", "h", "A")
			if err != nil {
				t.Fatal(err)
			}
			ctx := store.WithActor(context.Background(), store.Actor{Type: store.ActorUser, ID: user.ID, Label: user.Email, IP: "192.0.2.7"})
			count := func() int {
				_, n, err := s.ListAudit(ctx, org.ID, store.Page{Number: 1, PerPage: 1})
				if err != nil {
					t.Fatal(err)
				}
				return int(n)
			}
			base := count()
			dom, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "x.example", Port: 443, Protocol: "tls"})
			if err != nil {
				t.Fatal(err)
			}
			if count() != base+1 {
				t.Fatalf("successful create: %d entries, want %d", count(), base+1)
			}
			entries, _, _ := s.ListAudit(ctx, org.ID, store.Page{Number: 1, PerPage: 1})
			e := entries[0]
			if e.Action != "domain.create" || e.TargetID != dom.ID || e.ActorID != user.ID || e.IP != "192.0.2.7" {
				t.Fatalf("entry: %+v", e)
			}
			failures := []func() error{
				func() error { // duplicate endpoint
					_, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "x.example", Port: 443, Protocol: "tls"})
					return err
				},
				func() error { return s.DeleteDomain(ctx, org.ID, store.NewID()) },
				func() error { return s.RemoveMember(ctx, org.ID, user.ID) }, // the last owner
				func() error { return s.RevokeAPIToken(ctx, org.ID, store.NewID()) },
				func() error {
					_, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "y.example", Port: 443, Protocol: "tls", AgentID: &dom.ID})
					return err
				},
			}
			for i, f := range failures {
				if err := f(); err == nil {
					t.Fatalf("failure %d succeeded", i)
				}
				if n := count(); n != base+1 {
					t.Fatalf("failure %d left an audit entry (%d entries)", i, n)
				}
			}
			if err := s.RemoveMember(ctx, org.ID, user.ID); !errors.Is(err, store.ErrLastOwner) {
				t.Fatalf("last owner leaving: %v", err)
			}
		})
	}
}
