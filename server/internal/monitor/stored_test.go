package monitor_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"testing"
	"time"

	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// Evaluation is asked for after a batch that made domains due, not after
// one whose checks all repeat their domains' states: those change no alert.
func TestStoredHearsOfBatchesThatMadeDomainsDue(t *testing.T) {
	cert, _ := leafCert(t, "www.example.com", time.Now().Add(-time.Hour))
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, d, store.Options{})
			_, org, err := st.CreateAccount(ctx, "stored@example.com", "h", "Org")
			if err != nil {
				t.Fatal(err)
			}
			agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h"})
			if err != nil {
				t.Fatal(err)
			}
			dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "www.example.com", Port: 443, Protocol: "tls", AgentID: &agent.ID})
			if err != nil {
				t.Fatal(err)
			}
			ing := monitor.NewIngester(st, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
			heard := 0
			ing.Stored = func(string) { heard++ }
			for i, tc := range []struct {
				name  string
				chain bool
				want  int
			}{{"first check", true, 1}, {"same chain", true, 1}, {"failure", false, 2}, {"chain back", true, 3}, {"same chain again", true, 3}} {
				r := wire.Result{TargetID: dom.ID, Address: "192.0.2.1:443", ObservedAt: time.Now().Add(time.Duration(i) * time.Second), TLSVersion: "TLS 1.3"}
				if tc.chain {
					r.Chain = []string{base64.StdEncoding.EncodeToString(cert.Certificate[0])}
				} else {
					r.Error, r.ErrorKind = "connection refused", "refused"
				}
				resp, err := ing.IngestAgent(ctx, agent, wire.ResultsRequest{BatchID: tc.name, Results: []wire.Result{r}})
				if err != nil || resp.Accepted != 1 {
					t.Fatalf("%s: %+v, %v", tc.name, resp, err)
				}
				if heard != tc.want {
					t.Errorf("after the %s: heard %d times, want %d", tc.name, heard, tc.want)
				}
			}
		})
	}
}
