package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// flakyReceiver fails its first request, then accepts; it counts both.
type flakyReceiver struct {
	*httptest.Server
	mu             sync.Mutex
	failed, served int
}

func newFlakyReceiver(t *testing.T) *flakyReceiver {
	r := &flakyReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.failed == 0 {
			r.failed++
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		r.served++
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *flakyReceiver) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed, r.served
}

// TestAlertSentAfterRestart: the server writes an alert, fails to deliver
// it, and is killed; the next server process sends it, once.
func TestAlertSentAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a retry")
	}
	bin := buildServer(t)
	dsn := testDSN(t)
	hook := newFlakyReceiver(t)
	first, kill := startKillableServer(t, bin, dsn)
	api := newClient(t, first)
	agent, token := api.setUpWebhookAlerts(hook.URL)
	api.call("POST", "/api/v1/domains", map[string]string{"host": "pay.internal", "agent_id": agent.ID}, nil, 201)
	pushResults(t, first, token.Token, agent.Token, "only", pullTargets(t, first, token.Token, agent.Token))

	waitFor(t, 30*time.Second, func() bool { failed, _ := hook.counts(); return failed == 1 })
	kill()

	startServer(t, bin, dsn, 1)
	// The retry is due 30 s (±20%) after the failed attempt.
	waitFor(t, 90*time.Second, func() bool { _, served := hook.counts(); return served >= 1 })
	time.Sleep(2 * time.Second)
	if failed, served := hook.counts(); failed != 1 || served != 1 {
		t.Fatalf("receiver saw %d failed and %d delivered requests, want 1 and 1", failed, served)
	}
}

func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startKillableServer is startServer with a way to kill -9 the process.
func startKillableServer(t *testing.T, bin, dsn string) (string, func()) {
	var proc *exec.Cmd
	base := startServerCmd(t, bin, dsn, 0, func(c *exec.Cmd) { proc = c })
	return base, func() {
		_ = proc.Process.Kill()
		_ = proc.Wait()
	}
}
