// Package jobs runs the server's periodic work with gocron. Each job is a
// plain func(ctx) error; a lease in the database makes each tick run on one
// replica only.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
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

// Scheduler runs jobs until stopped.
type Scheduler struct {
	s gocron.Scheduler
}

// Start schedules every job. Ticks are aligned to multiples of the job's
// interval so that replicas tick together and the lease picks one of them.
func Start(ctx context.Context, st *store.Store, log *slog.Logger, replicaID string, jobs []Job) (*Scheduler, error) {
	ttl := make(map[string]time.Duration, len(jobs))
	for _, j := range jobs {
		ttl[j.Name] = j.Every / 2
	}
	s, err := gocron.NewScheduler(gocron.WithDistributedLocker(&leaseLocker{store: st, holder: replicaID, ttl: ttl}))
	if err != nil {
		return nil, fmt.Errorf("jobs: scheduler: %w", err)
	}
	now := time.Now()
	for _, j := range jobs {
		run := j.Run
		name := j.Name
		_, err := s.NewJob(gocron.DurationJob(j.Every),
			gocron.NewTask(func() {
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
			return nil, fmt.Errorf("jobs: schedule %s: %w", name, err)
		}
	}
	s.Start()
	return &Scheduler{s: s}, nil
}

// Stop waits for running jobs and stops the scheduler.
func (s *Scheduler) Stop() error {
	if err := s.s.Shutdown(); err != nil {
		return fmt.Errorf("jobs: shutdown: %w", err)
	}
	return nil
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
