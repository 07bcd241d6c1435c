package alerts_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/outbox"
	"certinel.dev/server/internal/notify/webhook"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// hook is a real webhook receiver on loopback that keeps every message.
type hook struct {
	srv  *httptest.Server
	mu   sync.Mutex
	msgs [][]notify.Event
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Events []notify.Event `json:"events"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.msgs = append(h.msgs, body.Events)
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// take returns the messages received since the last call.
func (h *hook) take() [][]notify.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.msgs
	h.msgs = nil
	return out
}

// channel makes a webhook channel of the fixture's organization to h.
func (f *fixture) channel(h *hook, name string) string {
	f.t.Helper()
	cfg, _ := json.Marshal(map[string]string{"url": h.srv.URL, "format": "json"})
	ch, err := f.st.CreateChannel(f.ctx, f.org.ID, store.Channel{Name: name, Type: webhook.Type, Config: string(cfg)})
	if err != nil {
		f.t.Fatal(err)
	}
	return ch.ID
}

// deliver runs the real outbox worker until nothing is left to send.
func (f *fixture) deliver() {
	f.t.Helper()
	w := &outbox.Worker{Store: f.st, Providers: notifytest.Registry(webhook.New(netguard.New(true).HTTPClient(5*time.Second), nil, nil)),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Holder: "test", Batch: 100, Lease: time.Minute, MaxAttempts: 1,
		Concurrency: 4, SendTimeout: 5 * time.Second, RetryBase: time.Second, RetryMax: time.Second}
	for range 1000 {
		n, err := w.RunOnce(f.ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	f.t.Fatal("the outbox never ran dry")
}

// checkMany stores a check of each domain, failed with errText or else
// serving a leaf valid until notAfter, in ingest batches of size,
// evaluating after each as ingest does.
func (f *fixture) checkMany(doms []store.Domain, size int, errText string, notAfter time.Time) {
	f.t.Helper()
	for start := 0; start < len(doms); start += size {
		var obs []store.Observation
		for _, d := range doms[start:min(start+size, len(doms))] {
			o := store.Observation{ID: store.NewID(), DomainID: &d.ID, AgentID: &f.agent.ID, ObservedAt: f.clk.t}
			if errText != "" {
				o.Error, o.ErrorKind = errText, "timeout"
			} else {
				o.LeafSHA256, o.NotAfter, o.VerdictStatus, o.TrustStatus = "leaf", &notAfter, "ok", "trusted"
			}
			obs = append(obs, o)
		}
		f.seq++
		rs := store.ResultSet{BatchID: fmt.Sprintf("many-%d", f.seq), AgentID: f.agent.ID, Observations: obs, Rejected: "[]"}
		if _, err := f.st.SaveResults(f.ctx, f.org.ID, rs); err != nil {
			f.t.Fatal(err)
		}
		if err := f.ev.RunOrg(f.ctx, f.org.ID); err != nil {
			f.t.Fatal(err)
		}
	}
}

// TestAgentOutageIsOneNotification: 600 endpoints of one agent become
// unreachable at once (the agent's network is down), reported in four
// batches; the channel gets a handful of messages, not 600, and as few
// when they come back.
func TestAgentOutageIsOneNotification(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			h := newHook(t)
			ch := f.channel(h, "ops")
			f.changeRule(func(r *store.AlertRule) { r.Routes, r.ChannelIDs, r.UnreachableAfter = nil, []string{ch}, 1 })
			const n, batch = 600, 150
			list := make([]store.Domain, n)
			for i := range list {
				list[i] = store.Domain{Host: fmt.Sprintf("h%04d.dc1.internal", i), Port: 443, Protocol: "tls", AgentID: &f.agent.ID}
			}
			doms, err := f.st.CreateDomains(f.ctx, f.org.ID, list)
			if err != nil {
				t.Fatal(err)
			}
			healthy := f.clk.t.Add(300 * 24 * time.Hour)
			f.checkMany(doms, batch, "", healthy)
			f.deliver()
			h.take()

			f.clk.t = f.clk.t.Add(time.Hour)
			f.checkMany(doms, batch, "i/o timeout", time.Time{})
			f.deliver()
			msgs := h.take()
			if len(msgs) == 0 || len(msgs) > 3 {
				t.Fatalf("%d endpoints unreachable: %d messages, want 1 to 3", n, len(msgs))
			}
			outage := msgs[0][0]
			if outage.Agent == nil || outage.Domain != nil || outage.Count < batch || outage.URL == "" {
				t.Fatalf("first message is not the agent's outage: %+v", outage)
			}
			members, total, err := f.st.ListAlerts(f.ctx, f.org.ID, store.AlertFilter{GroupID: outage.ID}, store.Page{Number: 1, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if total != n || members[0].Type != notify.TypeUnreachable || members[0].DomainID == nil {
				t.Fatalf("the outage lists %d endpoints (%+v), want %d", total, members[0], n)
			}
			if _, shown, err := f.st.ListAlerts(f.ctx, f.org.ID, store.AlertFilter{State: store.AlertOpen}, store.Page{Number: 1, PerPage: 10}); err != nil || shown > 3 {
				t.Fatalf("the history shows %d open events (%v), want the outage rather than its endpoints", shown, err)
			}

			f.clk.t = f.clk.t.Add(time.Hour)
			f.checkMany(doms, batch, "", healthy)
			f.deliver()
			back := h.take()
			if len(back) != 1 || back[0][0].Type != notify.TypeResolved || back[0][0].Agent == nil {
				t.Fatalf("back online: %d messages, want the outage's one resolution: %+v", len(back), back)
			}
			if got, _ := f.st.GetAlert(f.ctx, f.org.ID, outage.ID); got.State != store.AlertResolved {
				t.Fatalf("outage is %s after every endpoint came back", got.State)
			}
		})
	}
}

// addRule adds a rule that sends expiring events to the channels.
func (f *fixture) addRule(name string, remindHours int, channels ...string) store.AlertRule {
	f.t.Helper()
	r, err := f.st.CreateAlertRule(f.ctx, f.org.ID, store.AlertRule{Name: name, Enabled: true, Thresholds: []int{30, 14, 7},
		Events: []string{notify.TypeExpiring, notify.TypeRenewalOverdue, notify.TypeResolved}, ChannelIDs: channels, ScopeAll: true,
		UnreachableAfter: 2, RemindEveryHours: remindHours})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// soleRule leaves the organization with only the rules it adds next.
func (f *fixture) soleRule() {
	f.t.Helper()
	rules, err := f.st.ListAlertRules(f.ctx, f.org.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range rules {
		if err := f.st.DeleteAlertRule(f.ctx, f.org.ID, r.ID); err != nil {
			f.t.Fatal(err)
		}
	}
}

// openEvents counts the open events by type.
func (f *fixture) openEvents() map[string]int {
	got := map[string]int{}
	for _, a := range f.alerts() {
		if a.State == store.AlertOpen {
			got[a.Type]++
		}
	}
	return got
}

// A problem caught by two rules is one open event, sent once to each
// channel of either rule, and once only to a channel both name.
func TestOneProblemOfSeveralRulesIsOneEvent(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.soleRule()
			shared, own := newHook(t), newHook(t)
			sharedCh, ownCh := f.channel(shared, "shared"), f.channel(own, "own")
			f.addRule("team", 0, sharedCh)
			f.addRule("security", 0, sharedCh, ownCh)
			f.observe(f.domain("www.example.com"), "leaf", f.clk.t.Add(10*24*time.Hour), "")
			want(t, "10 days left, two rules", f.evaluate(), map[string]int{"expiring": 1})
			f.deliver()
			if s, o := len(shared.take()), len(own.take()); s != 1 || o != 1 {
				t.Fatalf("shared channel got %d messages, the second rule's own %d; want 1 and 1", s, o)
			}
			var rules []string
			for _, a := range f.alerts() {
				rules = a.RuleIDs
			}
			if len(rules) != 2 {
				t.Fatalf("the event names rules %v, want both", rules)
			}
		})
	}
}

// A certificate both overdue for renewal and expiring is one message
// listing both problems.
func TestEveryProblemOfADomainInOneMessage(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.soleRule()
			h := newHook(t)
			f.addRule("all", 0, f.channel(h, "ops"))
			dom := f.domain("www.example.com")
			na := f.clk.t.Add(5 * 24 * time.Hour)
			// Its renewal window closed ten days ago; the rule's fixed
			// thresholds say expiring.
			window := lifecycle.Window{Start: f.clk.t.Add(-20 * lifecycle.Day), End: f.clk.t.Add(-10 * lifecycle.Day), Source: lifecycle.SourceEstimate}
			o := store.Observation{ID: store.NewID(), DomainID: &dom.ID, AgentID: &f.agent.ID, ObservedAt: f.clk.t, LeafSHA256: "leaf",
				NotAfter: &na, VerdictStatus: "warning", TrustStatus: "trusted", Problems: []string{"renewal_overdue"},
				Renewal: lifecycle.Plan{Window: window, UrgentAt: na.Add(-lifecycle.Day), Deadline: na}}
			if _, err := f.st.SaveResults(f.ctx, f.org.ID, store.ResultSet{BatchID: "b", AgentID: f.agent.ID, Observations: []store.Observation{o}, Rejected: "[]"}); err != nil {
				t.Fatal(err)
			}
			want(t, "overdue and expiring", f.evaluate(), map[string]int{"expiring": 1, "renewal_overdue": 1})
			f.deliver()
			msgs := h.take()
			if len(msgs) != 1 || len(msgs[0]) != 2 {
				t.Fatalf("got %d messages (%v), want one listing both problems", len(msgs), msgs)
			}
			if s := notify.Subject(notify.Message{Events: msgs[0]}); s != "[Certinel] www.example.com:443: expiring, renewal overdue" &&
				s != "[Certinel] www.example.com:443: renewal overdue, expiring" {
				t.Errorf("subject %q", s)
			}
		})
	}
}

// Nothing is sent during a maintenance window; an event still open when
// it ends is sent then, with no new check.
func TestMaintenanceHoldsNotificationsUntilItEnds(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.soleRule()
			h := newHook(t)
			f.addRule("all", 0, f.channel(h, "ops"))
			start, end := f.clk.t.Add(-time.Hour), f.clk.t.Add(2*time.Hour)
			if _, err := f.st.CreateMaintenanceWindow(f.ctx, f.org.ID, store.MaintenanceWindow{Name: "upgrade", ScopeType: store.MaintenanceAgent,
				ScopeValue: f.agent.ID, Recurrence: "once", StartsAt: &start, EndsAt: &end, TimeZone: "Europe/Berlin"}); err != nil {
				t.Fatal(err)
			}
			f.observe(f.domain("www.example.com"), "leaf", f.clk.t.Add(10*24*time.Hour), "")
			want(t, "expiring during maintenance", f.evaluate(), map[string]int{"expiring": 1})
			f.deliver()
			if got := h.take(); len(got) != 0 {
				t.Fatalf("sent during maintenance: %v", got)
			}
			f.clk.t = end.Add(-time.Second)
			if got := f.pass(); got.Domains != 0 {
				t.Fatalf("before the window ends: loaded %d domains", got.Domains)
			}
			f.clk.t = end
			f.pass()
			f.deliver()
			if got := h.take(); len(got) != 1 || got[0][0].Type != notify.TypeExpiring {
				t.Fatalf("when the window ends: %v, want the expiring event", got)
			}
			f.clk.t = end.Add(time.Hour)
			f.pass()
			f.deliver()
			if got := h.take(); len(got) != 0 {
				t.Fatalf("sent again after the window: %v", got)
			}
		})
	}
}

// A rule's reminders repeat an open event every N hours until someone
// acknowledges it; a snooze holds them until it ends.
func TestRemindersStopWhenAcknowledged(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.soleRule()
			h := newHook(t)
			f.addRule("all", 6, f.channel(h, "ops"))
			f.observe(f.domain("www.example.com"), "leaf", f.clk.t.Add(12*24*time.Hour), "")
			want(t, "expiring", f.evaluate(), map[string]int{"expiring": 1})
			f.deliver()
			first := h.take()
			if len(first) != 1 || first[0][0].Reminder {
				t.Fatalf("first notice: %v", first)
			}
			id := first[0][0].ID
			step := func(d time.Duration, wantReminders int) {
				t.Helper()
				f.clk.t = f.clk.t.Add(d)
				f.pass()
				f.deliver()
				got := h.take()
				if len(got) != wantReminders {
					t.Fatalf("after %v: %d messages, want %d", d, len(got), wantReminders)
				}
				for _, m := range got {
					if !m[0].Reminder || m[0].ID != id {
						t.Fatalf("not a reminder of %s: %+v", id, m[0])
					}
				}
			}
			step(5*time.Hour, 0)
			step(time.Hour, 1)
			step(6*time.Hour, 1)
			until := f.clk.t.Add(15 * time.Hour)
			if _, err := f.st.SnoozeAlert(f.ctx, f.org.ID, id, store.Snooze{Until: &until}); err != nil {
				t.Fatal(err)
			}
			step(6*time.Hour, 0)
			step(6*time.Hour, 0)
			step(3*time.Hour, 1) // the snooze ended
			if _, err := f.st.AcknowledgeAlert(f.ctx, f.org.ID, id, true); err != nil {
				t.Fatal(err)
			}
			step(6*time.Hour, 0)
			step(24*time.Hour, 0)
			if n := f.openEvents()["expiring"]; n != 1 {
				t.Fatalf("%d open expiring events after acknowledging, want it still open", n)
			}
		})
	}
}

// Snoozed until it changes: no reminders, but its resolution is news.
func TestSnoozeUntilChangeSendsTheResolution(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.soleRule()
	h := newHook(t)
	f.addRule("all", 1, f.channel(h, "ops"))
	dom := f.domain("www.example.com")
	f.observe(dom, "leaf", f.clk.t.Add(12*24*time.Hour), "")
	f.evaluate()
	f.deliver()
	id := h.take()[0][0].ID
	if _, err := f.st.SnoozeAlert(f.ctx, f.org.ID, id, store.Snooze{UntilChange: true}); err != nil {
		t.Fatal(err)
	}
	f.clk.t = f.clk.t.Add(5 * time.Hour)
	f.pass()
	f.deliver()
	if got := h.take(); len(got) != 0 {
		t.Fatalf("reminded while snoozed until it changes: %v", got)
	}
	f.observe(dom, "leaf2", f.clk.t.Add(90*24*time.Hour), "")
	f.evaluate()
	f.deliver()
	got := h.take()
	if len(got) != 1 || got[0][len(got[0])-1].Type != notify.TypeResolved {
		t.Fatalf("renewed: %v, want the resolution", got)
	}
}

func TestAcknowledgeAndSnoozeAreAudited(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.observe(f.domain("www.example.com"), "leaf", f.clk.t.Add(3*24*time.Hour), "")
	f.evaluate()
	var id string
	for _, a := range f.alerts() {
		id = a.ID
	}
	if _, err := f.st.AcknowledgeAlert(f.ctx, f.org.ID, id, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SnoozeAlert(f.ctx, "another-org", id, store.Snooze{UntilChange: true}); err == nil {
		t.Fatal("another organization snoozed the event")
	}
	entries, _, err := f.st.ListAudit(f.ctx, f.org.ID, store.Page{Number: 1, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	if entries[0].Action != "alert.acknowledge" || entries[0].TargetID != id {
		t.Fatalf("latest audit entry %+v, want the acknowledgement", entries[0])
	}
}

// Crossing from one threshold to the next, the superseded event stays open
// quietly: reminders repeat the latest only.
func TestRemindersRepeatTheLatestThresholdOnly(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.soleRule()
	h := newHook(t)
	f.addRule("all", 24, f.channel(h, "ops"))
	dom := f.domain("www.example.com")
	expiry := f.clk.t.Add(15 * 24 * time.Hour)
	f.observe(dom, "leaf", expiry, "")
	want(t, "15 days left", f.evaluate(), map[string]int{"expiring": 1})
	f.clk.t = expiry.Add(-14 * 24 * time.Hour)
	f.pass()
	f.deliver()
	h.take()
	if n := f.openEvents()["expiring"]; n != 2 {
		t.Fatalf("%d open expiring events after the 14-day crossing, want the 30- and the 14-day ones", n)
	}
	f.clk.t = f.clk.t.Add(24 * time.Hour)
	f.pass()
	f.deliver()
	got := h.take()
	if len(got) != 1 || len(got[0]) != 1 || !got[0][0].Reminder || got[0][0].Threshold == nil || *got[0][0].Threshold != 14 {
		t.Fatalf("a day later: %+v, want one reminder of the 14-day event", got)
	}
}
