package e2e_test

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestAgentEnrollmentWaitsForApproval: in an organization that requires
// approval, the real agent binary enrolls and waits, printing its key's
// fingerprint, the one the admin is shown; interrupted, it keeps its
// pending key, and the same command run again resumes the wait. An admin
// approves through the API while it waits; it saves its certificate and
// `once` pushes over mutual TLS. Another agent, rejected, fails clearly.
func TestAgentEnrollmentWaitsForApproval(t *testing.T) {
	for _, database := range []string{"sqlite", "postgres"} {
		t.Run(database, func(t *testing.T) { enrollWithApproval(t, database) })
	}
}

func enrollWithApproval(t *testing.T, database string) {
	dir := t.TempDir()
	srv := startHTTPSEndpoint(t, dir, database)
	u := signupVia(t, srv.url, srv.transport)
	targets := newPKI(t)
	u.uploadCABundle("E2E private CA", targets.rootPEM)
	cred := u.createAgent("approved-agent")
	u.call(http.MethodPatch, "/api/v1/organization", map[string]bool{"require_enrollment_approval": true}, http.StatusOK, nil)

	spool := filepath.Join(dir, "spool")
	env := []string{"CERTINEL_CA_FILE=" + srv.rootFile, "CERTINEL_SPOOL_DIR=" + spool, "CERTINEL_TIMEOUT=3s"}
	args := []string{"enroll", "--server", srv.url, "--join-token", u.joinToken(cred.agentID), "--server-pin", srv.pin, "--wait", "5m"}
	first := start(t, "certinel-agent enroll", dir, agentBin, env, args...)
	waitForOutput(t, first, "waiting for an admin's approval")

	var pending struct {
		Items []struct {
			ID             string `json:"id"`
			AgentID        string `json:"agent_id"`
			KeyFingerprint string `json:"key_fingerprint"`
		} `json:"items"`
	}
	u.call(http.MethodGet, "/api/v1/agent-enrollments", nil, http.StatusOK, &pending)
	if len(pending.Items) != 1 || pending.Items[0].AgentID != cred.agentID {
		t.Fatalf("pending enrollments %+v, want the agent's", pending.Items)
	}
	enrollment := pending.Items[0]
	if !strings.Contains(first.out.String(), "key fingerprint "+enrollment.KeyFingerprint) {
		t.Errorf("the agent did not print the fingerprint %s the admin sees:\n%s", enrollment.KeyFingerprint, first.out.String())
	}

	// Interrupted while it waits: the key stays for the next run.
	if code := first.stop(30 * time.Second); code != 1 {
		t.Errorf("interrupted enroll: exit %d, want 1", code)
	}
	pendingFile := filepath.Join(spool, "agent-enrollment-pending.pem")
	if info, err := os.Stat(pendingFile); err != nil || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o600) {
		t.Fatalf("pending key after the interruption: %v", err)
	}
	second := start(t, "certinel-agent enroll (again)", dir, agentBin, env, args...)
	waitForOutput(t, second, "waiting for an admin's approval")
	if !strings.Contains(second.out.String(), enrollment.KeyFingerprint) {
		t.Errorf("the second run waits for another key:\n%s", second.out.String())
	}
	u.call(http.MethodPost, "/api/v1/agent-enrollments/"+enrollment.ID+"/approve", nil, http.StatusOK, nil)
	if code := second.wait(2 * time.Minute); code != 0 || !strings.Contains(second.out.String(), "enrolled: client certificate") {
		t.Fatalf("enroll after approval: exit %d:\n%s", code, second.out.String())
	}
	if _, err := os.Stat(pendingFile); !os.IsNotExist(err) {
		t.Errorf("pending key left after the enrollment: %v", err)
	}

	id := u.addTLSDomain(serveTLS(t, "127.0.0.1:0", targets.leaf(t, net.IPv4(127, 0, 0, 1), 90)), cred.agentID)
	once := start(t, "certinel-agent once", dir, agentBin, append([]string{"CERTINEL_SERVER_URL=" + srv.url}, env...), "once")
	if code := once.wait(time.Minute); code != 0 {
		t.Fatalf("once over mutual TLS: exit %d:\n%s", code, once.out.String())
	}
	if d := u.domain(id); d.Status != "ok" {
		t.Errorf("domain after the agent's push: status %q, want ok", d.Status)
	}

	// Another agent's enrollment, rejected while it waits: a clear error,
	// and its pending key is gone.
	other := u.createAgent("rejected-agent")
	otherSpool := filepath.Join(dir, "other-spool")
	env = []string{"CERTINEL_CA_FILE=" + srv.rootFile, "CERTINEL_SPOOL_DIR=" + otherSpool}
	third := start(t, "certinel-agent enroll (rejected)", dir, agentBin, env,
		"enroll", "--server", srv.url, "--join-token", u.joinToken(other.agentID), "--server-pin", srv.pin)
	waitForOutput(t, third, "waiting for an admin's approval")
	u.call(http.MethodGet, "/api/v1/agent-enrollments", nil, http.StatusOK, &pending)
	if len(pending.Items) != 1 || pending.Items[0].AgentID != other.agentID {
		t.Fatalf("pending enrollments %+v, want the second agent's", pending.Items)
	}
	u.call(http.MethodPost, "/api/v1/agent-enrollments/"+pending.Items[0].ID+"/reject", nil, http.StatusOK, nil)
	if code := third.wait(2 * time.Minute); code != 1 || !strings.Contains(third.out.String(), "an admin rejected enrollment") {
		t.Errorf("enroll after rejection: exit %d, want 1 with the reason:\n%s", code, third.out.String())
	}
	if _, err := os.Stat(filepath.Join(otherSpool, "agent-enrollment-pending.pem")); !os.IsNotExist(err) {
		t.Errorf("pending key left after the rejection: %v", err)
	}
}

// waitForOutput waits until p has printed want; it fails if p exits first.
func waitForOutput(t *testing.T, p *process, want string) {
	t.Helper()
	waitFor(t, time.Minute, p.name+" to print "+want, func() bool {
		if !p.running() && !strings.Contains(p.out.String(), want) {
			t.Fatalf("%s exited before printing %q:\n%s", p.name, want, p.out.String())
		}
		return strings.Contains(p.out.String(), want)
	})
}
