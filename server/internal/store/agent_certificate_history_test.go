package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestAgentCertificateHistory: statuses and origins as issued, and what
// revoking one certificate answers for each.
func TestAgentCertificateHistory(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{})
			_, org, err := s.CreateAccount(ctx, "history@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "dc1", Prefix: "p", TokenHash: "agent-hash"})
			if err != nil {
				t.Fatal(err)
			}
			now := s.Now()
			record := func(serial string, notAfter time.Time, action string) {
				t.Helper()
				c := store.AgentCertificate{Serial: serial, AgentID: a.ID, NotBefore: notAfter.Add(-7 * 24 * time.Hour), NotAfter: notAfter}
				if err := s.RecordAgentCertificate(ctx, org.ID, c, action); err != nil {
					t.Fatal(err)
				}
			}
			record("a1", now.Add(-time.Hour), store.CertEnrolled) // expired
			record("b2", now.Add(24*time.Hour), store.CertRenewed)
			record("c3", now.Add(48*time.Hour), store.CertRenewed)

			list, total, err := s.ListAgentCertificates(ctx, org.ID, a.ID, store.Page{Number: 1, PerPage: 2})
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 || len(list) != 2 || list[0].Serial != "c3" || list[1].Serial != "b2" {
				t.Fatalf("first page %+v of %d, want c3, b2 of 3", list, total)
			}
			a, err = s.GetAgent(ctx, org.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := list[0].Status(a.CertSerial, now); got != store.CertStatusCurrent || list[0].Origin != store.CertOriginRenewed {
				t.Errorf("c3: %s, %q", got, list[0].Origin)
			}
			if got := list[1].Status(a.CertSerial, now); got != store.CertStatusSuperseded {
				t.Errorf("b2: %s", got)
			}

			if _, err := s.RevokeAgentCertificate(ctx, org.ID, a.ID, "a1"); !errors.Is(err, store.ErrCertificateExpired) {
				t.Errorf("revoke expired: %v", err)
			}
			if _, err := s.RevokeAgentCertificate(ctx, org.ID, a.ID, "zz"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("revoke unknown: %v", err)
			}
			_, other, err := s.CreateAccount(ctx, "other@example.com", "h", "Other")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.RevokeAgentCertificate(ctx, other.ID, a.ID, "b2"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("revoke from another organization: %v", err)
			}
			c, err := s.RevokeAgentCertificate(ctx, org.ID, a.ID, "b2")
			if err != nil || c.Status(a.CertSerial, now) != store.CertStatusRevoked {
				t.Fatalf("revoke b2: %+v, %v", c, err)
			}
			if _, err := s.RevokeAgentCertificate(ctx, org.ID, a.ID, "b2"); !errors.Is(err, store.ErrCertificateRevoked) {
				t.Errorf("revoke twice: %v", err)
			}
			// b2 was not current: the agent keeps c3.
			if a, err = s.GetAgent(ctx, org.ID, a.ID); err != nil || a.CertSerial != "c3" {
				t.Errorf("agent's current certificate %q, %v: want c3", a.CertSerial, err)
			}
			revoked, err := s.RevokedAgentCertificates(ctx)
			if err != nil || len(revoked) != 1 || revoked[0].Serial != "b2" {
				t.Errorf("revoked list %+v, %v: want b2 alone", revoked, err)
			}
		})
	}
}
