package client

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"certinel.dev/agent/internal/fakeserver"
	"certinel.dev/shared/wire"
)

const (
	apiKey     = "key-secret"
	agentToken = "agent-secret"
)

// counting wraps a handler and counts the requests that reached it.
type counting struct {
	next http.Handler
	n    atomic.Int32
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.next.ServeHTTP(w, r)
}

func setup(t *testing.T, backoff Backoff) (*Client, *fakeserver.Server, *counting) {
	t.Helper()
	fake := fakeserver.New(apiKey, agentToken)
	h := &counting{next: fake}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newClient(t, srv.URL, apiKey, backoff), fake, h
}

func newClient(t *testing.T, raw, key string, backoff Backoff) *Client {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return New(Options{
		BaseURL: u, APIKey: key, AgentToken: agentToken, Version: "1.2.3",
		Backoff: backoff, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

func fast() Backoff {
	return Backoff{Attempts: 4, Base: time.Millisecond, Max: 5 * time.Millisecond, MaxRetryAfter: 5 * time.Second}
}

func TestTargetsSendsIdentity(t *testing.T) {
	c, fake, _ := setup(t, fast())
	fake.SetTargets(wire.TargetsResponse{IntervalSeconds: 60, Targets: []wire.Target{{ID: "t1", Host: "db.internal", Port: 5432, Protocol: "postgres"}}})
	got, err := c.Targets(context.Background(), wire.Parked{})
	if err != nil {
		t.Fatal(err)
	}
	if got.IntervalSeconds != 60 || len(got.Targets) != 1 || got.Targets[0].Protocol != "postgres" {
		t.Errorf("targets = %+v", got)
	}
	if ua := fake.UserAgents(); len(ua) != 1 || ua[0] != "certinel-agent/1.2.3" {
		t.Errorf("user agents = %q", ua)
	}
}

func TestPushGzipDecodesOnServer(t *testing.T) {
	c, fake, _ := setup(t, fast())
	fake.SetTargets(wire.TargetsResponse{Targets: []wire.Target{{ID: "t1"}}})
	req := wire.ResultsRequest{BatchID: "b-1", AgentVersion: "1.2.3", Results: []wire.Result{
		{TargetID: "t1", Address: "10.0.0.1:443", ObservedAt: time.Now(), Chain: []string{"AQID"}},
		{TargetID: "unknown", ObservedAt: time.Now()},
	}}
	payload, err := EncodeResults(req)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.PushResults(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Accepted != 1 || len(resp.Rejected) != 1 || resp.Rejected[0].Index != 1 {
		t.Errorf("response = %+v", resp)
	}
	if got := fake.Results()["b-1"]; len(got) != 1 || got[0].Chain[0] != "AQID" {
		t.Errorf("stored = %+v", got)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		fail     []int
		wantErr  int // status of the returned error, 0 for success
		requests int32
	}{
		{"5xx then ok", []int{500, 503}, 0, 3},
		{"429 then ok", []int{429}, 0, 2},
		{"5xx until out of attempts", []int{502, 502, 502, 502, 502}, 502, 4},
		{"400 is final", []int{400}, 400, 1},
		{"404 is final", []int{404}, 404, 1},
		{"413 is final", []int{413}, 413, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, h := setup(t, fast())
			for _, status := range tt.fail {
				fake.FailNext("/api/v1/agent/targets", status, "")
			}
			_, err := c.Targets(context.Background(), wire.Parked{})
			var serr *StatusError
			switch {
			case tt.wantErr == 0 && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != 0 && (!errors.As(err, &serr) || serr.Status != tt.wantErr):
				t.Fatalf("error = %v, want status %d", err, tt.wantErr)
			}
			if n := h.n.Load(); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	// The backoff alone would wait an hour; only Retry-After: 1 lets the
	// test finish.
	slow := Backoff{Attempts: 3, Base: time.Hour, Max: time.Hour, MaxRetryAfter: 10 * time.Second}
	c, fake, h := setup(t, slow)
	fake.FailNext("/api/v1/agent/targets", http.StatusTooManyRequests, "1")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := c.Targets(ctx, wire.Parked{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %s, before the 1s Retry-After", d)
	}
	if h.n.Load() != 2 {
		t.Errorf("%d requests, want 2", h.n.Load())
	}
}

func TestNetworkErrorIsRetried(t *testing.T) {
	fake := fakeserver.New(apiKey, agentToken)
	fake.SetDown(true)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 {
			fake.SetDown(false)
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := newClient(t, srv.URL, apiKey, fast())
	if _, err := c.Targets(context.Background(), wire.Parked{}); err != nil {
		t.Fatalf("error %v after the server came back", err)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2", n.Load())
	}
}

func TestBadCredentialsNotRetried(t *testing.T) {
	fake := fakeserver.New(apiKey, agentToken)
	h := &counting{next: fake}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := newClient(t, srv.URL, "wrong", fast())
	_, err := c.Targets(context.Background(), wire.Parked{})
	var serr *StatusError
	if !errors.As(err, &serr) || serr.Status != 401 || serr.Code != "unauthorized" {
		t.Fatalf("error = %v", err)
	}
	if h.n.Load() != 1 {
		t.Errorf("%d requests, want 1", h.n.Load())
	}
	if strings.Contains(err.Error(), "wrong") || strings.Contains(err.Error(), agentToken) {
		t.Errorf("error leaks a secret: %v", err)
	}
	if Undeliverable(err) {
		t.Error("401 must keep the batch for later")
	}
}

func TestBoundedAndNoRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/agent/targets" {
			http.Redirect(w, r, "https://elsewhere.example/steal", http.StatusFound)
			return
		}
		w.Write([]byte(`{"accepted":1,"rejected":[`))
		chunk := []byte(strings.Repeat(`{"index":0,"error":"x"},`, 1000))
		for range (maxResultsBody / len(chunk)) + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c := newClient(t, srv.URL, apiKey, fast())
	_, err := c.Targets(context.Background(), wire.Parked{})
	var serr *StatusError
	if !errors.As(err, &serr) || serr.Status != http.StatusFound {
		t.Errorf("redirect: error = %v, want status 302 not followed", err)
	}
	_, err = c.PushResults(context.Background(), []byte{})
	if err == nil || !strings.Contains(err.Error(), "response larger than") {
		t.Errorf("huge response: error = %v", err)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	b := Backoff{MaxRetryAfter: time.Minute}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for header, want := range map[string]time.Duration{
		"":                              0,
		"5":                             5 * time.Second,
		"3600":                          time.Minute,
		"-3":                            0,
		"soon":                          0,
		"Tue, 01 Jan 2030 00:00:30 GMT": 30 * time.Second,
	} {
		if got := b.retryAfter(header, now); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestBackoffDelayGrowsWithJitter(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 8 * time.Second}
	for attempt, bound := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 8 * time.Second} {
		for range 50 {
			d := b.Delay(attempt)
			if d < bound/2 || d > bound {
				t.Fatalf("delay(%d) = %s, want within [%s, %s]", attempt, d, bound/2, bound)
			}
		}
	}
}

func TestReplayedBatchCountsAsDelivered(t *testing.T) {
	c, fake, h := setup(t, fast())
	fake.SetTargets(wire.TargetsResponse{Targets: []wire.Target{{ID: "t1"}}})
	payload, err := EncodeResults(wire.ResultsRequest{BatchID: "again", Results: []wire.Result{
		{TargetID: "t1", ObservedAt: time.Now(), Chain: []string{"AQID"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		resp, err := c.PushResults(context.Background(), payload)
		if err != nil || resp.Accepted != 1 {
			t.Fatalf("push %d: %+v %v", i, resp, err)
		}
	}
	if h.n.Load() != 2 || fake.Deliveries()["again"] != 2 || len(fake.Results()["again"]) != 1 {
		t.Errorf("requests %d, deliveries %v, stored %d", h.n.Load(), fake.Deliveries(), len(fake.Results()["again"]))
	}
}
