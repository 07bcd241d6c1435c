package email_test

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/outbox"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// serveSMTPOn starts the recording SMTP server on a given port.
func serveSMTPOn(t *testing.T, port int) *smtpServer {
	s := &smtpServer{reject: map[string]bool{}, port: port}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{srv: s, conn: c}, nil }))
	srv.Domain = "mx.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

// expiringAlert makes an organization whose owner gets an email about a
// certificate expiring in 6 days, evaluated: one email waits in the outbox.
func expiringAlert(t *testing.T, d store.Dialect) (*store.Store, string) {
	ctx := context.Background()
	st := storetest.Open(t, d, store.Options{})
	_, org, err := st.CreateAccount(ctx, "owner@example.com", "h", "Example")
	if err != nil {
		t.Fatal(err)
	}
	dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "pay.example.com", Port: 443, Protocol: "tls"})
	if err != nil {
		t.Fatal(err)
	}
	sha := strings.Repeat("ab", 32)
	na := st.Now().Add(6*24*time.Hour + time.Hour)
	obs := store.Observation{ID: store.NewID(), DomainID: &dom.ID, ObservedAt: st.Now(), LeafSHA256: sha, NotAfter: &na,
		Renewal: lifecycle.NewPlan(na.Add(-90*lifecycle.Day), na, na, lifecycle.Settings{}, nil)}
	if _, err := st.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "b", Observations: []store.Observation{obs}, Rejected: "[]"}); err != nil {
		t.Fatal(err)
	}
	if err := alerts.NewEvaluator(st, "https://certinel.example", quiet(), nil).Run(ctx); err != nil {
		t.Fatal(err)
	}
	return st, sha
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func mailWorker(st *store.Store, port int) *outbox.Worker {
	return &outbox.Worker{Store: st, Providers: notifytest.Registry(email.New(relay(port, email.TLSNone))),
		Log: quiet(), Holder: "w", Batch: 10, Lease: time.Minute, MaxAttempts: 5, Concurrency: 2, SendTimeout: 5 * time.Second,
		RetryBase: 10 * time.Millisecond, RetryMax: 20 * time.Millisecond, Poll: time.Second}
}

// TestAlertSurvivesSMTPOutage: the relay is down for the first attempt and
// up for the next; the alert arrives once, with what the owner needs.
func TestAlertSurvivesSMTPOutage(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st, sha := expiringAlert(t, d)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			port := ln.Addr().(*net.TCPAddr).Port
			ln.Close() // the relay is down
			w := mailWorker(st, port)
			if n, err := w.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("first run: %d %v", n, err)
			}
			smtpd := serveSMTPOn(t, port) // and back up
			time.Sleep(50 * time.Millisecond)
			for i := 0; i < 3; i++ {
				if _, err := w.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
				time.Sleep(30 * time.Millisecond)
			}
			got := smtpd.delivered()
			if len(got) != 1 {
				t.Fatalf("%d messages delivered, want 1", len(got))
			}
			msg := parse(t, got[0].data)
			if len(got[0].to) != 1 || got[0].to[0] != "owner@example.com" {
				t.Errorf("recipients %v", got[0].to)
			}
			subject := msg.header.Get("Subject")
			for _, want := range []string{"pay.example.com", "6 days", sha} {
				if !strings.Contains(subject+msg.text, want) {
					t.Errorf("message lacks %q:\n%s\n%s", want, subject, msg.text)
				}
			}
		})
	}
}

// TestMessageIDStableAcrossRetry: the relay reads the first try of an alert
// and answers 451; the outbox sends it again later, under the same
// Message-ID, so a copy that did get through folds with the retry.
func TestMessageIDStableAcrossRetry(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st, _ := expiringAlert(t, d)
			smtpd := startSMTP(t, serverOptions{})
			smtpd.tempFail = 1
			w := mailWorker(st, smtpd.port)
			// The retry is due 10-20ms after the refusal: look until then.
			deadline := time.Now().Add(10 * time.Second)
			for i := 0; i < 10000 && len(smtpd.delivered()) == 0 && time.Now().Before(deadline); i++ {
				if _, err := w.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
			got := smtpd.delivered()
			smtpd.mu.Lock()
			refused := smtpd.refused
			smtpd.mu.Unlock()
			if len(refused) != 1 || len(got) != 1 {
				t.Fatalf("%d tries refused, %d delivered; want 1 and 1", len(refused), len(got))
			}
			first, retry := parse(t, refused[0]).header.Get("Message-Id"), parse(t, got[0].data).header.Get("Message-Id")
			if first != retry || !strings.HasPrefix(first, "<certinel.msg_") || !strings.HasSuffix(first, "@certinel.test>") {
				t.Fatalf("Message-ID %q, on retry %q: want one, at the From domain", first, retry)
			}
		})
	}
}
