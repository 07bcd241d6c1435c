package monitor_test

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// TestStaleBackendAlert: a backend left serving the older certificate
// raises one failed-uptake alert naming it, even when its check comes in
// a batch of its own (the domain's state does not move); once it serves
// the new certificate, the alert resolves, though its check repeats the
// domain's chain.
func TestStaleBackendAlert(t *testing.T) {
	newer, _ := leafCert(t, "lb.example", time.Now().Add(-time.Hour))
	older, oldSHA := leafCert(t, "lb.example", time.Now().Add(-60*24*time.Hour))
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			port, _, second := backendPair(t, newer, older)
			resolve := func(context.Context, string) ([]netip.Addr, error) {
				return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2")}, nil
			}
			st, org, agent, dom, ing, ev := agentDomain(t, d, "lb.example", port)
			// fetch probes both backends, the one at first before the other.
			fetch := func(first string) []wire.Result {
				t.Helper()
				var mu sync.Mutex
				var out []wire.Result
				probe.Fetch(ctx, []wire.Target{{ID: dom.ID, Host: "lb.example", Port: port}},
					probe.FetchOptions{Concurrency: 2, Timeout: 2 * time.Second, Resolve: resolve}, func(r wire.Result) {
						mu.Lock()
						defer mu.Unlock()
						out = append(out, r)
					})
				if len(out) != 2 {
					t.Fatalf("%d results", len(out))
				}
				slices.SortFunc(out, func(a, b wire.Result) int { return strings.Compare(a.Address, b.Address) })
				if !strings.HasPrefix(out[0].Address, first+":") {
					out[0], out[1] = out[1], out[0]
				}
				out[1].ObservedAt = out[0].ObservedAt.Add(time.Millisecond)
				return out
			}
			batches := 0
			ingestAndEvaluate := func(results ...wire.Result) []store.Alert {
				t.Helper()
				batches++
				resp, err := ing.IngestAgent(ctx, agent, wire.ResultsRequest{BatchID: "b" + strconv.Itoa(batches), Results: results})
				if err != nil || resp.Accepted != len(results) {
					t.Fatalf("ingest: %+v %v", resp, err)
				}
				if _, err := ev.Pass(ctx, ""); err != nil {
					t.Fatal(err)
				}
				got, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeStaleBackend, DomainID: dom.ID}, store.Page{Number: 1, PerPage: 10})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}

			// The renewed backend first, then the stale one in a batch of its own.
			results := fetch("127.0.0.1")
			if got := ingestAndEvaluate(results[0]); len(got) != 0 {
				t.Fatalf("alerts with one backend: %+v", got)
			}
			got := ingestAndEvaluate(results[1])
			if len(got) != 1 || got[0].State != store.AlertOpen {
				t.Fatalf("alerts with the stale backend: %+v, want one open", got)
			}
			if !strings.Contains(got[0].Payload, "Backend 127.0.0.2 still serves an older certificate") ||
				strings.Contains(got[0].Payload, "127.0.0.1") || !strings.Contains(got[0].Payload, oldSHA) {
				t.Errorf("payload %s does not name the stale backend and its certificate alone", got[0].Payload)
			}
			if again := ingestAndEvaluate(fetch("127.0.0.1")...); len(again) != 1 || again[0].State != store.AlertOpen {
				t.Fatalf("alerts after a check that changed nothing: %+v, want the one open", again)
			}

			// The stale backend reloads with the new certificate.
			second.stop()
			if _, err := serveBackend(t, "127.0.0.2:"+strconv.Itoa(port), newer); err != nil {
				t.Fatal(err)
			}
			got = ingestAndEvaluate(fetch("127.0.0.1")...)
			if len(got) != 1 || got[0].State != store.AlertResolved {
				t.Fatalf("alerts after the reload: %+v, want the one resolved", got)
			}
		})
	}
}

// agentDomain opens a store of dialect d with one organization whose agent
// checks host:port, and the ingester and evaluator over it.
func agentDomain(t *testing.T, d store.Dialect, host string, port int) (*store.Store, store.Organization, store.Agent, store.Domain, *monitor.Ingester, *alerts.Evaluator) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, d, store.Options{})
	_, org, err := st.CreateAccount(ctx, "owner@"+host, "h", host)
	if err != nil {
		t.Fatal(err)
	}
	agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: host, Port: port, Protocol: "tls", AgentID: &agent.ID})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return st, org, agent, dom, monitor.NewIngester(st, nil, log), alerts.NewEvaluator(st, "http://certinel.test", log, nil)
}
