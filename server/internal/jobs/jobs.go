// Package jobs runs the server's periodic work with gocron. Each job is a
// plain func(ctx) error; a lease in the database makes each tick run on one
// replica only.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"

	"certinel.dev/server/internal/store"
)

// Job is one periodic task.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Scheduler runs periodic jobs and long-running loops until stopped.
type Scheduler struct {
	s      gocron.Scheduler
	cancel context.CancelFunc

	mu       sync.Mutex
	stopping bool
	// work counts job runs and loops in progress: Stop waits for them,
	// so that nothing uses the store once it returns.
	work sync.WaitGroup
}

// Start schedules every job and starts every loop (such as the outbox
// worker's), all under one context that Stop cancels. Ticks are aligned to
// multiples of the job's interval so that replicas tick together and the
// lease picks one of them.
func Start(ctx context.Context, st *store.Store, log *slog.Logger, replicaID string, jobs []Job, loops ...func(context.Context)) (*Scheduler, error) {
	ttl := make(map[string]time.Duration, len(jobs))
	for _, j := range jobs {
		ttl[j.Name] = j.Every / 2
	}
	s, err := gocron.NewScheduler(gocron.WithDistributedLocker(&leaseLocker{store: st, holder: replicaID, ttl: ttl}))
	if err != nil {
		return nil, fmt.Errorf("jobs: scheduler: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	sch := &Scheduler{s: s, cancel: cancel}
	now := time.Now()
	for _, j := range jobs {
		run := j.Run
		name := j.Name
		_, err := s.NewJob(gocron.DurationJob(j.Every),
			gocron.NewTask(func() {
				if !sch.begin() {
					return
				}
				defer sch.work.Done()
				start := time.Now()
				if err := run(ctx); err != nil {
					log.Error("job failed", "job", name, "err", err)
					return
				}
				log.Debug("job done", "job", name, "duration_ms", time.Since(start).Milliseconds())
			}),
			gocron.WithName(name),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			gocron.WithStartAt(gocron.WithStartDateTime(now.Truncate(j.Every).Add(j.Every))),
		)
		if err != nil {
			cancel()
			_ = s.Shutdown()
			return nil, fmt.Errorf("jobs: schedule %s: %w", name, err)
		}
	}
	for _, loop := range loops {
		sch.work.Go(func() { loop(ctx) })
	}
	s.Start()
	return sch, nil
}

// begin counts a job run in, unless Stop has begun: the count must not
// grow while Stop waits for it to reach zero.
func (s *Scheduler) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.work.Add(1)
	return true
}

// Stop cancels the context of jobs and loops and waits until every job run
// and loop has returned, or until ctx ends. Once it returns nil, the store
// may close.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	s.cancel()
	// gocron gives up waiting for running jobs after its own timeout; the
	// wait below is the one that counts.
	if err := s.s.Shutdown(); err != nil && !errors.Is(err, gocron.ErrStopJobsTimedOut) {
		return fmt.Errorf("jobs: shutdown: %w", err)
	}
	done := make(chan struct{})
	go func() {
		s.work.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("jobs: background work still running: %w", ctx.Err())
	}
}

// leaseLocker is gocron's distributed locker over store leases. A lease
// lasts half the interval and is not released after the run: releasing it
// would let a replica whose clock ticks a moment later run the same tick.
type leaseLocker struct {
	store  *store.Store
	holder string
	ttl    map[string]time.Duration
}

type noopLock struct{}

func (noopLock) Unlock(context.Context) error { return nil }

// errLeaseHeld tells gocron that another replica runs this tick.
var errLeaseHeld = fmt.Errorf("jobs: lease held by another replica")

func (l *leaseLocker) Lock(ctx context.Context, key string) (gocron.Lock, error) {
	ttl := l.ttl[key]
	if ttl <= 0 {
		ttl = time.Minute
	}
	ok, err := l.store.TryLease(ctx, key, l.holder, ttl)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errLeaseHeld
	}
	return noopLock{}, nil
}
