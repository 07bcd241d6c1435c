package runner

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"certinel.dev/shared/wire"
)

// Channel shapes the control channel: how long each poll may be held, and
// how the agent backs off while the channel fails. The schedule goes on
// regardless, so a failing channel only costs the on-demand work.
type Channel struct {
	PollWait    time.Duration
	BackoffBase time.Duration
	BackoffMax  time.Duration
}

// DefaultChannel suits proxies that cut requests idle for 30 s or more.
func DefaultChannel() Channel {
	return Channel{PollWait: 25 * time.Second, BackoffBase: time.Second, BackoffMax: 2 * time.Minute}
}

// listen keeps the control channel open until ctx ends, handing each
// command to work. The commands of one answer are acknowledged with the
// next poll, once they are queued.
func (r *Runner) listen(ctx context.Context, ch Channel, work chan<- wire.Command) {
	var acks []string
	failures := 0
	for ctx.Err() == nil {
		req := wire.ChannelRequest{Ack: acks, Status: r.status()}
		resp, retryAfter, err := r.opts.Client.Poll(ctx, req, ch.PollWait)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait := ch.backoff(failures, retryAfter)
			r.opts.Logger.Warn("control channel failed; the schedule goes on", "error", err, "retry_in", wait.Round(time.Millisecond))
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			continue
		}
		if failures > 0 {
			r.opts.Logger.Info("control channel connected")
		}
		failures = 0
		acks = acks[:0]
		for _, cmd := range resp.Commands {
			r.opts.Logger.Debug("command received", "id", cmd.ID, "kind", cmd.Kind)
			select {
			case work <- cmd:
				acks = append(acks, cmd.ID)
			case <-ctx.Done():
				return
			}
		}
	}
}

// backoff is the wait after the given number of failures in a row:
// exponential with the upper half random, so agents cut off together do
// not come back together. A server's Retry-After is a floor, spread by up
// to a quarter more.
func (ch Channel) backoff(failures int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter + rand.N(retryAfter/4+1)
	}
	d := ch.BackoffBase << min(failures-1, 20)
	if d <= 0 || d > ch.BackoffMax {
		d = ch.BackoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// status is what the agent reports of itself on each poll.
func (r *Runner) status() wire.AgentStatus {
	st := wire.AgentStatus{Platform: runtime.GOOS + "/" + runtime.GOARCH, LastCycle: r.lastCycle.Load()}
	if entries, err := r.opts.Spool.List(); err == nil {
		st.SpoolBatches = len(entries)
	}
	p := r.parkedReport()
	st.ParkedBatches = p.Batches
	if p.Batches > 0 {
		st.ParkedOldestAt = &p.Oldest
	}
	return st
}

// serve carries out the commands one after another until ctx ends. The
// targets of commands that queued up meanwhile are checked together.
func (r *Runner) serve(ctx context.Context, work <-chan wire.Command) {
	for {
		var first wire.Command
		select {
		case <-ctx.Done():
			return
		case first = <-work:
		}
		batch := []wire.Command{first}
		for more := true; more; {
			select {
			case cmd := <-work:
				batch = append(batch, cmd)
			default:
				more = false
			}
		}
		r.carryOut(ctx, batch)
	}
}

// carryOut does what a batch of commands asks.
func (r *Runner) carryOut(ctx context.Context, cmds []wire.Command) {
	var targets, jobs []string
	for _, cmd := range cmds {
		switch cmd.Kind {
		case wire.CommandCheck, wire.CommandTargetsChanged:
			targets = append(targets, cmd.TargetIDs...)
		case wire.CommandRunDiscovery:
			jobs = append(jobs, cmd.DiscoveryJobID)
		case wire.CommandSettings:
			r.setInterval(time.Duration(cmd.IntervalSeconds) * time.Second)
		case wire.CommandRotateToken:
			r.rotateToken(ctx)
		default:
			r.opts.Logger.Warn("unknown command from the server, ignored", "kind", cmd.Kind)
		}
	}
	if len(targets) > 0 {
		r.checkNow(ctx, targets)
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(jobs))) {
		r.sweepNow(ctx, id)
	}
}

// checkNow pulls the targets and checks those named, at once.
func (r *Runner) checkNow(ctx context.Context, ids []string) {
	resp, err := r.pull(ctx)
	if resp == nil {
		r.opts.Logger.Error("check now: could not pull the targets", "error", err)
		return
	}
	r.setJobs(resp.Discovery)
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	var chosen []wire.Target
	for _, t := range resp.Targets {
		if want[t.ID] {
			chosen = append(chosen, t)
		}
	}
	sum := Summary{ByKind: map[string]int{}}
	start := time.Now()
	mine, spoolErr := r.fetchAndSpool(ctx, chosen, &sum)
	pushErr := r.flush(ctx, mine, &sum)
	sum.Targets, sum.Elapsed = len(chosen), time.Since(start)
	if err := errors.Join(spoolErr, pushErr); err != nil {
		r.opts.Logger.Error("check now finished with errors", "asked", len(ids), "run", sum, "error", err)
		return
	}
	r.opts.Logger.Info("check now finished", "asked", len(ids), "run", sum)
}

// sweepNow runs one discovery job at once.
func (r *Runner) sweepNow(ctx context.Context, id string) {
	if resp, err := r.pull(ctx); resp != nil {
		r.setJobs(resp.Discovery)
	} else {
		r.opts.Logger.Warn("run discovery: could not pull the jobs, using the known ones", "error", err)
	}
	for _, job := range r.dueJobs(false) {
		if job.ID == id {
			r.markSwept(job.ID, time.Now())
			_ = r.sweep(ctx, job) // logs its own outcome
			return
		}
	}
	r.opts.Logger.Warn("run discovery: no such job for this agent", "job_id", id)
}

// rotateToken switches to a next agent token. A failure leaves the current
// token working, and the rotation may be asked again.
func (r *Runner) rotateToken(ctx context.Context) {
	if r.opts.RotateToken == nil {
		r.opts.Logger.Warn("the server asked for a token rotation, which this agent is not set up for")
		return
	}
	if err := r.opts.RotateToken(ctx); err != nil {
		r.opts.Logger.Error("token rotation failed; the current token goes on working", "error", err)
		return
	}
	// The server retires the old token at the first request with the new
	// one; make it now rather than at the next poll, which went out with
	// the old token and may be held for a while.
	if resp, err := r.pull(ctx); resp == nil {
		r.opts.Logger.Error("token rotated, but the first pull with the new token failed", "error", err)
		return
	}
	r.opts.Logger.Info("agent token rotated; the new one is kept in the state directory")
}

// setInterval hands a new interval to the daemon's schedule.
func (r *Runner) setInterval(d time.Duration) {
	if d <= 0 {
		return
	}
	select {
	case r.intervals <- d:
	default: // the schedule has one waiting; the next pull brings the latest
	}
}
