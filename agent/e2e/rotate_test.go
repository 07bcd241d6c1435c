package e2e_test

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// rotationDeadline bounds how long a connected agent takes to switch to a
// new token after a graceful rotation: one command through its channel.
const rotationDeadline = 15 * time.Second

// TestGracefulTokenRotation: a connected agent is told to rotate its token,
// fetches and keeps the new one, and switches to it; the old token is then
// refused. Restarted with the old token still in its environment, the agent
// uses the kept one and goes on working ("check now" comes back).
func TestGracefulTokenRotation(t *testing.T) {
	srv := newServer(t, "sqlite")
	u := signup(t, srv.url)
	ca := newPKI(t)
	u.uploadCABundle("E2E private CA", ca.rootPEM)
	cred := u.createAgent("rotating-agent")
	agent := install(t, cred)
	daemon := agent.start(srv.url, "run")
	t.Cleanup(func() { daemon.stop(5 * time.Second) })
	waitConnected(t, u, cred.agentID)
	id := u.addTLSDomain(serveTLS(t, "127.0.0.1:0", ca.leaf(t, net.IPv4(127, 0, 0, 1), 90)), cred.agentID)
	waitStatus(t, u, id, "ok", newDomainDeadline, "the first result of the agent's domain")

	u.call(http.MethodPost, "/api/v1/agents/"+cred.agentID+"/token", map[string]string{"mode": "graceful"}, http.StatusAccepted, nil)
	waitFor(t, rotationDeadline, "the agent to switch to its new token", func() bool {
		var a struct {
			RequestedAt *time.Time `json:"token_rotation_requested_at"`
			RotatedAt   *time.Time `json:"token_rotated_at"`
		}
		u.call(http.MethodGet, "/api/v1/agents/"+cred.agentID, nil, http.StatusOK, &a)
		return a.RequestedAt == nil && a.RotatedAt != nil
	})

	kept := filepath.Join(agent.spool, "agent-token")
	info, err := os.Stat(kept)
	if err != nil {
		t.Fatalf("the new token is not kept: %v", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", kept, info.Mode().Perm())
	}
	var state struct {
		Token string `json:"token"`
	}
	data, err := os.ReadFile(kept)
	if err != nil || json.Unmarshal(data, &state) != nil || state.Token == "" || state.Token == cred.agentToken {
		t.Fatalf("kept token state: %s %v", data, err)
	}
	if code := agentPull(t, srv.url, cred.apiKey, cred.agentToken); code != http.StatusUnauthorized {
		t.Errorf("the old token pulls targets with status %d after the rotation, want 401", code)
	}
	if code := agentPull(t, srv.url, cred.apiKey, state.Token); code != http.StatusOK {
		t.Errorf("the new token pulls targets with status %d, want 200", code)
	}

	daemon.stop(5 * time.Second)
	daemon = agent.start(srv.url, "run") // CERTINEL_AGENT_TOKEN still holds the old token
	waitConnected(t, u, cred.agentID)
	u.checkNow(id, checkNowDeadline)
}

// agentPull is GET /api/v1/agent/targets with the given credentials; it
// returns the status.
func agentPull(t *testing.T, base, apiKey, agentToken string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/agent/targets", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set(wire.AgentTokenHeader, agentToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRotateTokenCommand: `certinel-agent rotate-token` fetches and keeps a
// new token while the old one goes on working; the next start uses the
// kept token, and from then on the old one is refused.
func TestRotateTokenCommand(t *testing.T) {
	srv := newServer(t, "sqlite")
	u := signup(t, srv.url)
	cred := u.createAgent("cli-agent")
	agent := install(t, cred)
	if code := agent.start(srv.url, "rotate-token").wait(30 * time.Second); code != 0 {
		t.Fatalf("certinel-agent rotate-token: exit code %d", code)
	}
	if code := agentPull(t, srv.url, cred.apiKey, cred.agentToken); code != http.StatusOK {
		t.Fatalf("the old token pulls with status %d before the agent used the new one, want 200", code)
	}
	if code, _ := agent.once(srv.url); code != 0 {
		t.Fatalf("certinel-agent once with the kept token: exit code %d", code)
	}
	if code := agentPull(t, srv.url, cred.apiKey, cred.agentToken); code != http.StatusUnauthorized {
		t.Errorf("the old token pulls with status %d after the agent used the new one, want 401", code)
	}
}
