package ari_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"certinel.dev/server/internal/ari"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/server/internal/tlstest"
)

// checkDomains runs the server's own checks of every domain, as the
// server-checks job does, so that the chains they serve are stored.
func checkDomains(t *testing.T, st *store.Store, log *slog.Logger) {
	t.Helper()
	check := &monitor.Checker{Store: st, Ingester: monitor.NewIngester(st, nil, log), Log: log,
		Dial: netguard.New(true).DialContext, Concurrency: 5, Timeout: 5 * time.Second, Batch: 10}
	if err := check.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// TestRefresherAgainstPebble follows a certificate from Pebble served by a
// monitored endpoint: unknown CA until the organization adds Pebble's
// directory, then the suggested window is stored, and once the
// certificate is revoked the window moves earlier and alerts.
func TestRefresherAgainstPebble(t *testing.T) {
	p := startPebble(t)
	acct := p.account(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &storetest.Clock{}
			st := storetest.Open(t, d, store.Options{Now: clk.Now})
			_, org, err := st.CreateAccount(ctx, "ari@example.com", "h", "ARI")
			if err != nil {
				t.Fatal(err)
			}
			chain, key := acct.issueWithKey(t, "ari-"+string(d)+".example.test")
			leaf, issuer := chain[0], chain[1]
			dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "127.0.0.1", Port: tlstest.ServeChain(t, chain, key), Protocol: "tls", SNI: leaf.DNSNames[0]})
			if err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			checkDomains(t, st, log)
			woken := 0
			// The server's own client: through the guard, trusting the system's
			// roots only. Pebble's HTTPS certificate is trusted through the
			// organization's CA bundle, as an internal CA's would be.
			rejudger := monitor.NewRejudger(st, monitor.NewIngester(st, nil, log), log)
			r := &ari.Refresher{Store: st, Client: ari.NewClient(netguard.New(true).HTTPClient(10*time.Second), nil), Log: log,
				BaseURL: "https://certinel.example", Recorded: func() { woken++ }, WindowChanged: rejudger.Request,
				Batch: 10, MaxBatches: 3, Concurrency: 2}
			// judgedWindow is the renewal window the domain's status rests
			// on, once the stored chain was judged again.
			judgedWindow := func() (string, *time.Time) {
				t.Helper()
				if err := rejudger.RunPending(ctx); err != nil {
					t.Fatal(err)
				}
				v, err := st.GetDomain(ctx, org.ID, dom.ID, 0)
				if err != nil {
					t.Fatal(err)
				}
				return v.WindowSource, v.WindowStart
			}
			sha := fingerprint(leaf)
			window := func() store.RenewalInfo {
				t.Helper()
				if err := r.Run(ctx); err != nil {
					t.Fatal(err)
				}
				got, err := st.RenewalInfoOf(ctx, org.ID, sha)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Fatal(err)
				}
				return got
			}

			if w := window(); w.WindowStart != nil {
				t.Fatalf("window %v from a CA whose directory nobody gave", w.WindowStart)
			}
			if _, err := st.CreateACMEDirectory(ctx, org.ID, store.ACMEDirectory{Name: "Pebble", DirectoryURL: p.Directory,
				IssuerSHA256: fingerprint(issuer)}); err != nil {
				t.Fatal(err)
			}
			if w := window(); w.WindowStart != nil || w.LastError == "" || w.Failures != 1 {
				t.Fatalf("lookup of a CA served with an untrusted certificate: %+v", w)
			}
			if _, err := st.CreateCABundle(ctx, org.ID, store.CABundle{Name: "Pebble", PEM: p.RootPEM, Certificates: 1}); err != nil {
				t.Fatal(err)
			}
			clk.Advance(ari.MinRetry)
			first := window()
			if first.WindowStart == nil || first.WindowStart.Before(leaf.NotBefore) || first.WindowEnd.After(leaf.NotAfter) {
				t.Fatalf("suggested window %v – %v, want one within %s – %s", first.WindowStart, first.WindowEnd, leaf.NotBefore, leaf.NotAfter)
			}
			if got, err := st.RenewalWindows(ctx, org.ID, []string{sha, "unknown"}); err != nil || len(got) != 1 || !got[sha].WindowStart.Equal(*first.WindowStart) {
				t.Errorf("RenewalWindows = %+v, %v; want the one window", got, err)
			}
			// The CA's window replaces the estimate at once, without a check,
			// and so does every later check.
			if src, start := judgedWindow(); src != lifecycle.SourceARI || start == nil || !start.Equal(*first.WindowStart) {
				t.Errorf("after the lookup the status rests on a %q window starting %v, want the CA's from %v", src, start, first.WindowStart)
			}
			checkDomains(t, st, log)
			if v, err := st.GetDomain(ctx, org.ID, dom.ID, 0); err != nil || v.WindowSource != lifecycle.SourceARI {
				t.Errorf("after a new check the window is %q (%v), want the CA's", v.WindowSource, err)
			}
			if want := clk.Now().Add(6 * time.Hour); first.NextFetchAt.Before(want.Add(-time.Minute)) || first.NextFetchAt.After(want.Add(time.Minute)) {
				t.Errorf("next lookup at %s, want Pebble's Retry-After of 6h (%s)", first.NextFetchAt, want)
			}

			acct.revoke(t, leaf)
			if w := window(); !w.WindowStart.Equal(*first.WindowStart) {
				t.Fatalf("looked up again before Retry-After: window now starts %s", w.WindowStart)
			}
			clk.Advance(7 * time.Hour)
			moved := window()
			if !moved.WindowStart.Before(*first.WindowStart) || moved.PreviousStart == nil || !moved.PreviousStart.Equal(*first.WindowStart) {
				t.Fatalf("after revocation: window %v (previous %v), want it earlier than %v", moved.WindowStart, moved.PreviousStart, first.WindowStart)
			}
			if _, start := judgedWindow(); start == nil || !start.Equal(*moved.WindowStart) {
				t.Errorf("after revocation the status rests on a window starting %v, want the CA's new %v", start, moved.WindowStart)
			}
			alerts, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeRenewalWindowMovedEarlier}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(alerts) != 1 || alerts[0].DomainID == nil || *alerts[0].DomainID != dom.ID {
				t.Fatalf("alerts %+v, want one for domain %s", alerts, dom.ID)
			}
			outbox, _, err := st.Deliveries(ctx, org.ID, []string{alerts[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(outbox) != 1 || !strings.Contains(outbox[0].Payload, `"type":"`+notify.TypeRenewalWindowMovedEarlier+`"`) || woken != 1 {
				t.Fatalf("outbox %+v (outbox woken %d times), want one notification of the default rule's channel", outbox, woken)
			}

			// Asked again later, the CA still wants renewal now: no new alert.
			clk.Advance(7 * time.Hour)
			window()
			again, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeRenewalWindowMovedEarlier}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 1 {
				t.Errorf("%d alerts after another lookup, want still 1", len(again))
			}

			// Once no domain serves it, what the CA said of it is forgotten.
			if err := st.DeleteDomain(ctx, org.ID, dom.ID); err != nil {
				t.Fatal(err)
			}
			if w := window(); w.SHA256 != "" {
				t.Errorf("renewal info kept for a certificate nobody serves: %+v", w)
			}
		})
	}
}

// TestRefresherStopsAskingAFailingCA: once a CA failed three times in a
// row during a pass, its other certificates are not asked until a later
// pass, so a CA that is down cannot hold the pass for a timeout each.
func TestRefresherStopsAskingAFailingCA(t *testing.T) {
	p := startPebble(t)
	acct := p.account(t)
	var asked atomic.Int32
	ca := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/directory" {
			fmt.Fprintf(w, `{"renewalInfo": "https://%s/renewal-info"}`, r.Host)
			return
		}
		asked.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(ca.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Certificate().Raw}))

	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			asked.Store(0)
			st := storetest.Open(t, d, store.Options{})
			_, org, err := st.CreateAccount(ctx, "down@example.com", "h", "Down")
			if err != nil {
				t.Fatal(err)
			}
			var issuer *x509.Certificate
			for i := range 5 {
				chain, key := acct.issueWithKey(t, fmt.Sprintf("down-%d-%s.example.test", i, d))
				issuer = chain[1]
				if _, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "127.0.0.1", Port: tlstest.ServeChain(t, chain, key), Protocol: "tls", SNI: chain[0].DNSNames[0]}); err != nil {
					t.Fatal(err)
				}
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			checkDomains(t, st, log)
			if _, err := st.CreateCABundle(ctx, org.ID, store.CABundle{Name: "test CA", PEM: caPEM, Certificates: 1}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateACMEDirectory(ctx, org.ID, store.ACMEDirectory{Name: "down", DirectoryURL: ca.URL + "/directory",
				IssuerSHA256: fingerprint(issuer)}); err != nil {
				t.Fatal(err)
			}
			r := &ari.Refresher{Store: st, Client: ari.NewClient(netguard.New(true).HTTPClient(10*time.Second), nil), Log: log,
				Batch: 10, MaxBatches: 1, Concurrency: 1}
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if n := asked.Load(); n != 3 {
				t.Errorf("the failing CA was asked %d times, want 3", n)
			}
			due, err := st.DueRenewalLookups(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(due) != 0 {
				t.Errorf("%d certificates still due after the pass, want every one put off", len(due))
			}
		})
	}
}
