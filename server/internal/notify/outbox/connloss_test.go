package outbox_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the test's own connection, which kills the worker's

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/outbox"
	"certinel.dev/server/internal/notify/webhook"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// killingReceiver counts deliveries by their idempotency key (webhook-id)
// and the events they carry and, on every killEvery-th request, terminates
// the worker's database connections before it answers: the worker then
// records the delivery on a broken connection.
type killingReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	seen     map[string]int // by webhook-id
	events   map[string]bool
	kills    int
	err      error
}

func newKillingReceiver(t *testing.T, admin *sql.DB, application string, killEvery, maxKills int) *killingReceiver {
	r := &killingReceiver{seen: map[string]int{}, events: map[string]bool{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body struct {
			Events []struct {
				ID string `json:"id"`
			} `json:"events"`
		}
		_ = json.NewDecoder(req.Body).Decode(&body)
		r.mu.Lock()
		r.requests++
		r.seen[req.Header.Get("webhook-id")]++
		for _, e := range body.Events {
			r.events[e.ID] = true
		}
		kill := r.requests%killEvery == 0 && r.kills < maxKills
		if kill {
			r.kills++
		}
		r.mu.Unlock()
		if kill {
			if _, err := admin.ExecContext(req.Context(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = $1`, application); err != nil {
				r.mu.Lock()
				r.err = err
				r.mu.Unlock()
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.Close)
	return r
}

// TestExactlyOnceThroughConnectionLoss delivers 300 notifications while the
// worker's PostgreSQL backends are terminated again and again, right while
// sends are in flight: every notification arrives, and none twice.
func TestExactlyOnceThroughConnectionLoss(t *testing.T) {
	const total = 300
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	application := "outbox-connloss-" + hex.EncodeToString(buf)
	dsn := storetest.PostgresSchemaURL(t)
	st := storetest.OpenPostgresURL(t, storetest.WithParam(t, dsn, "application_name", application), store.Options{})
	admin, err := sql.Open("pgx", storetest.WithParam(t, dsn, "application_name", application+"-admin"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	rcv := newKillingReceiver(t, admin, application, 7, 40)
	ctx := context.Background()
	queueAlerts(t, ctx, st, rcv.URL, total)

	w := &outbox.Worker{
		Store:     st,
		Providers: notifytest.Registry(webhook.New(netguard.New(true).HTTPClient(5*time.Second), nil, nil)),
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)), Holder: "w1", Batch: 20, Lease: time.Second,
		MaxAttempts: 50, Concurrency: 4, SendTimeout: 5 * time.Second, RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond,
		Poll: 20 * time.Millisecond,
	}
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); w.Loop(run) }()
	sent := waitSettled(t, admin, total, time.Now().Add(2*time.Minute))
	stop()
	<-done

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.err != nil {
		t.Fatalf("terminating the worker's backends: %v", rcv.err)
	}
	if rcv.kills == 0 {
		t.Fatal("no connection was killed: the test proves nothing")
	}
	if n := rcv.seen[""]; n > 0 {
		t.Fatalf("%d requests without webhook-id", n)
	}
	t.Logf("%d kills; %d requests, %d distinct webhook-ids, %d distinct events; %d rows sent",
		rcv.kills, rcv.requests, len(rcv.seen), len(rcv.events), sent)
	if rcv.requests != total || len(rcv.seen) != total || len(rcv.events) != total || sent != total {
		t.Fatalf("%d duplicates by webhook-id, %d of %d events received, %d rows marked sent",
			rcv.requests-len(rcv.seen), len(rcv.events), total, sent)
	}
}

// queueAlerts records n alerts of a new organization, each notifying one
// webhook channel.
func queueAlerts(t *testing.T, ctx context.Context, st *store.Store, url string, n int) store.Organization {
	_, org, err := st.CreateAccount(ctx, "o@example.com", "h", "O")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(map[string]string{"url": url, "format": "json"})
	ch, err := st.CreateChannel(ctx, org.ID, store.Channel{Name: "hook", Type: webhook.Type, Config: string(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := st.CreateAlertRule(ctx, org.ID, store.AlertRule{Name: "r", Enabled: true, Thresholds: []int{7},
		Events: []string{"expiring"}, ChannelIDs: []string{ch.ID}, ScopeAll: true, UnreachableAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ev store.Evaluation
	for i := range n {
		id := store.NewID()
		payload, _ := json.Marshal(notify.Event{ID: id, Type: notify.TypeExpiring,
			Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name}, OccurredAt: st.Now()})
		ev.Fired = append(ev.Fired, store.Alert{ID: id, OrganizationID: org.ID, RuleID: rule.ID, Type: notify.TypeExpiring,
			DedupKey: fmt.Sprintf("k%d", i), State: store.AlertOpen, Payload: string(payload), OpenedAt: st.Now()})
		ev.Notifications = append(ev.Notifications, store.Notification{OrganizationID: org.ID, ChannelIDs: []string{ch.ID},
			Events: []store.NotifiedEvent{{AlertID: id, Payload: string(payload)}}})
	}
	if got, err := st.RecordEvaluation(ctx, ev); err != nil || got != n {
		t.Fatalf("record alerts: %d %v", got, err)
	}
	return org
}

// waitSettled polls, until the deadline, for every outbox row to be sent or
// failed, and returns how many were sent.
func waitSettled(t *testing.T, admin *sql.DB, total int, deadline time.Time) int {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		var sent, failed int
		err := admin.QueryRow(`SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'failed') FROM outbox`).
			Scan(&sent, &failed)
		if err == nil && sent+failed == total {
			return sent
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the deadline: %d sent, %d failed of %d (%v)", sent, failed, total, err)
		}
	}
	return 0
}

// TestOutcomeRecordedAfterOutage: the database becomes unreachable while a
// notification is on its way, for longer than the store retries and than
// the row's lease. The worker keeps the outcome, claims nothing until it
// has recorded it, and so never sends the notification again.
func TestOutcomeRecordedAfterOutage(t *testing.T) {
	dsn, err := url.Parse(storetest.PostgresSchemaURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, dsn.Host)
	dsn.Host = proxy.addr
	st := storetest.OpenPostgresURL(t, dsn.String(), store.Options{})
	var requests atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if requests.Add(1) == 1 {
			proxy.cut()
		}
	}))
	t.Cleanup(rcv.Close)
	ctx := context.Background()
	org := queueAlerts(t, ctx, st, rcv.URL, 1)

	w := worker(st, "w1")
	w.Lease = time.Millisecond // lapsed by the time the worker looks again
	if n, err := w.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("first pass: %d rows, %v", n, err)
	}
	if _, err := w.RunOnce(ctx); err == nil {
		t.Fatal("a pass with the database cut off reported no error")
	}
	proxy.restore()
	for range 3 {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := requests.Load(); n != 1 {
		t.Fatalf("the receiver got %d requests, want 1", n)
	}
	if rows := deliveries(t, setup{ctx: ctx, st: st, org: org}); rows[0].Status != store.OutboxSent || rows[0].Attempts != 1 {
		t.Fatalf("delivery: %+v", rows[0])
	}
}
