package revocation_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestCRLTracked follows the CRL of a served certificate as its CA
// publishes it: tracked fresh with its number and dates, then expiring
// within the margin, stale past its next update, regressed when its
// number goes backwards, healthy again with a higher one, each problem
// raising a crl_health alert (through the default rule) that resolves
// when it goes; the responder of another certificate is tracked beside
// it; another organization sees none of it; and the rows go when nothing
// served names them.
func TestCRLTracked(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &storetest.Clock{}
			st := storetest.Open(t, d, store.Options{Now: clk.Now})
			org := newOrganization(t, st, "crl@example.com", "CRLs")
			other := newOrganization(t, st, "other@example.com", "Other")
			ca := newCA(t, "CRL CA "+string(d))
			host := "crl-" + string(d) + ".example.test"
			leaf, key := ca.issueFor(host, "", ca.srv.URL+"/crl")
			dom := serveDomain(t, st, org.ID, host, []*x509.Certificate{leaf, ca.cert}, key, nil)
			ocspHost := "ocsp-" + string(d) + ".example.test"
			ocspLeaf, ocspKey := ca.issueFor(ocspHost, ca.srv.URL+"/ocsp", "")
			serveDomain(t, st, org.ID, ocspHost, []*x509.Certificate{ocspLeaf, ca.cert}, ocspKey, nil)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			check := endpointChecker(st, monitor.NewIngester(st, nil, log), log)
			if err := check.Run(ctx); err != nil {
				t.Fatal(err)
			}
			r := &revocation.Refresher{Store: st, Checker: newChecker(clk.Now, 5*time.Second), Log: log, Batch: 10, MaxBatches: 2, Concurrency: 2}
			evaluator := alerts.NewEvaluator(st, "https://certinel.example", log, nil)
			crlURL := ca.srv.URL + "/crl"
			// source refreshes and evaluates alerts after moving the clock,
			// checks the open crl_health alerts are those of want, and
			// answers the CRL's record and health.
			source := func(step string, advance time.Duration, want ...revocation.Problem) (store.RevocationSource, []revocation.Problem) {
				t.Helper()
				clk.Advance(advance)
				if err := r.Run(ctx); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if err := evaluator.Run(ctx); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				open, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeCRLHealth, State: store.AlertOpen}, store.Page{Number: 1, PerPage: 10})
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				var problems []revocation.Problem
				for _, a := range open {
					var e notify.Event
					if err := json.Unmarshal([]byte(a.Payload), &e); err != nil || e.RevocationSource == nil || e.RevocationSource.URL != crlURL {
						t.Fatalf("%s: alert payload %s (%v), want the CRL named", step, a.Payload, err)
					}
					problems = append(problems, revocation.Problem(e.Problem))
				}
				if !slices.Equal(problems, want) {
					t.Fatalf("%s: open crl_health alerts %v, want %v", step, problems, want)
				}
				got, err := st.RevocationSourcesByURL(ctx, org.ID, "crl", []string{crlURL})
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				src, ok := got[crlURL]
				if !ok {
					t.Fatalf("%s: CRL %s not tracked", step, crlURL)
				}
				return src, revocation.Health(src, clk.Now(), 0)
			}

			src, health := source("fresh", 0)
			wantNext := ca.crlNext.UTC().Truncate(time.Second)
			if src.CRLNumber != "1" || src.NextUpdate == nil || !src.NextUpdate.Equal(wantNext) || src.ThisUpdate == nil ||
				!src.ThisUpdate.Equal(wantNext.Add(-7*24*time.Hour)) || src.SizeBytes == 0 || !strings.Contains(src.Issuer, "CRL CA") ||
				src.IssuerKeyID == "" || src.AnsweredAt == nil || src.Failures != 0 || len(health) != 0 {
				t.Fatalf("fresh CRL: %+v %v, want number 1, its dates, size and issuer, healthy", src, health)
			}

			ca.publish(2, clk.Now().Add(revocation.MaxRecheck+12*time.Hour))
			if src, health = source("expiring", revocation.MaxRecheck+time.Minute, revocation.ProblemExpiring); src.CRLNumber != "2" || !slices.Equal(health, []revocation.Problem{revocation.ProblemExpiring}) {
				t.Fatalf("CRL 12 hours from its next update: %+v %v, want number 2, expiring", src, health)
			}
			if src, health = source("stale", 13*time.Hour, revocation.ProblemStale); !slices.Equal(health, []revocation.Problem{revocation.ProblemStale}) {
				t.Fatalf("CRL past its next update: %+v %v, want stale", src, health)
			}
			ca.publish(1, clk.Now().Add(7*24*time.Hour))
			if src, health = source("regressed", revocation.MinRecheck+time.Minute, revocation.ProblemRegressed); src.CRLNumber != "1" || src.RegressedFrom != "2" ||
				!slices.Equal(health, []revocation.Problem{revocation.ProblemRegressed}) {
				t.Fatalf("CRL with a lower number: %+v %v, want regressed from 2", src, health)
			}
			ca.publish(3, clk.Now().Add(7*24*time.Hour))
			if src, health = source("fresh again", revocation.MaxRecheck+time.Minute); src.CRLNumber != "3" || src.RegressedFrom != "" || len(health) != 0 {
				t.Fatalf("CRL with a higher number: %+v %v, want healthy", src, health)
			}

			resolved, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeResolved}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(resolved) != 3 || !strings.Contains(resolved[0].Payload, `"resolves":"crl_health"`) || !strings.Contains(resolved[0].Payload, crlURL) {
				t.Fatalf("resolutions %+v, want one per problem gone, naming the CRL", resolved)
			}

			list, total, err := st.ListRevocationSources(ctx, org.ID, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if total != 2 || len(list) != 2 || list[0].Kind != "crl" || list[1].Kind != "ocsp" || list[1].URL != ca.srv.URL+"/ocsp" || list[1].AnsweredAt == nil {
				t.Fatalf("sources %+v (%d), want the CRL and the responder", list, total)
			}
			if list, total, err := st.ListRevocationSources(ctx, other.ID, store.Page{Number: 1, PerPage: 10}); err != nil || total != 0 || len(list) != 0 {
				t.Fatalf("another organization's sources: %+v %d %v, want none", list, total, err)
			}

			if err := st.DeleteDomain(ctx, org.ID, dom.ID); err != nil {
				t.Fatal(err)
			}
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if list, _, err := st.ListRevocationSources(ctx, org.ID, store.Page{Number: 1, PerPage: 10}); err != nil || len(list) != 1 || list[0].Kind != "ocsp" {
				t.Fatalf("after the domain went: %+v %v, want only the responder", list, err)
			}
		})
	}
}

// TestHealth: the rules of a CRL's health at a given time.
func TestHealth(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	week := 7 * 24 * time.Hour
	cases := []struct {
		name   string
		src    store.RevocationSource
		margin time.Duration
		want   []revocation.Problem
	}{
		{"fresh", store.RevocationSource{CRLNumber: "4", NumberSince: at(-time.Hour), ThisUpdate: at(-time.Hour), NextUpdate: at(week)}, 0, nil},
		{"just outside the margin", store.RevocationSource{NextUpdate: at(revocation.DefaultExpiringMargin + time.Second)}, 0, nil},
		{"within the margin", store.RevocationSource{NextUpdate: at(revocation.DefaultExpiringMargin)}, 0, []revocation.Problem{revocation.ProblemExpiring}},
		{"within a wider margin set", store.RevocationSource{NextUpdate: at(36 * time.Hour)}, 72 * time.Hour, []revocation.Problem{revocation.ProblemExpiring}},
		{"outside a narrower margin set", store.RevocationSource{NextUpdate: at(2 * time.Hour)}, time.Hour, nil},
		{"at its next update", store.RevocationSource{NextUpdate: at(0)}, 0, []revocation.Problem{revocation.ProblemStale}},
		{"number still for twice the interval", store.RevocationSource{CRLNumber: "4", NumberSince: at(-2 * week), ThisUpdate: at(-time.Hour), NextUpdate: at(week - time.Hour)}, 0, nil},
		{"number still for longer", store.RevocationSource{CRLNumber: "4", NumberSince: at(-2*week - time.Second), ThisUpdate: at(-time.Hour), NextUpdate: at(week - time.Hour)}, 0,
			[]revocation.Problem{revocation.ProblemStalled}},
		{"no number cannot stall", store.RevocationSource{ThisUpdate: at(-time.Hour), NextUpdate: at(week - time.Hour)}, 0, nil},
		{"regressed", store.RevocationSource{CRLNumber: "3", RegressedFrom: "4", NumberSince: at(-time.Hour), ThisUpdate: at(-time.Hour), NextUpdate: at(week)}, 0,
			[]revocation.Problem{revocation.ProblemRegressed}},
		{"a responder", store.RevocationSource{Kind: "ocsp", LastError: "timed out"}, 0, nil},
	}
	for _, c := range cases {
		if got := revocation.Health(c.src, now, c.margin); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestOverlongURLNotTracked: a certificate naming a CRL by a URL too long
// to index is still checked, and its CRL is not tracked (storing the URL
// would fail the tick on PostgreSQL, whose index entries are bounded).
func TestOverlongURLNotTracked(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, d, store.Options{})
			org := newOrganization(t, st, "long@example.com", "Long")
			ca := newCA(t, "Long CA "+string(d))
			host := "long-" + string(d) + ".example.test"
			pad := make([]byte, 1600) // random, so that PostgreSQL cannot compress it into an index entry
			if _, err := rand.Read(pad); err != nil {
				t.Fatal(err)
			}
			leaf, key := ca.issueFor(host, "", ca.srv.URL+"/crl?pad="+hex.EncodeToString(pad))
			serveDomain(t, st, org.ID, host, []*x509.Certificate{leaf, ca.cert}, key, nil)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			if err := endpointChecker(st, monitor.NewIngester(st, nil, log), log).Run(ctx); err != nil {
				t.Fatal(err)
			}
			r := &revocation.Refresher{Store: st, Checker: newChecker(nil, 5*time.Second), Log: log, Batch: 10, MaxBatches: 1, Concurrency: 1}
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := st.RevocationStatuses(ctx, org.ID, []string{fingerprint(leaf)})
			if err != nil {
				t.Fatal(err)
			}
			if s := got[fingerprint(leaf)]; s.State != "good" || s.Source != "crl" || s.CRLURL != "" {
				t.Fatalf("status %+v, want good by CRL with no URL tracked", s)
			}
			if list, total, err := st.ListRevocationSources(ctx, org.ID, store.Page{Number: 1, PerPage: 10}); err != nil || total != 0 {
				t.Fatalf("sources %+v (%v), want none", list, err)
			}
		})
	}
}

// TestCRLExpiryMarginSet: with a margin wider than the CRL's week of
// validity, a freshly published CRL is already expiring, for the
// attention time the checker stores and the alert evaluation alike.
func TestCRLExpiryMarginSet(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &storetest.Clock{}
			st := storetest.Open(t, d, store.Options{Now: clk.Now})
			org := newOrganization(t, st, "margin@example.com", "Margins")
			ca := newCA(t, "Margin CA "+string(d))
			host := "margin-" + string(d) + ".example.test"
			leaf, key := ca.issueFor(host, "", ca.srv.URL+"/crl")
			serveDomain(t, st, org.ID, host, []*x509.Certificate{leaf, ca.cert}, key, nil)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			if err := endpointChecker(st, monitor.NewIngester(st, nil, log), log).Run(ctx); err != nil {
				t.Fatal(err)
			}
			margin := 8 * 24 * time.Hour
			checker := newChecker(clk.Now, 5*time.Second)
			checker.ExpiringMargin = margin
			r := &revocation.Refresher{Store: st, Checker: checker, Log: log, Batch: 10, MaxBatches: 2, Concurrency: 2}
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			evaluator := alerts.NewEvaluator(st, "https://certinel.example", log, nil)
			evaluator.CRLExpiringMargin = margin
			if err := evaluator.Run(ctx); err != nil {
				t.Fatal(err)
			}
			open, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeCRLHealth, State: store.AlertOpen}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(open) != 1 || !strings.Contains(open[0].Payload, `"problem":"expiring"`) {
				t.Fatalf("open crl_health alerts %+v, want the fresh CRL expiring within the 8-day margin", open)
			}
		})
	}
}
