package httpapi_test

import (
	"net/http"
	"testing"
)

type onboardingOut struct {
	Agent, Domain, Alerting, Colleague bool
}

// TestOnboardingTicksFromData: a new organization has taken no first step;
// each step ticks when its data exists, for that organization only, and
// unticks when the data goes.
func TestOnboardingTicksFromData(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		owner, _ := srv.signup(t, "new@example.com")
		other, _ := srv.signup(t, "elsewhere@example.com")
		state := func(c *client) onboardingOut {
			t.Helper()
			var o onboardingOut
			c.must(http.StatusOK, "GET", "/api/v1/onboarding", nil, &o)
			return o
		}
		if got := state(owner); got != (onboardingOut{}) {
			t.Fatalf("new organization: %+v, want nothing done", got)
		}
		var ag created
		owner.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "dc1"}, &ag)
		var dom created
		owner.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "first.example"}, &dom)
		owner.must(http.StatusCreated, "POST", "/api/v1/channels", map[string]any{"type": "email", "name": "ops",
			"config": map[string]any{"recipients": []string{"ops@example.com"}}}, nil)
		owner.must(http.StatusCreated, "POST", "/api/v1/invitations", map[string]string{"email": "colleague@example.com", "role": "member"}, nil)
		if got := state(owner); got != (onboardingOut{true, true, true, true}) {
			t.Errorf("after every step: %+v", got)
		}
		if got := state(other); got != (onboardingOut{}) {
			t.Errorf("another organization sees the first one's steps: %+v", got)
		}
		owner.must(http.StatusNoContent, "DELETE", "/api/v1/agents/"+ag.ID, nil, nil)
		if got := state(owner); got.Agent {
			t.Errorf("after deleting the only agent: %+v", got)
		}
	})
}
