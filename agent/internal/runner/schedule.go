package runner

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/sourcegraph/conc"

	"certinel.dev/shared/wire"
)

// Schedule shapes the daemon's timing.
type Schedule struct {
	// MinInterval floors what the server asks for, so a misconfigured server
	// cannot make a fleet of agents hammer it.
	MinInterval time.Duration
	// RetryInterval shortens the wait after a cycle that could not reach the
	// server or deliver everything, so a network blip costs minutes of
	// delay, not a whole interval; zero keeps the normal interval.
	RetryInterval time.Duration
	// Jitter spreads each wait uniformly over ±Jitter of the interval, so
	// thousands of agents started together drift apart instead of pulling at
	// the same instant every time.
	Jitter float64
	// DiscoveryTick is how often the daemon looks for discovery jobs that
	// are due; zero is a minute. Jobs run on their own intervals (daily by
	// default), apart from the target cycle.
	DiscoveryTick time.Duration
}

// DefaultSchedule is what the shipped agent uses.
func DefaultSchedule() Schedule {
	return Schedule{MinInterval: time.Minute, RetryInterval: 15 * time.Minute, Jitter: 0.1}
}

// Run is the daemon: one cycle right away, then one every interval the
// server returned, with jitter, never two at once; beside it, the control
// channel brings on-demand work (check now, new targets, discovery now,
// settings). It returns when ctx ends, after the work in progress (if any)
// has stopped.
func (r *Runner) Run(ctx context.Context, s Schedule, ch Channel) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg conc.WaitGroup
	defer wg.Wait()
	defer cancel()
	work := make(chan wire.Command, commandQueue)
	wg.Go(func() { r.listen(ctx, ch, work) })
	wg.Go(func() { r.serve(ctx, work) })
	return r.schedule(ctx, s)
}

// commandQueue bounds the commands received and not yet carried out; the
// channel stops polling while it is full.
const commandQueue = 256

// schedule runs the target cycle and the discovery sweeps on their
// schedules until ctx ends.
func (r *Runner) schedule(ctx context.Context, s Schedule) error {
	sched, err := gocron.NewScheduler()
	if err != nil {
		return fmt.Errorf("runner: scheduler: %w", err)
	}
	var current atomic.Int64
	current.Store(int64(DefaultInterval))
	changed := make(chan time.Duration, 1)
	task := gocron.NewTask(func(ctx context.Context) {
		sum, err := r.runTargets(ctx)
		// The daemon sleeps for hours between runs: give the memory of the
		// run back to the OS instead of keeping it resident.
		debug.FreeOSMemory()
		want := max(sum.Interval, s.MinInterval)
		if err != nil && s.RetryInterval > 0 {
			want = min(want, s.RetryInterval)
		}
		if int64(want) != current.Load() {
			select {
			case changed <- want:
			default:
			}
		}
	})
	// Singleton reschedule: if a run outlasts the interval, the next one is
	// skipped rather than started alongside it.
	single := gocron.WithSingletonMode(gocron.LimitModeReschedule)
	job, err := sched.NewJob(s.every(DefaultInterval), task, single,
		gocron.WithContext(ctx), gocron.WithStartAt(gocron.WithStartImmediately()))
	if err != nil {
		return fmt.Errorf("runner: schedule job: %w", err)
	}
	if err := r.scheduleSweeps(ctx, sched, s, single); err != nil {
		return err
	}
	sched.Start()
	for {
		select {
		case <-ctx.Done():
			if err := sched.Shutdown(); err != nil {
				return fmt.Errorf("runner: stop scheduler: %w", err)
			}
			return nil
		case d := <-r.intervals:
			select {
			case changed <- max(d, s.MinInterval):
			default:
			}
		case d := <-changed:
			// Replacing the job re-arms it from now, which is when the run
			// that learnt the new interval finished.
			if _, err := sched.Update(job.ID(), s.every(d), task, single, gocron.WithContext(ctx)); err != nil {
				return fmt.Errorf("runner: reschedule every %s: %w", d, err)
			}
			current.Store(int64(d))
		}
	}
}

// scheduleSweeps adds the job that runs due discovery jobs, apart from the
// target cycle, so a long sweep never delays certificate checks.
func (r *Runner) scheduleSweeps(ctx context.Context, sched gocron.Scheduler, s Schedule, single gocron.JobOption) error {
	tick := s.DiscoveryTick
	if tick <= 0 {
		tick = time.Minute
	}
	task := gocron.NewTask(func(ctx context.Context) {
		if len(r.dueJobs(true)) == 0 {
			return
		}
		// Each job logs its own outcome; a failed sweep waits its interval.
		_ = r.sweepAll(ctx, true)
		debug.FreeOSMemory()
	})
	if _, err := sched.NewJob(gocron.DurationJob(tick), task, single, gocron.WithContext(ctx)); err != nil {
		return fmt.Errorf("runner: schedule discovery: %w", err)
	}
	return nil
}

func (s Schedule) every(d time.Duration) gocron.JobDefinition {
	spread := time.Duration(float64(d) * s.Jitter)
	return gocron.DurationRandomJob(d-spread, d+spread)
}
