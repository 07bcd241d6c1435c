package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// replicas opens n stores on one database, all with the same keys, as
// replicas of one deployment are.
func replicas(t *testing.T, d store.Dialect, n int, keys *secret.Keyring) []*store.Store {
	t.Helper()
	storetest.SkipUnlessSelected(t, d)
	var dsn string
	if d == store.Postgres {
		dsn = storetest.PostgresSchemaURL(t)
	} else {
		dsn = filepath.Join(t.TempDir(), "shared.db")
	}
	out := make([]*store.Store, n)
	for i := range out {
		var s *store.Store
		if d == store.Postgres {
			s = storetest.OpenPostgresURL(t, dsn, store.Options{})
		} else {
			var err error
			if s, err = store.OpenSQLite(dsn, store.Options{}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		out[i] = s.WithKeys(keys)
	}
	return out
}

// fakeCA stands for generated CA material; which replica's won is what the
// test looks at.
func fakeCA(name string) func() (store.AgentCA, error) {
	return func() (store.AgentCA, error) {
		return store.AgentCA{RootCert: "root of " + name, RootKey: "root key of " + name,
			IssuingCert: "issuing of " + name, IssuingKey: "issuing key of " + name}, nil
	}
}

func TestReplicasStartingTogetherEndWithOneAgentCA(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			keys := storetest.Keys(t)
			stores := replicas(t, d, 4, keys)
			got := make([]store.AgentCA, len(stores))
			errs := make([]error, len(stores))
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got[i], errs[i] = s.EnsureAgentCA(context.Background(), fakeCA(string(rune('a'+i))))
				}()
			}
			wg.Wait()
			for i := range stores {
				if errs[i] != nil {
					t.Fatalf("replica %d: %v", i, errs[i])
				}
				if got[i].RootCert != got[0].RootCert || got[i].IssuingKey != got[0].IssuingKey {
					t.Errorf("replica %d has CA %q, replica 0 %q", i, got[i].RootCert, got[0].RootCert)
				}
			}
			if !strings.HasPrefix(got[0].IssuingKey, "issuing key of ") {
				t.Errorf("issuing key opened to %q", got[0].IssuingKey)
			}
			// A later start reads the same CA and generates nothing.
			again, err := stores[0].EnsureAgentCA(context.Background(), func() (store.AgentCA, error) {
				return store.AgentCA{}, errors.New("generated again")
			})
			if err != nil || again.RootCert != got[0].RootCert {
				t.Errorf("second start: %v, %q", err, again.RootCert)
			}
		})
	}
}

func TestAgentCAKeysSealedAndResealedOnKeyRotation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			oldKey, newKey := storetest.Key(), storetest.Key()
			s := storetest.Open(t, d, store.Options{}).WithKeys(storetest.Keys(t, oldKey))
			if holds, err := s.HoldsSecrets(ctx); err != nil || holds {
				t.Fatalf("empty database holds secrets: %v, %v", holds, err)
			}
			if _, err := s.EnsureAgentCA(ctx, fakeCA("x")); err != nil {
				t.Fatal(err)
			}
			root, issuing, err := store.RawAgentCAKeys(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []string{root, issuing} {
				if !secret.IsSealed(v) || strings.Contains(v, "key of") {
					t.Errorf("stored key %q is not sealed", v)
				}
			}
			// A server without its key must not make a new one.
			if holds, err := s.HoldsSecrets(ctx); err != nil || !holds {
				t.Errorf("database with an agent CA holds no secrets: %v, %v", holds, err)
			}
			// Without the key that sealed it, the CA does not open.
			if _, err := s.WithKeys(storetest.Keys(t, newKey)).EnsureAgentCA(ctx, fakeCA("y")); !errors.Is(err, secret.ErrUnknownKey) {
				t.Errorf("opened with an unknown key: %v", err)
			}
			// The new key first, the old one after: the start re-seals.
			rotated := s.WithKeys(storetest.Keys(t, newKey, oldKey))
			if ca, err := rotated.EnsureAgentCA(ctx, fakeCA("y")); err != nil || ca.RootKey != "root key of x" {
				t.Fatalf("rotated start: %v, %q", err, ca.RootKey)
			}
			if ca, err := s.WithKeys(storetest.Keys(t, newKey)).EnsureAgentCA(ctx, fakeCA("y")); err != nil || ca.IssuingKey != "issuing key of x" {
				t.Errorf("after re-sealing, the new key alone: %v, %q", err, ca.IssuingKey)
			}
		})
	}
}

// TestImportedAgentCAReplacesTheGeneratedOne: importing a CA replaces a
// generated one and counts the live certificates it had issued (not the
// revoked or expired ones); the same import again changes nothing.
func TestImportedAgentCAReplacesTheGeneratedOne(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			s := storetest.Open(t, d, store.Options{Now: clk.now}).WithKeys(storetest.Keys(t))
			if _, err := s.EnsureAgentCA(ctx, fakeCA("generated")); err != nil {
				t.Fatal(err)
			}
			_, org, err := s.CreateAccount(ctx, "import@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			for i, name := range []string{"live", "revoked", "expired"} {
				a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: name, Prefix: "p", TokenHash: "hash-" + name})
				if err != nil {
					t.Fatal(err)
				}
				notAfter := clk.t.Add(time.Duration(i+1) * time.Hour)
				if err := s.RecordAgentCertificate(ctx, org.ID, store.AgentCertificate{Serial: "s" + name, AgentID: a.ID,
					NotBefore: clk.t, NotAfter: notAfter}, store.CertEnrolled); err != nil {
					t.Fatal(err)
				}
				if name == "revoked" {
					if err := s.RevokeAgentCertificates(ctx, org.ID, a.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			clk.t = clk.t.Add(150 * time.Minute) // past the first two; the third lives on
			imported := store.AgentCA{RootCert: "customer root", IssuingCert: "customer issuing", IssuingKey: "customer key"}
			replaced, live, err := s.ImportAgentCA(ctx, imported)
			if err != nil || !replaced || live != 1 {
				t.Fatalf("import: replaced %v, %d live certificates, %v; want replaced, 1", replaced, live, err)
			}
			ca, err := s.EnsureAgentCA(ctx, fakeCA("again"))
			if err != nil || ca.RootCert != "customer root" || ca.IssuingKey != "customer key" || ca.RootKey != "" {
				t.Errorf("CA after import: %+v, %v", ca, err)
			}
			if _, issuing, err := store.RawAgentCAKeys(ctx, s); err != nil || !secret.IsSealed(issuing) {
				t.Errorf("imported issuing key stored %q (%v), want it sealed", issuing, err)
			}
			if replaced, live, err := s.ImportAgentCA(ctx, imported); err != nil || replaced || live != 0 {
				t.Errorf("the same import again: replaced %v, %d, %v; want a no-op", replaced, live, err)
			}
			if n, err := s.NextCRLNumber(ctx); err != nil || n != 1 {
				t.Errorf("CRL number after import: %d, %v", n, err)
			}
		})
	}
}

// TestImportOnAFreshDatabase: the first start with an imported CA stores
// it; nothing is generated.
func TestImportOnAFreshDatabase(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, d, store.Options{}).WithKeys(storetest.Keys(t))
			replaced, live, err := s.ImportAgentCA(ctx, store.AgentCA{RootCert: "r", IssuingCert: "i", IssuingKey: "k"})
			if err != nil || replaced || live != 0 {
				t.Fatalf("first import: %v, %d, %v", replaced, live, err)
			}
			ca, err := s.EnsureAgentCA(ctx, func() (store.AgentCA, error) { return store.AgentCA{}, errors.New("generated") })
			if err != nil || ca.IssuingCert != "i" {
				t.Errorf("CA: %+v, %v", ca, err)
			}
		})
	}
}

// TestAgentCertificateDeadlinesBackfilled: certificates recorded before
// migration 00040 get their renewal deadline at the next start, and the
// agent evaluation then finds the ones past it.
func TestAgentCertificateDeadlinesBackfilled(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			s := storetest.Open(t, d, store.Options{Now: clk.now})
			_, org, err := s.CreateAccount(ctx, "backfill@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "dc1", Prefix: "p", TokenHash: "hash"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RecordAgentCertificate(ctx, org.ID, store.AgentCertificate{Serial: "c1", AgentID: a.ID,
				NotBefore: clk.t, NotAfter: clk.t.Add(10 * time.Hour)}, store.CertEnrolled); err != nil {
				t.Fatal(err)
			}
			if err := store.ExecRaw(ctx, s, "UPDATE agents SET cert_renew_by = NULL"); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				after time.Duration
				due   bool
			}{{7*time.Hour + 59*time.Minute, false}, {8*time.Hour + time.Minute, true}} {
				clk.t = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(c.after)
				in, _, err := s.LoadAgentInput(ctx, org.ID, nil, 100)
				if err != nil {
					t.Fatal(err)
				}
				if due := len(in.AgentCerts) == 1 && in.AgentCerts[0].ID == a.ID; due != c.due {
					t.Errorf("%s after issue: agents due %+v, want due %v", c.after, in.AgentCerts, c.due)
				}
			}
		})
	}
}
