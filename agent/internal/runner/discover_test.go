package runner

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"strconv"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestOnceRunsDiscoveryJobs checks that `once` sweeps every job the pull
// returned and pushes what it found through the spool, next to targets.
func TestOnceRunsDiscoveryJobs(t *testing.T) {
	leaf := serverCert(issue(t, "found.test", "ecdsa", nil, false))
	host, port := serveTLS(t, "tcp4", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{leaf}})
	e := newEnv(t, nil)
	e.fake.SetTargets(wire.TargetsResponse{IntervalSeconds: 3600, Targets: []wire.Target{},
		Discovery: []wire.DiscoveryJob{{ID: "job-1", Hosts: []string{host, "127.0.0.2"}, Ports: strconv.Itoa(port), IntervalSeconds: 86400, RatePerSecond: 100}}})
	if _, err := e.runner.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	var found []wire.Result
	for _, batch := range e.fake.Results() {
		found = append(found, batch...)
	}
	if len(found) != 1 {
		t.Fatalf("pushed %d results, want the one TLS endpoint: %+v", len(found), found)
	}
	r := found[0]
	if r.DiscoveryJobID != "job-1" || r.Address != host || r.Port != port || r.Protocol != "tls" || r.SNI != "" ||
		len(r.Chain) != 1 || r.Chain[0] != base64.StdEncoding.EncodeToString(leaf.Certificate[0]) {
		t.Fatalf("result %+v", r)
	}
	if entries, _ := e.spool.List(); len(entries) != 0 {
		t.Fatalf("%d batches left in the spool", len(entries))
	}
	// Swept just now: not due again within its interval, due when asked for all.
	if due := e.runner.dueJobs(true); len(due) != 0 {
		t.Fatalf("due right after a sweep: %+v", due)
	}
	// A restarted agent remembers the sweep: the job is not due again.
	e.restart(t, e.runner.opts.Fetch)
	e.runner.setJobs([]wire.DiscoveryJob{{ID: "job-1", IntervalSeconds: 86400}})
	if due := e.runner.dueJobs(true); len(due) != 0 {
		t.Fatalf("due again after a restart: %+v", due)
	}
	e.runner.markSwept("job-1", time.Now().Add(-25*time.Hour))
	if due := e.runner.dueJobs(true); len(due) != 1 {
		t.Fatalf("not due a day later: %+v", due)
	}
}
