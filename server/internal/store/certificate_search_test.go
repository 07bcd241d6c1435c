package store_test

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// certificateSearchFixture is an inventory of numbered certificates of one
// issuer, as the scale harness makes, and a few whose texts hold LIKE's
// wildcards, quotes, tsquery operators or more than the suffix index
// holds (a term past its first 256 characters, or across them).
func certificateSearchFixture(t *testing.T, d store.Dialect) (*store.Store, string, []store.Certificate) {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, d, store.Options{})
	_, org, err := s.CreateAccount(ctx, "inventory-search@example.com", "h", "I")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "CN=Scale Bench Issuing CA 1,O=Scale Bench Inc"
	subjects := map[string]string{
		"CN=pct%.example": issuer, "CN=under_score.example": issuer, "CN=o'x.example": issuer,
		`CN=back\slash.example`: issuer, "CN=a:*|!b.example": issuer, "CN=Spaced Name,O=Acme": issuer,
		"CN=" + strings.Repeat("L", 300) + "needle-deep": issuer,
		"CN=" + strings.Repeat("x", 250) + "boundary":    issuer,
		"CN=long-issuer.example":                         "CN=" + strings.Repeat("I", 300) + " Far CA",
	}
	for i := range 1500 {
		subjects[fmt.Sprintf("CN=svc%07d.o00001.scale.example,O=Scale Bench Inc", i)] = issuer
	}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var certs []store.Certificate
	for subject, iss := range subjects {
		sum := sha256.Sum256([]byte(subject))
		sha := hex.EncodeToString(sum[:])
		c := inventoryCert(sha, subject, t0.Add(time.Duration(sum[0])*time.Hour), 90+int(sum[1]), false)
		c.Issuer = iss
		certs = append(certs, c)
	}
	if err := store.SeedInventory(ctx, s, org.ID, certs); err != nil {
		t.Fatal(err)
	}
	if d == store.Postgres {
		storetest.Analyze(t, s)
	}
	return s, org.ID, certs
}

// TestCertificateSearchTerms checks that an inventory search finds what
// LIKE finds in the subject or issuer, or a fingerprint's start, in the
// inventory's order, for terms rare and common, with wildcards, quotes and
// operators taken literally, in the case LIKE matches, and in texts longer
// than the suffix index holds.
func TestCertificateSearchTerms(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s, orgID, certs := certificateSearchFixture(t, d)
			slices.SortFunc(certs, func(a, b store.Certificate) int {
				return cmp.Or(a.NotAfter.Compare(b.NotAfter), cmp.Compare(a.SHA256, b.SHA256))
			})
			terms := []string{"svc00000", "svc0000149", "Scale Bench", "scale bench", "%", "_", "o'x", `\`, "a:*|!b",
				"Spaced Name,", "needle-deep", "boundary", "xboundary", "Far CA", "nowhere", certs[7].SHA256[:6], "Svc"}
			for _, term := range terms {
				holds := strings.Contains
				if d == store.SQLite {
					// SQLite's LIKE ignores the case of ASCII letters.
					holds = func(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }
				}
				var want []string
				for _, c := range certs {
					if holds(c.Subject, term) || holds(c.Issuer, term) || strings.HasPrefix(c.SHA256, strings.ToLower(term)) {
						want = append(want, c.SHA256)
					}
				}
				items, total, err := s.ListCertificates(context.Background(), orgID, store.CertificateFilter{Query: term}, store.Page{Number: 1, PerPage: 100})
				if err != nil {
					t.Fatalf("q=%q: %v", term, err)
				}
				got := make([]string, len(items))
				for i, it := range items {
					got[i] = it.SHA256
				}
				if total != int64(len(want)) || !slices.Equal(got, want[:min(len(want), 100)]) {
					t.Errorf("q=%q: %d of %d, want %d of %d", term, len(got), total, min(len(want), 100), len(want))
				}
			}
		})
	}
}

// TestCertificateSearchPlan checks that PostgreSQL finds a term few
// certificates hold through the suffix index, and keeps scanning the
// summary for one that most certificates' issuer holds.
func TestCertificateSearchPlan(t *testing.T) {
	t.Parallel()
	s, orgID, _ := certificateSearchFixture(t, store.Postgres)
	for term, suffixes := range map[string]bool{"svc00000": true, "needle": true, "ab": true, "Scale Bench": false, "CN=": false} {
		plan, err := store.CertificateSearchPlan(context.Background(), s, orgID, term)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plan, "certificates_text_suffixes") != suffixes {
			t.Errorf("q=%q: plan\n%s\nwant the suffix index %v", term, plan, suffixes)
		}
	}
}
