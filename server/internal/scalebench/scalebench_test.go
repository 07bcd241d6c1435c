package scalebench_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/scalebench"
	"certinel.dev/server/internal/store"
)

// TestRunSmallEstate runs the whole harness on 50 domains against the real
// server binary, each read once, so that it keeps working as the server
// changes. The scheduled evaluation passes are skipped: they come once a
// minute. PostgreSQL runs too when TEST_DATABASE_URL is set.
func TestRunSmallEstate(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "certinel-server")
	build := exec.Command("go", "build", "-o", bin, "certinel.dev/server/cmd/certinel-server")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build server: %v\n%s", err, out)
	}
	dialects := []store.Dialect{store.SQLite}
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dialects = append(dialects, store.Postgres)
	}
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			rep, err := scalebench.Run(ctx, scalebench.Config{
				ServerBin: bin, Dialect: d, AdminURL: os.Getenv("TEST_DATABASE_URL"), WorkDir: t.TempDir(),
				Orgs: 1, DomainsPerOrg: 50, IngestWorkers: 2, Rounds: 4,
				Requests: 1, QueryBudget: time.Minute, RequestTimeout: time.Minute,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Rounds) != 4 {
				t.Fatalf("%d ingest rounds, want 4", len(rep.Rounds))
			}
			for i, r := range rep.Rounds {
				if r.Results != 50 || r.Rejected != 0 {
					t.Errorf("round %d: %d accepted, %d rejected (%s), want 50 and 0", i+1, r.Results, r.Rejected, r.FirstRejection)
				}
			}
			if len(rep.Reads) == 0 {
				t.Fatal("no reads measured")
			}
			for _, r := range rep.Reads {
				if r.Failed != "" || r.N != 1 {
					t.Errorf("%s: measured %d times, failure %q; want once", r.Query.Name, r.N, r.Failed)
				}
			}
			if rep.MemoryAtEnd.RSS == 0 {
				t.Error("server memory not measured")
			}
			var out strings.Builder
			rep.WriteMarkdown(&out)
			for _, want := range []string{"| figure | measured | goal |", "| certificate inventory with a search, p99 |", "| ingest round |"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
