package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// hookReceiver records webhook bodies and checks signatures on its own.
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	bad    int
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-Certinel-Timestamp")
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(ts + "."))
		mac.Write(body)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		h.mu.Lock()
		defer h.mu.Unlock()
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Certinel-Signature"))) {
			h.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h.bodies = append(h.bodies, body)
	}))
	t.Cleanup(h.Close)
	return h
}

func TestAlertingThroughAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "alerts@example.com")
		// A new organization starts with one rule mailing the owner.
		var rules listOut[struct {
			ID             string   `json:"id"`
			ThresholdsDays []int    `json:"thresholds_days"`
			ChannelIDs     []string `json:"channel_ids"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/alert-rules", nil, &rules)
		var channels listOut[struct {
			ID     string          `json:"id"`
			Type   string          `json:"type"`
			Config json.RawMessage `json:"config"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/channels", nil, &channels)
		// The default rule is lifetime-aware: no fixed thresholds.
		if rules.Total != 1 || len(rules.Items[0].ThresholdsDays) != 0 || channels.Total != 1 || channels.Items[0].Type != "email" ||
			!strings.Contains(string(channels.Items[0].Config), "alerts@example.com") {
			t.Fatalf("defaults: %+v %+v", rules, channels)
		}

		// A signed webhook; the secret never comes back.
		hook := newHookReceiver(t, "s3cret")
		var ch struct {
			ID        string          `json:"id"`
			Config    json.RawMessage `json:"config"`
			HasSecret bool            `json:"has_secret"`
		}
		a.browser.must(http.StatusCreated, "POST", "/api/v1/channels", map[string]any{"type": "webhook", "name": "ops",
			"config": map[string]string{"url": hook.URL + "/hook", "secret": "s3cret"}}, &ch)
		if strings.Contains(string(ch.Config), "s3cret") || !ch.HasSecret {
			t.Fatalf("channel answer leaks or loses the secret: %+v", ch)
		}
		var test struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		a.browser.must(http.StatusOK, "POST", "/api/v1/channels/"+ch.ID+"/test", nil, &test)
		if !test.OK || len(hook.bodies) != 1 || hook.bad != 0 {
			t.Fatalf("test message: %+v, %d bodies, %d bad signatures", test, len(hook.bodies), hook.bad)
		}
		// Editing the URL keeps the secret.
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/channels/"+ch.ID, map[string]any{"config": map[string]string{"url": hook.URL + "/v2"}}, nil)
		a.browser.must(http.StatusOK, "POST", "/api/v1/channels/"+ch.ID+"/test", nil, &test)
		if !test.OK || hook.bad != 0 {
			t.Fatalf("secret lost on edit: %+v", test)
		}
		for _, bad := range []map[string]any{
			{"type": "pager", "name": "x", "config": map[string]any{}},
			{"type": "webhook", "name": "x", "config": map[string]string{"url": "ftp://x"}},
			{"type": "email", "name": "x", "config": map[string]any{"recipients": []string{"not-an-address"}}},
			{"type": "email", "name": "", "config": map[string]any{"recipients": []string{"a@b.co"}}},
		} {
			if r := a.browser.do("POST", "/api/v1/channels", bad); r.Status != http.StatusBadRequest || r.errorField() == "" {
				t.Errorf("bad channel %v: %d %s", bad, r.Status, r.Body)
			}
		}

		// A rule for the webhook only, and bad rules.
		a.browser.must(http.StatusNoContent, "DELETE", "/api/v1/alert-rules/"+rules.Items[0].ID, nil, nil)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/alert-rules", map[string]any{"name": "ops", "thresholds_days": []int{14, 7},
			"events": []string{"expiring", "resolved", "changed"}, "channel_ids": []string{ch.ID}}, nil)
		for field, bad := range map[string]map[string]any{
			"events":          {"name": "x", "events": []string{"exploded"}},
			"thresholds_days": {"name": "x", "thresholds_days": []int{-1}},
			"channel_ids":     {"name": "x", "channel_ids": []string{"01a20000-0000-7000-8000-000000000000"}},
			"name":            {"name": ""},
		} {
			if r := a.browser.do("POST", "/api/v1/alert-rules", bad); r.Status != http.StatusBadRequest || r.errorField() != field {
				t.Errorf("bad rule (%s): %d %s", field, r.Status, r.Body)
			}
		}

		// A certificate 10 days from expiry fires once, through the outbox.
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "pay.example.com", "agent_id": a.agentID}, &d)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "pay.example.com", 10)
		agent := srv.agentClient(t, a)
		for i := 0; i < 2; i++ {
			agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "r" + strconv.Itoa(i),
				Results: []wire.Result{{TargetID: d.ID, ObservedAt: time.Now().UTC(), Chain: chain.base64()}}}, nil)
		}
		if _, err := srv.outbox.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if len(hook.bodies) != 3 {
			t.Fatalf("webhook got %d bodies, want 2 tests and 1 alert", len(hook.bodies))
		}
		var alert struct {
			Version int `json:"version"`
			Events  []struct {
				Type      string `json:"type"`
				DaysLeft  int    `json:"days_left"`
				Threshold int    `json:"threshold_days"`
				SHA256    string `json:"sha256"`
				Domain    struct {
					Host string `json:"host"`
				} `json:"domain"`
			} `json:"events"`
		}
		if err := json.Unmarshal(hook.bodies[2], &alert); err != nil {
			t.Fatal(err)
		}
		ev := alert.Events[0]
		if alert.Version != 1 || ev.Type != "expiring" || ev.Threshold != 14 || ev.DaysLeft != 10 || ev.SHA256 != fingerprint(chain.ders[0]) || ev.Domain.Host != "pay.example.com" {
			t.Fatalf("alert body: %s", hook.bodies[2])
		}
		var events listOut[struct {
			Type       string `json:"type"`
			State      string `json:"state"`
			Deliveries []struct {
				Status     string `json:"status"`
				Attempts   int    `json:"attempts"`
				AttemptLog []struct {
					OK bool `json:"ok"`
				} `json:"attempt_log"`
			} `json:"deliveries"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/events", nil, &events)
		if events.Total != 1 || events.Items[0].State != "open" || events.Items[0].Deliveries[0].Status != "sent" || len(events.Items[0].Deliveries[0].AttemptLog) != 1 {
			t.Fatalf("events: %+v", events)
		}
		// Another organization sees none of it.
		m, _ := srv.signup(t, "nosy@example.com")
		for _, p := range []string{"/api/v1/channels/" + ch.ID, "/api/v1/channels/" + ch.ID + "/test"} {
			method := "GET"
			if strings.HasSuffix(p, "/test") {
				method = "POST"
			}
			if r := m.do(method, p, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s %s by another org: %d", method, p, r.Status)
			}
		}
		var mEvents listOut[struct{}]
		m.must(http.StatusOK, "GET", "/api/v1/events", nil, &mEvents)
		if mEvents.Total != 0 {
			t.Errorf("other org sees %d events", mEvents.Total)
		}
	})
}

func TestRuleScopeForms(t *testing.T) {
	srv := newTestServer(t, "sqlite")
	a := srv.newTenant(t, "scope@example.com")
	var r struct {
		Scope struct {
			All  bool     `json:"all"`
			Tags []string `json:"tags"`
		} `json:"scope"`
	}
	a.browser.must(http.StatusCreated, "POST", "/api/v1/alert-rules", map[string]any{"name": "a", "scope": "all"}, &r)
	if !r.Scope.All {
		t.Fatalf("scope \"all\": %+v", r.Scope)
	}
	a.browser.must(http.StatusCreated, "POST", "/api/v1/alert-rules", map[string]any{"name": "b", "scope": map[string]any{"tags": []string{"prod"}}}, &r)
	if r.Scope.All || r.Scope.Tags[0] != "prod" {
		t.Fatalf("tag scope: %+v", r.Scope)
	}
	for _, bad := range []any{"some", map[string]any{"labels": []string{"x"}}, 7} {
		if res := a.browser.do("POST", "/api/v1/alert-rules", map[string]any{"name": "c", "scope": bad}); res.Status != http.StatusBadRequest {
			t.Errorf("scope %v: %d %s", bad, res.Status, res.Body)
		}
	}
	if res := a.browser.do("GET", "/api/v1/domains?sort=days_left&order=sideways", nil); res.Status != http.StatusBadRequest || res.errorField() != "order" {
		t.Errorf("bad order: %d %s", res.Status, res.Body)
	}
	a.browser.must(http.StatusOK, "GET", "/api/v1/domains?sort=days_left&order=desc", nil, nil)
}
