package e2e_test

import (
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"
)

// The deadlines below are what a user is promised; the waits poll until
// then and fail only past them.
const (
	newDomainDeadline = 15 * time.Second
	checkNowDeadline  = 10 * time.Second
	rejudgeDeadline   = 5 * time.Second
)

// TestControlChannel: an agent running as a daemon keeps its channel open;
// a domain added through the API gets its first result within seconds, not
// at the next four-hourly cycle, and "check now" comes back within seconds.
func TestControlChannel(t *testing.T) {
	srv := newServer(t, "sqlite")
	u, cred, id := connectedAgentWithNewDomain(t, srv.url, srv.url)
	waitStatus(t, u, id, "ok", newDomainDeadline, "the first result of a domain added to a connected agent")

	u.checkNow(id, checkNowDeadline)
	if n := u.domain(id).checks(); n != 2 {
		t.Errorf("after check now the domain has %d checks, want 2", n)
	}

	a := u.agent(cred.agentID)
	if a.Version != agentVersion || a.Platform == "" || a.LastCycle == nil || a.Channel.Since == nil || a.Channel.LastHeartbeat == nil {
		t.Errorf("agent page misses what the agent reported: %+v", a)
	}
}

// TestCABundleRejudges: with the agent stopped, uploading the CA bundle that
// makes a stored chain trusted flips the domain from invalid to ok, from the
// chain the server already holds.
func TestCABundleRejudges(t *testing.T) {
	srv := newServer(t, "sqlite")
	u := signup(t, srv.url)
	ca := newPKI(t)
	cred := u.createAgent("rejudge-agent")
	id := u.addTLSDomain(serveTLS(t, "127.0.0.1:0", ca.leaf(t, net.IPv4(127, 0, 0, 1), 90)), cred.agentID)
	if code, _ := install(t, cred).once(srv.url); code != 0 {
		t.Fatalf("certinel-agent once: exit code %d", code)
	}
	before := u.domain(id)
	if before.Status != "invalid" || before.TrustStatus == "trusted" {
		t.Fatalf("before the bundle: status %q trust %q, want invalid and untrusted", before.Status, before.TrustStatus)
	}
	u.uploadCABundle("E2E private CA", ca.rootPEM)
	waitStatus(t, u, id, "ok", rejudgeDeadline, "the stored chain to be judged again after the CA bundle upload")
	if n := u.domain(id).checks(); n != 1 {
		t.Errorf("re-judging made %d checks, want the 1 of the agent's run", n)
	}
}

// TestCheckNowAcrossReplicas: two servers on one PostgreSQL; the agent
// holds its channel on the first, the user works on the second, and the
// commands reach the agent through LISTEN/NOTIFY.
func TestCheckNowAcrossReplicas(t *testing.T) {
	dbURL := postgresSchema(t)
	first := newReplica(t, dbURL)
	second := newReplica(t, dbURL)
	u, _, id := connectedAgentWithNewDomain(t, second.url, first.url)
	waitStatus(t, u, id, "ok", newDomainDeadline, "the first result of a domain added on the other replica")
	u.checkNow(id, checkNowDeadline)
}

// connectedAgentWithNewDomain signs up on userURL, starts an agent daemon
// against agentURL, waits for its channel, and then adds a domain (a TLS
// listener whose CA the organization trusts) to it.
func connectedAgentWithNewDomain(t *testing.T, userURL, agentURL string) (*user, credentials, string) {
	t.Helper()
	u := signup(t, userURL)
	ca := newPKI(t)
	u.uploadCABundle("E2E private CA", ca.rootPEM)
	cred := u.createAgent("channel-agent")
	daemon := install(t, cred).start(agentURL, "run")
	t.Cleanup(func() { daemon.stop(5 * time.Second) })
	waitConnected(t, u, cred.agentID)
	return u, cred, u.addTLSDomain(serveTLS(t, "127.0.0.1:0", ca.leaf(t, net.IPv4(127, 0, 0, 1), 90)), cred.agentID)
}

// addTLSDomain assigns a direct-TLS listener to the agent.
func (u *user) addTLSDomain(addr, agentID string) string {
	u.t.Helper()
	host, port := splitAddr(u.t, addr)
	return u.createDomain(host, port, "tls", agentID)
}

// channelAgent is the part of GET /api/v1/agents/:id about the channel.
type channelAgent struct {
	Version   string          `json:"version"`
	Platform  string          `json:"platform"`
	LastCycle json.RawMessage `json:"last_cycle"`
	Channel   struct {
		Connected     bool       `json:"connected"`
		Since         *time.Time `json:"since"`
		LastHeartbeat *time.Time `json:"last_heartbeat"`
	} `json:"channel"`
}

func (u *user) agent(id string) channelAgent {
	u.t.Helper()
	var a channelAgent
	u.call(http.MethodGet, "/api/v1/agents/"+id, nil, http.StatusOK, &a)
	if string(a.LastCycle) == "null" {
		a.LastCycle = nil
	}
	return a
}

func waitConnected(t *testing.T, u *user, agentID string) {
	t.Helper()
	waitFor(t, 15*time.Second, "the agent's control channel to connect", func() bool {
		return u.agent(agentID).Channel.Connected
	})
}

func waitStatus(t *testing.T, u *user, id, status string, deadline time.Duration, what string) {
	t.Helper()
	waitFor(t, deadline, what, func() bool { return u.domain(id).Status == status })
}

// checkRequest is the answer of POST /domains/:id/check and GET
// /check-requests/:id.
type checkRequest struct {
	ID      string `json:"id"`
	Done    bool   `json:"done"`
	Domains []struct {
		DomainID    string     `json:"domain_id"`
		CompletedAt *time.Time `json:"completed_at"`
		Status      string     `json:"status"`
	} `json:"domains"`
}

// checkNow asks for a check of the domain and waits for its result.
func (u *user) checkNow(id string, deadline time.Duration) {
	u.t.Helper()
	var req checkRequest
	start := time.Now()
	u.call(http.MethodPost, "/api/v1/domains/"+id+"/check", nil, http.StatusAccepted, &req)
	if req.ID == "" || req.Done || len(req.Domains) != 1 || req.Domains[0].DomainID != id {
		u.t.Fatalf("check now answered %+v, want a pending request for domain %s", req, id)
	}
	waitFor(u.t, deadline, "the result of check now", func() bool {
		u.call(http.MethodGet, "/api/v1/check-requests/"+req.ID, nil, http.StatusOK, &req)
		return req.Done
	})
	if d := req.Domains[0]; d.CompletedAt == nil || d.Status != "ok" {
		u.t.Errorf("check request done with %+v, want completed_at and status ok", d)
	}
	// A figure for the record (go test -v), not an assertion: the waits
	// above poll every 100 ms, so it is that much late at most.
	u.t.Logf("check now round trip: %s", time.Since(start).Round(time.Millisecond))
}
