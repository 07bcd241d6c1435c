package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"certinel.dev/server/internal/control"
	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// TestControlChannelPoll: a held poll is woken by a new domain of its
// agent and answers the command; commands wait until acknowledged; check
// now reaches the agent, and no organization reaches another's domains or
// check requests.
func TestControlChannelPoll(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "chan@example.com")
		other := srv.newTenant(t, "other@example.com")
		agent := srv.agentClient(t, tn)
		status := wire.ChannelRequest{Status: wire.AgentStatus{Platform: "linux/arm64", SpoolBatches: 3}}

		var resp wire.ChannelResponse
		agent.must(http.StatusOK, "POST", "/api/v1/agent/channel?wait=0", status, &resp)
		if len(resp.Commands) != 0 {
			t.Fatalf("first poll: %+v, want no commands", resp)
		}

		// Held for longer than the test would wait: only the wake-up of the
		// new domain answers it with a command.
		polled := make(chan wire.ChannelResponse, 1)
		go func() {
			var r wire.ChannelResponse
			agent.must(http.StatusOK, "POST", "/api/v1/agent/channel?wait=50", status, &r)
			polled <- r
		}()
		var dom created
		tn.browser.must(http.StatusCreated, "POST", "/api/v1/domains",
			map[string]any{"host": "db.internal", "port": 5432, "protocol": "postgres", "agent_id": tn.agentID}, &dom)
		resp = <-polled
		if len(resp.Commands) != 1 || resp.Commands[0].Kind != wire.CommandTargetsChanged || resp.Commands[0].TargetIDs[0] != dom.ID {
			t.Fatalf("poll after a new domain: %+v, want targets_changed for %s", resp, dom.ID)
		}
		ack := wire.ChannelRequest{Ack: []string{resp.Commands[0].ID}, Status: status.Status}
		agent.must(http.StatusOK, "POST", "/api/v1/agent/channel?wait=0", ack, &resp)
		if len(resp.Commands) != 0 {
			t.Fatalf("poll after the ack: %+v, want none", resp)
		}

		other.browser.must(http.StatusNotFound, "POST", "/api/v1/domains/"+dom.ID+"/check", nil, nil)
		other.browser.must(http.StatusNotFound, "POST", "/api/v1/domains/check", map[string]any{"ids": []string{dom.ID}}, nil)
		var req struct {
			ID      string `json:"id"`
			Done    bool   `json:"done"`
			Domains []struct {
				DomainID string `json:"domain_id"`
			} `json:"domains"`
		}
		tn.browser.must(http.StatusAccepted, "POST", "/api/v1/domains/check", map[string]any{"ids": []string{dom.ID}}, &req)
		if req.ID == "" || req.Done || len(req.Domains) != 1 {
			t.Fatalf("check now: %+v, want a pending request of one domain", req)
		}
		agent.must(http.StatusOK, "POST", "/api/v1/agent/channel?wait=0", status, &resp)
		if len(resp.Commands) != 1 || resp.Commands[0].Kind != wire.CommandCheck || resp.Commands[0].TargetIDs[0] != dom.ID {
			t.Fatalf("poll after check now: %+v", resp)
		}
		other.browser.must(http.StatusNotFound, "GET", "/api/v1/check-requests/"+req.ID, nil, nil)
		tn.browser.must(http.StatusOK, "GET", "/api/v1/check-requests/"+req.ID, nil, &req)

		var a struct {
			Platform     string `json:"platform"`
			SpoolBatches int    `json:"spool_batches"`
			Version      string `json:"version"`
			Channel      struct {
				Connected bool `json:"connected"`
			} `json:"channel"`
		}
		tn.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &a)
		if !a.Channel.Connected || a.Platform != "linux/arm64" || a.SpoolBatches != 3 || a.Version != "1.2.3" {
			t.Fatalf("agent after polls: %+v", a)
		}
	})
}

// TestControlChannelsFull: beyond its bound of channels a replica answers
// 503 with Retry-After, and the agent keeps its schedule.
func TestControlChannelsFull(t *testing.T) {
	st := storetest.Open(t, store.SQLite, store.Options{})
	e := httpapi.New(httpapi.Deps{Store: st, Log: slog.New(slog.DiscardHandler), Hub: control.NewHub(0)})
	srv := &testServer{Server: httptest.NewServer(e), store: st}
	t.Cleanup(srv.Close)
	tn := srv.newTenant(t, "full@example.com")
	r := srv.agentClient(t, tn).do("POST", "/api/v1/agent/channel", wire.ChannelRequest{})
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("poll of a full replica: %d, Retry-After %q; want 503 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
}
