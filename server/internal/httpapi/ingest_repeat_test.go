package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// TestUnchangedChainIsARepeatUntilItsVerdictMoves: a check presenting the
// chain its domain already serves is stored without being judged again
// (the analysis keeps the time it was verified at, the last check moves),
// until the clock reaches an instant the verdict depends on: the check
// after the chain expired is judged, and the analysis says expired.
func TestUnchangedChainIsARepeatUntilItsVerdictMoves(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			clk := &storetest.Clock{}
			srv := newServerOn(t, storetest.Open(t, d, store.Options{Now: clk.Now}), true)
			tn := srv.newTenant(t, "repeat@example.com")
			var dom created
			tn.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "repeat.internal", "agent_id": tn.agentID}, &dom)
			_, inter, rootDER, interDER := newCA(t)
			chain := leafChain(t, inter, rootDER, interDER, "repeat.internal", 3)
			agent := srv.agentClient(t, tn)
			checks := 0
			push := func(address string) time.Time {
				checks++
				at := clk.Now()
				var res wire.ResultsResponse
				agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: fmt.Sprintf("r-%d", checks),
					Results: []wire.Result{{TargetID: dom.ID, Address: address, ObservedAt: at, DurationMS: int64(checks),
						TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: chain.base64()}}}, &res)
				if res.Accepted != 1 {
					t.Fatalf("check %d: %+v", checks, res)
				}
				return at
			}
			type detail struct {
				LastCheck struct {
					ObservedAt time.Time `json:"observed_at"`
					Address    string    `json:"address"`
				} `json:"last_check"`
				Analysis struct {
					Status string `json:"status"`
					Trust  struct {
						VerifiedAt time.Time `json:"verified_at"`
					} `json:"trust"`
				} `json:"analysis"`
			}
			read := func() detail {
				var out detail
				tn.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &out)
				return out
			}

			first := push("192.0.2.1:443")
			judged := read()
			if judged.Analysis.Status == "expired" || judged.Analysis.Trust.VerifiedAt.IsZero() {
				t.Fatalf("first check: %+v", judged)
			}
			clk.Advance(time.Hour)
			second := push("192.0.2.2:443")
			got := read()
			if !got.Analysis.Trust.VerifiedAt.Equal(judged.Analysis.Trust.VerifiedAt) {
				t.Errorf("repeat verified again at %v, want the first verification's %v", got.Analysis.Trust.VerifiedAt, judged.Analysis.Trust.VerifiedAt)
			}
			// PostgreSQL keeps microseconds.
			if got.LastCheck.ObservedAt.Sub(second).Abs() >= time.Microsecond || got.LastCheck.Address != "192.0.2.2:443" {
				t.Errorf("last check %+v, want %v from 192.0.2.2:443 (first %v)", got.LastCheck, second, first)
			}
			clk.Advance(4 * 24 * time.Hour)
			push("192.0.2.2:443")
			if got := read(); got.Analysis.Status != "expired" {
				t.Errorf("check after expiry: analysis status %q, want expired", got.Analysis.Status)
			}
		})
	}
}
