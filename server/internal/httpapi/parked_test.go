package httpapi_test

import (
	"net/http"
	"testing"
	"time"
)

// TestAgentReportsParkedBatches: what an agent reports at check-in about the
// batches it set aside is stored and shown on GET /api/v1/agents/:id (and
// the list), and an agent that reports nothing leaves it as it was.
func TestAgentReportsParkedBatches(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "parked@example.com")
		spec := newSpecValidator(t, fetchOpenAPI(t, srv))
		browser := spec.watch(tn.browser)
		agent := spec.watch(srv.agentClient(t, tn))
		oldest := time.Date(2026, 11, 28, 9, 15, 30, 0, time.UTC)

		type parked struct {
			Batches  int        `json:"parked_batches"`
			OldestAt *time.Time `json:"parked_oldest_at"`
		}
		steps := []struct {
			name    string
			headers map[string]string
			want    parked
		}{
			{name: "old agent, nothing reported", want: parked{}},
			{name: "two parked", headers: map[string]string{
				"X-Certinel-Parked-Batches": "2", "X-Certinel-Parked-Oldest": oldest.Format(time.RFC3339)},
				want: parked{Batches: 2, OldestAt: &oldest}},
			{name: "old agent again keeps the report", want: parked{Batches: 2, OldestAt: &oldest}},
			{name: "unreadable count is ignored", headers: map[string]string{"X-Certinel-Parked-Batches": "many"},
				want: parked{Batches: 2, OldestAt: &oldest}},
			{name: "all delivered", headers: map[string]string{"X-Certinel-Parked-Batches": "0"}, want: parked{}},
		}
		for _, s := range steps {
			if r := agent.raw("GET", "/api/v1/agent/targets", nil, s.headers); r.Status != http.StatusOK {
				t.Fatalf("%s: check-in answered %d %s", s.name, r.Status, r.Body)
			}
			var one parked
			browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &one)
			var list struct{ Items []parked }
			browser.must(http.StatusOK, "GET", "/api/v1/agents", nil, &list)
			for where, got := range map[string]parked{"GET /agents/:id": one, "GET /agents": list.Items[0]} {
				if got.Batches != s.want.Batches || (got.OldestAt == nil) != (s.want.OldestAt == nil) ||
					got.OldestAt != nil && !got.OldestAt.Equal(*s.want.OldestAt) {
					t.Errorf("%s: %s = %+v, want %+v", s.name, where, got, s.want)
				}
			}
		}
	})
}
