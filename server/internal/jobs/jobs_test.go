package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/jobs"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestLeaseOncePerTick: of several replicas racing for one tick's lease,
// exactly one wins, and the lease frees itself after its time.
func TestLeaseOncePerTick(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, d, store.Options{})
			var wins int
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := 0; i < 8; i++ {
				wg.Go(func() {
					ok, err := st.TryLease(ctx, "job", fmt.Sprintf("replica-%d", i), 300*time.Millisecond)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						wins++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if wins != 1 {
				t.Fatalf("%d replicas won the lease, want 1", wins)
			}
			time.Sleep(350 * time.Millisecond)
			if ok, err := st.TryLease(ctx, "job", "late", time.Second); err != nil || !ok {
				t.Fatalf("expired lease not taken: %v %v", ok, err)
			}
		})
	}
}

// TestSchedulersShareTicks runs three schedulers against one PostgreSQL
// database for a few ticks: no tick runs twice.
func TestSchedulersShareTicks(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var mu sync.Mutex
	runs := map[int64]int{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var scheds []*jobs.Scheduler
	for i := 0; i < 3; i++ {
		st, err := store.OpenPostgres(url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		s, err := jobs.Start(ctx, st, log, fmt.Sprintf("r%d", i), []jobs.Job{{Name: "tick", Every: time.Second, Run: func(context.Context) error {
			mu.Lock()
			runs[time.Now().Round(time.Second).Unix()]++
			mu.Unlock()
			return nil
		}}})
		if err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, s)
	}
	time.Sleep(3500 * time.Millisecond)
	for _, s := range scheds {
		_ = s.Stop(ctx)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(runs) < 2 {
		t.Fatalf("only %d ticks ran in 3.5 s", len(runs))
	}
	for tick, n := range runs {
		if n != 1 {
			t.Errorf("tick %d ran %d times", tick, n)
		}
	}
}

// TestStopWaitsForWork: a job run and a loop are busy when Stop is called;
// each uses the store once more as it winds down (as the outbox worker
// records the sends in hand). Stop returns only after both have returned,
// so the store, closed right after, served their last writes.
func TestStopWaitsForWork(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			st := storetest.Open(t, d, store.Options{})
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			busy := make(chan string, 2)
			var mu sync.Mutex
			finished := map[string]error{}
			work := func(name string) func(ctx context.Context) {
				var once sync.Once
				return func(ctx context.Context) {
					once.Do(func() { busy <- name })
					<-ctx.Done()
					_, err := st.TryLease(context.WithoutCancel(ctx), "last-"+name, "test", time.Minute)
					mu.Lock()
					finished[name] = err
					mu.Unlock()
				}
			}
			job, loop := work("job"), work("loop")
			s, err := jobs.Start(context.Background(), st, log, "r1",
				[]jobs.Job{{Name: "job", Every: 100 * time.Millisecond, Run: func(ctx context.Context) error { job(ctx); return nil }}}, loop)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				select {
				case <-busy:
				case <-time.After(30 * time.Second):
					t.Fatal("the job or the loop never started")
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := s.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			got := maps.Clone(finished)
			mu.Unlock()
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"job", "loop"} {
				if err, ok := got[name]; !ok || err != nil {
					t.Errorf("%s: finished %v, last store write: %v", name, ok, err)
				}
			}
		})
	}
}
