package runner

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// spoolPoison puts a batch in the spool that the fake server answers with
// status on every push, ahead of everything the runs will spool.
func spoolPoison(t *testing.T, e *env, status int) {
	t.Helper()
	spoolOneResult(t, e, "poison")
	e.fake.FailBatch("poison", status)
}

func deadTarget() []wire.Target {
	return []wire.Target{{ID: "t1", Host: "127.0.0.1", Port: 1, Protocol: "tls", TimeoutMS: 500}}
}

// TestFailingBatchIsParkedAndLaterOnesFlow: on PostgreSQL one bad endpoint
// can make every push of a batch answer 500; that batch must not hold back
// the results of every later run.
func TestFailingBatchIsParkedAndLaterOnesFlow(t *testing.T) {
	e := newEnv(t, deadTarget())
	spoolPoison(t, e, http.StatusInternalServerError)

	// A run pushes twice (its backlog, then its own batch): the third push
	// round, early in the second run, parks the batch.
	const runs = 2
	for range runs {
		e.runner.RunOnce(context.Background())
	}
	if got := len(byTarget(e.fake)["t1"]); got != runs {
		t.Fatalf("%d of the %d runs' results reached the server, want all", got, runs)
	}

	// One more run: its own results go through at once, and its check-in
	// reports the parked batch.
	sum, err := e.runner.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(byTarget(e.fake)["t1"]); got != runs+1 {
		t.Errorf("%d results stored, want %d", got, runs+1)
	}
	if sum.Pushed != 1 {
		t.Errorf("summary = %+v", sum)
	}
	if entries, _ := e.spool.List(); len(entries) != 0 {
		t.Errorf("queue holds %+v, want empty", entries)
	}
	parked, err := e.spool.Parked()
	if err != nil || len(parked) != 1 || parked[0].BatchID != "poison" {
		t.Fatalf("parked = %+v, %v", parked, err)
	}
	reports := e.fake.ParkedReports()
	if len(reports) != runs+1 {
		t.Fatalf("%d check-ins carried a report, want every one: %+v", len(reports), reports)
	}
	if reports[0].Batches != 0 {
		t.Errorf("first check-in reported %+v, want none parked", reports[0])
	}
	last := reports[len(reports)-1]
	if last.Batches != 1 || !last.Oldest.Equal(parked[0].Written.Truncate(time.Second)) {
		t.Errorf("last check-in reported %+v, want 1 batch written at %s", last, parked[0].Written)
	}
}

// TestParkedBatchRetriedAfterInterval: once the server is fixed, a parked
// batch due for its retry is delivered and no longer reported.
func TestParkedBatchRetriedAfterInterval(t *testing.T) {
	e := newEnv(t, deadTarget())
	spoolPoison(t, e, http.StatusInternalServerError)
	for range MaxStrikes {
		e.runner.RunOnce(context.Background())
	}
	parked, _ := e.spool.Parked()
	if len(parked) != 1 {
		t.Fatalf("parked = %+v, want the poison batch", parked)
	}

	// Not due yet: not tried, though the server would take it now.
	e.fake.FailBatch("poison", 0)
	if _, err := e.runner.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.Results()["poison"]) != 0 {
		t.Fatal("parked batch retried before its interval")
	}

	// Due: delivered, and the next check-in reports nothing parked.
	old := time.Now().Add(-ParkedRetryInterval - time.Hour)
	if err := os.Chtimes(filepath.Join(e.dir, "parked", parked[0].Name), old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := e.runner.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.Results()["poison"]) != 1 {
		t.Fatal("due parked batch not delivered")
	}
	if parked, _ := e.spool.Parked(); len(parked) != 0 {
		t.Errorf("still parked: %+v", parked)
	}
	if _, err := e.runner.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	reports := e.fake.ParkedReports()
	if last := reports[len(reports)-1]; last.Batches != 0 {
		t.Errorf("last check-in reported %+v, want none parked", last)
	}
}

// TestUnavailableServerParksNothing: failures that say the server is down,
// not that the batch is bad, never park: 503 on the batch, or 500 on the
// check-in itself (the runs then use the remembered targets). Nor does a 4xx
// other than those that drop the batch (400, 413, 422): it says the endpoint
// or the credentials are wrong, which no batch behind would get past either.
func TestUnavailableServerParksNothing(t *testing.T) {
	cases := map[string]struct {
		batchStatus int
		pullFails   bool
	}{
		"503 on the batch":              {batchStatus: http.StatusServiceUnavailable},
		"404 on the batch":              {batchStatus: http.StatusNotFound},
		"500 on the batch and check-in": {batchStatus: http.StatusInternalServerError, pullFails: true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, deadTarget())
			if _, err := e.runner.RunOnce(context.Background()); err != nil {
				t.Fatal(err) // remembers the targets
			}
			spoolPoison(t, e, c.batchStatus)
			for range MaxStrikes + 2 {
				if c.pullFails {
					// The test client tries twice.
					e.fake.FailNext("/api/v1/agent/targets", http.StatusInternalServerError, "")
					e.fake.FailNext("/api/v1/agent/targets", http.StatusInternalServerError, "")
				}
				if _, err := e.runner.RunOnce(context.Background()); err == nil {
					t.Fatal("run succeeded with the batch failing")
				}
			}
			if parked, _ := e.spool.Parked(); len(parked) != 0 {
				t.Errorf("parked %+v", parked)
			}
			entries, _ := e.spool.List()
			if len(entries) != MaxStrikes+3 || entries[0].BatchID != "poison" || entries[0].Strikes != 0 {
				t.Errorf("queue = %+v, want the poison batch without strikes, then every run's batch", entries)
			}
		})
	}
}
