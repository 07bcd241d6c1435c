package outbox_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/outbox"
	"certinel.dev/server/internal/notify/webhook"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// receiver is a webhook endpoint that answers with the statuses given, in
// order, then 200; it counts requests and records delivered event IDs.
type receiver struct {
	*httptest.Server
	mu        sync.Mutex
	statuses  []int
	requests  int
	delivered map[string]int
	hang      bool
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses, delivered: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests++
		hang := r.hang
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		if hang {
			// The body must be read for the server to notice the client
			// giving up; the timer bounds the test whatever happens.
			_, _ = io.Copy(io.Discard, req.Body)
			select {
			case <-req.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		var body struct {
			Events []struct {
				ID string `json:"id"`
			} `json:"events"`
		}
		_ = json.NewDecoder(req.Body).Decode(&body)
		if status == http.StatusOK {
			r.mu.Lock()
			for _, e := range body.Events {
				r.delivered[e.ID]++
			}
			r.mu.Unlock()
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

type setup struct {
	ctx context.Context
	st  *store.Store
	org store.Organization
}

// alertFor makes an organization whose only rule sends to the given
// webhook receivers, and one domain that expires in 3 days, evaluated.
func alertFor(t *testing.T, d store.Dialect, receivers ...*receiver) setup {
	ctx := context.Background()
	st := storetest.Open(t, d, store.Options{})
	_, org, err := st.CreateAccount(ctx, "o@example.com", "h", "O")
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := st.ListAlertRules(ctx, org.ID)
	for _, r := range rules {
		_ = st.DeleteAlertRule(ctx, org.ID, r.ID)
	}
	var ids []string
	for _, r := range receivers {
		cfg, _ := json.Marshal(map[string]string{"url": r.URL, "format": "json"})
		ch, err := st.CreateChannel(ctx, org.ID, store.Channel{Name: "hook", Type: webhook.Type, Config: string(cfg)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ch.ID)
	}
	if _, err := st.CreateAlertRule(ctx, org.ID, store.AlertRule{Name: "r", Enabled: true, Thresholds: []int{7},
		Events: []string{"expiring"}, ChannelIDs: ids, ScopeAll: true, UnreachableAfter: 2}); err != nil {
		t.Fatal(err)
	}
	dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "x.example.com", Port: 443, Protocol: "tls"})
	if err != nil {
		t.Fatal(err)
	}
	na := st.Now().Add(72 * time.Hour)
	obs := store.Observation{ID: store.NewID(), DomainID: &dom.ID, ObservedAt: st.Now(), LeafSHA256: "ab", NotAfter: &na}
	if _, err := st.SaveResults(ctx, org.ID, store.ResultSet{BatchID: "b", Observations: []store.Observation{obs}, Rejected: "[]"}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := alerts.NewEvaluator(st, "http://x", log, nil).Run(ctx); err != nil {
		t.Fatal(err)
	}
	return setup{ctx: ctx, st: st, org: org}
}

func worker(st *store.Store, holder string) *outbox.Worker {
	return &outbox.Worker{
		Store:     st,
		Providers: notifytest.Registry(webhook.New(netguard.New(true).HTTPClient(5*time.Second), nil, nil)),
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)), Holder: holder, Batch: 50, Lease: 500 * time.Millisecond,
		MaxAttempts: 6, Concurrency: 4, SendTimeout: 300 * time.Millisecond, RetryBase: 20 * time.Millisecond, RetryMax: 50 * time.Millisecond,
		Poll: 10 * time.Millisecond,
	}
}

// drain runs the worker until nothing is due for a while (bounded).
func drain(t *testing.T, ctx context.Context, w *outbox.Worker, rounds int) {
	for i := 0; i < rounds; i++ {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

func deliveries(t *testing.T, s setup) []store.OutboxRow {
	list, _, err := s.st.ListAlerts(s.ctx, s.org.ID, store.AlertFilter{}, store.Page{Number: 1, PerPage: 10})
	if err != nil || len(list) != 1 {
		t.Fatalf("alerts: %v %d", err, len(list))
	}
	rows, attempts, err := s.st.Deliveries(s.ctx, s.org.ID, []string{list[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(attempts[r.ID]) != r.Attempts {
			t.Errorf("row shows %d attempts, %d recorded", r.Attempts, len(attempts[r.ID]))
		}
	}
	return rows
}

func TestRetriesThenDeliversOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			rcv := newReceiver(t, 500, 500, 500)
			s := alertFor(t, d, rcv)
			drain(t, s.ctx, worker(s.st, "w1"), 10)
			rows := deliveries(t, s)
			if len(rows) != 1 || rows[0].Status != store.OutboxSent || rows[0].Attempts != 4 {
				t.Fatalf("delivery: %+v", rows)
			}
			if rcv.requests != 4 || len(rcv.delivered) != 1 {
				t.Fatalf("receiver saw %d requests, %d delivered events", rcv.requests, len(rcv.delivered))
			}
		})
	}
}

func TestPermanentFailureStops(t *testing.T) {
	rcv := newReceiver(t, 400)
	s := alertFor(t, store.SQLite, rcv)
	drain(t, s.ctx, worker(s.st, "w1"), 5)
	rows := deliveries(t, s)
	if rows[0].Status != store.OutboxFailed || rows[0].Attempts != 1 || rows[0].LastError == "" {
		t.Fatalf("permanent failure: %+v", rows[0])
	}
}

func TestHangingChannelDoesNotHoldOthers(t *testing.T) {
	hanging, fine := newReceiver(t), newReceiver(t)
	hanging.hang = true
	s := alertFor(t, store.SQLite, hanging, fine)
	start := time.Now()
	if _, err := worker(s.st, "w1").RunOnce(s.ctx); err != nil {
		t.Fatal(err)
	}
	if len(fine.delivered) != 1 {
		t.Fatalf("the working channel got %d events", len(fine.delivered))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("one pass took %v: the hanging send was not bounded", took)
	}
	var hung store.OutboxRow
	for _, r := range deliveries(t, s) {
		if r.Status != store.OutboxSent {
			hung = r
		}
	}
	if hung.Status != store.OutboxPending || hung.Attempts != 1 {
		t.Fatalf("hanging channel: %+v", hung)
	}
}

// TestCrashAfterClaim: a worker claims the row and dies before sending.
// Once its lease runs out another worker sends it, exactly once.
func TestCrashAfterClaim(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			rcv := newReceiver(t)
			s := alertFor(t, d, rcv)
			claimed, err := s.st.ClaimOutbox(s.ctx, "crashed", 10, 400*time.Millisecond)
			if err != nil || len(claimed) != 1 {
				t.Fatalf("claim: %v %d", err, len(claimed))
			}
			w := worker(s.st, "w2")
			if n, _ := w.RunOnce(s.ctx); n != 0 {
				t.Fatalf("a claimed row was taken again before its lease ended")
			}
			time.Sleep(450 * time.Millisecond)
			drain(t, s.ctx, w, 3)
			if rcv.requests != 1 || len(rcv.delivered) != 1 {
				t.Fatalf("after the crash: %d requests", rcv.requests)
			}
		})
	}
}

// TestConcurrentWorkersSendOnce: several workers on one database never
// send a row twice.
func TestConcurrentWorkersSendOnce(t *testing.T) {
	rcv := newReceiver(t)
	s := alertFor(t, store.Postgres, rcv)
	var wg sync.WaitGroup
	var claimed atomic.Int64
	for i := 0; i < 4; i++ {
		w := worker(s.st, "w"+string(rune('a'+i)))
		wg.Go(func() {
			n, err := w.RunOnce(s.ctx)
			if err != nil {
				t.Error(err)
			}
			claimed.Add(int64(n))
		})
	}
	wg.Wait()
	if claimed.Load() != 1 || rcv.requests != 1 {
		t.Fatalf("claimed %d, requests %d", claimed.Load(), rcv.requests)
	}
}

// TestDigestGroupsAlerts: a digest channel gets the alerts waiting for it
// in one message.
func TestDigestGroupsAlerts(t *testing.T) {
	rcv := newReceiver(t)
	s := alertFor(t, store.SQLite, rcv)
	chs, err := s.st.ListChannels(s.ctx, s.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chs {
		if ch.Type == webhook.Type {
			ch.Digest = true
			if _, err := s.st.UpdateChannel(s.ctx, s.org.ID, ch); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A second domain crossing the threshold: two alerts wait.
	dom, err := s.st.CreateDomain(s.ctx, s.org.ID, store.Domain{Host: "y.example.com", Port: 443, Protocol: "tls"})
	if err != nil {
		t.Fatal(err)
	}
	na := s.st.Now().Add(48 * time.Hour)
	obs := store.Observation{ID: store.NewID(), DomainID: &dom.ID, ObservedAt: s.st.Now(), LeafSHA256: "cd", NotAfter: &na}
	if _, err := s.st.SaveResults(s.ctx, s.org.ID, store.ResultSet{BatchID: "b2", Observations: []store.Observation{obs}, Rejected: "[]"}); err != nil {
		t.Fatal(err)
	}
	if err := alerts.NewEvaluator(s.st, "http://x", slog.New(slog.NewTextHandler(io.Discard, nil)), nil).Run(s.ctx); err != nil {
		t.Fatal(err)
	}
	drain(t, s.ctx, worker(s.st, "w1"), 2)
	if rcv.requests != 1 || len(rcv.delivered) != 2 {
		t.Fatalf("digest: %d messages carrying %d events, want 1 carrying 2", rcv.requests, len(rcv.delivered))
	}
}

// TestUndecryptableChannelDoesNotHoldOthers: a channel sealed with a key
// this server lacks fails its own delivery (to be retried); the batch's
// other channel is still delivered.
func TestUndecryptableChannelDoesNotHoldOthers(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			sealedElsewhere, fine := newReceiver(t), newReceiver(t)
			s := alertFor(t, d, sealedElsewhere, fine)
			channels, err := s.st.ListChannels(s.ctx, s.org.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range channels {
				if strings.Contains(ch.Config, sealedElsewhere.URL) {
					if _, err := s.st.WithKeys(storetest.Keys(t)).UpdateChannel(s.ctx, s.org.ID, ch); err != nil {
						t.Fatal(err)
					}
				}
			}
			if _, err := worker(s.st, "w1").RunOnce(s.ctx); err != nil {
				t.Fatalf("one undecryptable channel failed the batch: %v", err)
			}
			if len(fine.delivered) != 1 || sealedElsewhere.requests != 0 {
				t.Fatalf("fine channel got %d events; the other %d requests", len(fine.delivered), sealedElsewhere.requests)
			}
			for _, r := range deliveries(t, s) {
				if r.Status != store.OutboxSent && (r.Status != store.OutboxPending || !strings.Contains(r.LastError, "cannot decrypt")) {
					t.Fatalf("undecryptable channel's row: %+v", r)
				}
			}
		})
	}
}
