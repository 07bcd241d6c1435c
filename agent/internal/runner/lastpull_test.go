package runner

import (
	"context"
	"crypto/tls"
	"net/http"
	"testing"

	"certinel.dev/shared/wire"
)

// TestOutageUsesRememberedTargets: with the server down, a run still checks
// the targets of the last pull and spools the results; they are delivered
// once the server is back. A refused pull (401) does not fall back.
func TestOutageUsesRememberedTargets(t *testing.T) {
	host, port := serveTLS(t, "tcp4", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert(issue(t, "a.test", "ecdsa", nil, false))}})
	e := newEnv(t, []wire.Target{{ID: "a", Host: host, Port: port, Protocol: "tls"}})
	ctx := context.Background()
	if _, err := e.runner.RunOnce(ctx); err != nil {
		t.Fatalf("first run: %v", err)
	}

	e.fake.SetDown(true)
	sum, err := e.runner.RunOnce(ctx)
	if err == nil {
		t.Fatal("a run without the server reported success")
	}
	if sum.Targets != 1 || sum.OK != 1 || sum.Spooled != 1 {
		t.Fatalf("run during the outage: %+v", sum)
	}

	e.fake.SetDown(false)
	if _, err := e.runner.RunOnce(ctx); err != nil {
		t.Fatalf("run after the outage: %v", err)
	}
	if got := len(byTarget(e.fake)["a"]); got != 3 {
		t.Fatalf("server holds %d results for the target, want 3 (one per run)", got)
	}

	e.fake.FailNext("/api/v1/agent/targets", http.StatusUnauthorized, "")
	sum, err = e.runner.RunOnce(ctx)
	if err == nil || sum.Targets != 0 {
		t.Fatalf("a refused pull fell back to remembered targets: %+v %v", sum, err)
	}
}
