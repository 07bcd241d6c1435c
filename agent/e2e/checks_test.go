package e2e_test

import (
	"net"
	"strconv"
	"testing"
	"time"
)

// checkDomains compares what the server shows for each target with what the
// test served, and that it stored exactly runs observations of each.
func checkDomains(t *testing.T, u *user, targets []*target, runs int) {
	t.Helper()
	for _, tg := range targets {
		d := u.domain(tg.id)
		if d.Status != tg.status {
			t.Errorf("%s: status %q, want %q (last_error %q, trust %q, problems %v)", tg.name, d.Status, tg.status, d.LastError, d.TrustStatus, d.Problems)
		}
		if got := d.checks(); got != runs {
			t.Errorf("%s: %d checks stored, want %d", tg.name, got, runs)
		}
		if tg.leafSHA256 == "" {
			if d.LastErrorKind != tg.errorKind {
				t.Errorf("%s: last_error_kind %q, want %q (last_error %q)", tg.name, d.LastErrorKind, tg.errorKind, d.LastError)
			}
			continue
		}
		if d.SHA256 == nil || *d.SHA256 != tg.leafSHA256 {
			t.Errorf("%s: sha256 %v, want the served leaf %s", tg.name, deref(d.SHA256), tg.leafSHA256)
		}
		if d.DaysLeft == nil || *d.DaysLeft != tg.daysLeft {
			t.Errorf("%s: days_left %v, want %d", tg.name, deref(d.DaysLeft), tg.daysLeft)
		}
		if len(d.Chain) != 2 || d.Chain[0].SHA256 != tg.leafSHA256 {
			t.Errorf("%s: chain %+v, want the leaf and the intermediate as served", tg.name, d.Chain)
		}
		if d.LastError != "" {
			t.Errorf("%s: last_error %q after a good handshake", tg.name, d.LastError)
		}
	}
}

// checkAgent wants the agent online with the version stamped at build time.
func checkAgent(t *testing.T, u *user, id string) {
	t.Helper()
	for _, a := range u.agents() {
		if a.ID != id {
			continue
		}
		if a.Status != "online" || a.Version != agentVersion {
			t.Errorf("agent: status %q version %q, want online %q", a.Status, a.Version, agentVersion)
		}
		return
	}
	t.Errorf("agent %s missing from GET /api/v1/agents", id)
}

// waitChecks waits until every target has runs observations, while the
// daemon keeps running.
func waitChecks(t *testing.T, u *user, targets []*target, runs int, daemon *process) {
	t.Helper()
	waitFor(t, 20*time.Second, "the daemon's first cycle to land", func() bool {
		if !daemon.running() {
			t.Fatalf("certinel-agent run exited (code %d) during its first cycle", daemon.wait(0))
		}
		for _, tg := range targets {
			if u.domain(tg.id).checks() < runs {
				return false
			}
		}
		return true
	})
	checkDomains(t, u, targets, runs)
}

func wantSummary(t *testing.T, run string, got, want summary) {
	t.Helper()
	if got != want {
		t.Errorf("%s: agent summary %+v, want %+v", run, got, want)
	}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
