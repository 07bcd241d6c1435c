package alerts_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// lifetimes are the certificates of today and tomorrow: Let's Encrypt's
// short-lived and 45-day profiles, its classic 90 days, and the
// CA/Browser Forum caps of 2026 (200 days) and before (398), with the
// margin before expiry at which a failed rotation is urgent.
var lifetimes = []struct {
	days   int
	margin time.Duration
}{
	{6, 1 * lifecycle.Day},
	{45, 7*lifecycle.Day + 12*time.Hour},
	{90, 15 * lifecycle.Day},
	{200, 200 * lifecycle.Day / 6},
	{398, 398 * lifecycle.Day / 6},
}

// rotation is one organization under its default alert rule, whose agent
// checks one endpoint through the real ingest path, and whose alerts are
// evaluated and drained from the outbox as the clock moves.
type rotation struct {
	t      *testing.T
	ctx    context.Context
	clk    *clock
	st     *store.Store
	ing    *monitor.Ingester
	ev     *alerts.Evaluator
	src    monitor.Source
	domain store.Domain
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	batch  int
	// sent lists the notifications the outbox handed out, with when.
	sent []delivery
}

type delivery struct {
	typ string
	at  time.Time
	// notAfter is of the certificate the notification is about.
	notAfter time.Time
}

func newRotation(t *testing.T, d store.Dialect, start time.Time) *rotation {
	clk := &clock{t: start}
	st := storetest.Open(t, d, store.Options{Now: clk.now})
	ctx := context.Background()
	_, org, err := st.CreateAccount(ctx, "owner@example.com", "h", "Example")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "dc-1", Prefix: "p", TokenHash: "agent-" + org.ID})
	if err != nil {
		t.Fatal(err)
	}
	dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "app.internal", Port: 443, Protocol: "tls", AgentID: &agent.ID})
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Rotation Root"},
		NotBefore: start.AddDate(-1, 0, 0), NotAfter: start.AddDate(20, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &rotation{t: t, ctx: ctx, clk: clk, st: st, ing: monitor.NewIngester(st, roots, log),
		ev:     alerts.NewEvaluator(st, "https://certinel.example", log, nil),
		src:    monitor.Source{OrgID: org.ID, AgentID: &agent.ID, Targets: map[string]store.Domain{dom.ID: dom}},
		domain: dom, ca: ca, caKey: key}
}

// issue is a leaf for the endpoint, valid from now for days.
func (r *rotation) issue(days int) *x509.Certificate {
	r.t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		r.t.Fatal(err)
	}
	now := r.clk.t
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: r.domain.Host},
		DNSNames: []string{r.domain.Host}, NotBefore: now, NotAfter: now.Add(time.Duration(days) * lifecycle.Day),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, r.ca, key.Public(), r.caKey)
	if err != nil {
		r.t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		r.t.Fatal(err)
	}
	return leaf
}

// check is the agent reporting the leaf served now, then the evaluation
// that follows an ingest, then the outbox handing out what it holds.
func (r *rotation) check(leaf *x509.Certificate) {
	r.t.Helper()
	r.batch++
	req := wire.ResultsRequest{BatchID: fmt.Sprint("check-", r.batch), Results: []wire.Result{{
		TargetID: r.domain.ID, Address: "10.0.0.1:443", ObservedAt: r.clk.t,
		Chain: []string{base64.StdEncoding.EncodeToString(leaf.Raw)}}}}
	resp, err := r.ing.Ingest(r.ctx, r.src, req)
	if err != nil || resp.Accepted != 1 {
		r.t.Fatalf("ingest at %s: %+v %v", r.clk.t, resp, err)
	}
	r.evaluate()
}

// evaluate runs a scheduled pass and drains the outbox.
func (r *rotation) evaluate() {
	r.t.Helper()
	if _, err := r.ev.Pass(r.ctx, ""); err != nil {
		r.t.Fatal(err)
	}
	rows, err := r.st.ClaimOutbox(r.ctx, "test", 100, time.Minute)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, row := range rows {
		var e notify.Event
		if err := json.Unmarshal([]byte(row.Payload), &e); err != nil {
			r.t.Fatal(err)
		}
		d := delivery{typ: e.Type, at: r.clk.t}
		if e.NotAfter != nil {
			d.notAfter = *e.NotAfter
		}
		r.sent = append(r.sent, d)
	}
	if err := r.st.FinishDelivery(r.ctx, "test", rows, store.Delivery{OK: true}); err != nil {
		r.t.Fatal(err)
	}
}

// history counts the organization's alerts by type, notified or not.
func (r *rotation) history() map[string]int {
	r.t.Helper()
	list, _, err := r.st.ListAlerts(r.ctx, r.src.OrgID, store.AlertFilter{}, store.Page{Number: 1, PerPage: 200})
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]int{}
	for _, a := range list {
		out[a.Type]++
	}
	return out
}

// step is how often the agent checks in these tests: fine enough to see
// every window and margin (a 48th of the lifetime), at most every 4 hours
// as the agent does, so that long lifetimes stay quick to run.
func step(days int) time.Duration {
	return max(time.Duration(days)*lifecycle.Day/48, 4*time.Hour)
}

// eachLifetime runs fn on both databases for every lifetime, with a fresh
// organization.
func eachLifetime(t *testing.T, fn func(t *testing.T, r *rotation, days int, margin time.Duration)) {
	for _, d := range storetest.Dialects {
		for _, lt := range lifetimes {
			t.Run(fmt.Sprintf("%s/%d days", d, lt.days), func(t *testing.T) {
				fn(t, newRotation(t, d, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), lt.days, lt.margin)
			})
		}
	}
}

// TestHealthyRotationsSendNothing: certificates renewed when ACME clients
// renew them (half-life under 10 days, two thirds otherwise), through
// three renewals, never make a notification; each change is in the
// history as information.
func TestHealthyRotationsSendNothing(t *testing.T) {
	eachLifetime(t, func(t *testing.T, r *rotation, days int, _ time.Duration) {
		leaf := r.issue(days)
		renewals := 0
		for range 4 * 48 {
			w := lifecycle.Estimate(leaf.NotBefore, leaf.NotAfter, lifecycle.Settings{})
			if !r.clk.t.Before(w.Start) {
				if renewals == 3 {
					break
				}
				leaf, renewals = r.issue(days), renewals+1
			}
			r.check(leaf)
			r.clk.t = r.clk.t.Add(step(days))
		}
		if renewals != 3 {
			t.Fatalf("%d renewals, want 3", renewals)
		}
		if len(r.sent) != 0 {
			t.Errorf("healthy rotations sent %d notifications: %+v", len(r.sent), r.sent)
		}
		if h := r.history(); h[notify.TypeChanged] != 3 || len(h) != 1 {
			t.Errorf("history %v, want the 3 changes only", h)
		}
	})
}

// TestFailedRotationAlertsBeforeExpiry: the first renewal happens, the
// second never does. The default rule alerts once when the renewal window
// has passed (renewal_overdue) and once when the certificate becomes
// urgent, at least its lifetime's margin before expiry (give or take one
// check), and nothing else until it expires.
func TestFailedRotationAlertsBeforeExpiry(t *testing.T) {
	eachLifetime(t, func(t *testing.T, r *rotation, days int, margin time.Duration) {
		leaf := r.issue(days)
		renewed := false
		for range 3 * 48 {
			if !r.clk.t.Before(leaf.NotAfter) {
				break
			}
			w := lifecycle.Estimate(leaf.NotBefore, leaf.NotAfter, lifecycle.Settings{})
			if !renewed && !r.clk.t.Before(w.Start) {
				leaf, renewed = r.issue(days), true
			}
			r.check(leaf)
			r.clk.t = r.clk.t.Add(step(days))
		}
		if !renewed || r.clk.t.Before(leaf.NotAfter) {
			t.Fatalf("the scenario did not reach the expiry of the unrenewed certificate (%s)", r.clk.t)
		}
		plan := lifecycle.NewPlan(leaf.NotBefore, leaf.NotAfter, leaf.NotAfter, lifecycle.Settings{}, nil)
		if got := leaf.NotAfter.Sub(plan.UrgentAt); got != margin {
			t.Errorf("margin %s, want %s", got, margin)
		}
		if len(r.sent) != 2 || r.sent[0].typ != notify.TypeRenewalOverdue || r.sent[1].typ != notify.TypeExpiring {
			t.Fatalf("sent %+v, want renewal_overdue then expiring", r.sent)
		}
		overdue, urgent := r.sent[0], r.sent[1]
		if overdue.at.Before(plan.Window.End) || !overdue.at.Before(plan.Window.End.Add(step(days))) {
			t.Errorf("renewal_overdue at %s, want within a check of the window's end %s", overdue.at, plan.Window.End)
		}
		if urgent.at.Before(plan.UrgentAt) || !urgent.at.Before(plan.UrgentAt.Add(step(days))) {
			t.Errorf("expiring at %s, want within a check of %s", urgent.at, plan.UrgentAt)
		}
		if left := leaf.NotAfter.Sub(urgent.at); left < margin-step(days) {
			t.Errorf("expiring sent %s before expiry, want about %s", left, margin)
		}
		for _, s := range r.sent {
			if !s.notAfter.Equal(leaf.NotAfter) {
				t.Errorf("%s is about a certificate expiring %s, want %s", s.typ, s.notAfter, leaf.NotAfter)
			}
		}
		// Expiry itself is news too.
		r.check(leaf)
		if last := r.sent[len(r.sent)-1]; len(r.sent) != 3 || last.typ != notify.TypeExpired {
			t.Errorf("after expiry sent %+v, want expired last", r.sent)
		}
	})
}

// TestFloorMakesAnOverdueRenewalUrgent: an organization that sets an
// absolute floor gets the urgent alert of a certificate past its window
// with fewer days left at once, without waiting for a check.
func TestFloorMakesAnOverdueRenewalUrgent(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			r := newRotation(t, d, start)
			leaf := r.issue(90)
			r.clk.t = start.Add(70 * lifecycle.Day) // 20 days left: overdue, urgent only at 15
			r.check(leaf)
			if len(r.sent) != 1 || r.sent[0].typ != notify.TypeRenewalOverdue {
				t.Fatalf("sent %+v, want renewal_overdue", r.sent)
			}
			org, err := r.st.Organization(r.ctx, r.src.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			org.ExpiringThresholdDays, org.Policy = 30, "{}" // as the API saves it
			if _, err := r.st.UpdateOrganization(r.ctx, org); err != nil {
				t.Fatal(err)
			}
			r.clk.t = r.clk.t.Add(time.Minute)
			r.evaluate()
			if len(r.sent) != 2 || r.sent[1].typ != notify.TypeExpiring {
				t.Fatalf("after a 30-day floor sent %+v, want expiring", r.sent)
			}
		})
	}
}
