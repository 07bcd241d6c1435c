package httpapi_test

import (
	"net/http"
	"testing"

	"certinel.dev/server/internal/store"
)

// TestAgentTokenRotationAPI: a graceful rotation tells the agent through its
// channel and keeps the old token working until the agent uses the one it
// fetched; a revoking one answers a new token and refuses the old at once;
// another organization's agent is 404; members cannot rotate.
func TestAgentTokenRotationAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "rot@example.com")
		other := srv.newTenant(t, "other@example.com")
		agent := srv.agentClient(t, tn)
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		var requested struct {
			TokenRotationRequestedAt *string `json:"token_rotation_requested_at"`
			Token                    string  `json:"token"`
		}
		tn.browser.must(http.StatusAccepted, "POST", "/api/v1/agents/"+tn.agentID+"/token", nil, &requested)
		if requested.TokenRotationRequestedAt == nil || requested.Token != "" {
			t.Fatalf("graceful answer: %+v", requested)
		}
		var poll struct {
			Commands []struct{ Kind string } `json:"commands"`
		}
		agent.must(http.StatusOK, "POST", "/api/v1/agent/channel?wait=0", map[string]any{"ack": []string{}}, &poll)
		if len(poll.Commands) != 1 || poll.Commands[0].Kind != "rotate_token" {
			t.Fatalf("channel after a graceful rotation: %+v", poll)
		}
		var next struct{ Token string }
		agent.must(http.StatusOK, "POST", "/api/v1/agent/token", nil, &next)
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil) // the old token still works

		renewed := srv.agentClient(t, tenant{apiToken: tn.apiToken, agentToken: next.Token})
		renewed.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		agent.must(http.StatusUnauthorized, "GET", "/api/v1/agent/targets", nil, nil)
		var after struct {
			TokenRotationRequestedAt *string `json:"token_rotation_requested_at"`
			TokenRotatedAt           *string `json:"token_rotated_at"`
		}
		tn.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &after)
		if after.TokenRotationRequestedAt != nil || after.TokenRotatedAt == nil {
			t.Fatalf("agent after the switch: %+v", after)
		}

		var revoked created
		tn.browser.must(http.StatusOK, "POST", "/api/v1/agents/"+tn.agentID+"/token", map[string]string{"mode": "revoke"}, &revoked)
		renewed.must(http.StatusUnauthorized, "GET", "/api/v1/agent/targets", nil, nil)
		srv.agentClient(t, tenant{apiToken: tn.apiToken, agentToken: revoked.Token}).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		other.browser.must(http.StatusNotFound, "POST", "/api/v1/agents/"+tn.agentID+"/token", map[string]string{"mode": "revoke"}, nil)
		srv.agentClient(t, tenant{apiToken: other.apiToken, agentToken: revoked.Token}).must(http.StatusUnauthorized, "GET", "/api/v1/agent/targets", nil, nil)

		member, _ := inviteAndAccept(t, srv, tn.browser, "member@example.com", store.RoleMember)
		member.must(http.StatusForbidden, "POST", "/api/v1/agents/"+tn.agentID+"/token", nil, nil)
	})
}

// TestCreateAgentWithAPIKey: one call makes the agent and its API token,
// which work together at once; a script's token may not mint tokens so.
func TestCreateAgentWithAPIKey(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		b, _ := srv.signup(t, "one@example.com")
		var out struct {
			created
			APIKey struct {
				Token string `json:"token"`
				Scope string `json:"scope"`
				Name  string `json:"name"`
			} `json:"api_key"`
		}
		b.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]any{"name": "dc9", "create_api_key": true}, &out)
		if out.Token == "" || out.APIKey.Token == "" || out.APIKey.Scope != "agent" || out.APIKey.Name != "dc9" {
			t.Fatalf("creation answer: %+v", out)
		}
		srv.agentClient(t, tenant{apiToken: out.APIKey.Token, agentToken: out.Token}).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		var script created
		b.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "ci", "scope": "write"}, &script)
		srv.bearerClient(t, script.Token).must(http.StatusForbidden, "POST", "/api/v1/agents", map[string]any{"name": "x", "create_api_key": true}, nil)
		srv.bearerClient(t, script.Token).must(http.StatusCreated, "POST", "/api/v1/agents", map[string]any{"name": "y"}, nil)
	})
}
