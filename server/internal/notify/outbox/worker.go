// Package outbox delivers the notifications that alert evaluation wrote to
// the outbox table: it claims due rows, sends them through the channel's
// provider, records every attempt and retries with backoff.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
)

// Worker sends outbox rows. Several workers (replicas) may run against one
// database; claims keep them from sending a row twice.
type Worker struct {
	Store *store.Store
	// Providers delivers each channel by its type.
	Providers *notify.Registry
	Log       *slog.Logger
	// Holder names this worker in claims and attempts.
	Holder string
	// Batch is how many rows one claim takes; Lease how long it holds them.
	Batch int
	Lease time.Duration
	// MaxAttempts is when a row stops being retried and is marked failed.
	MaxAttempts int
	// Concurrency bounds sends in flight, so one hanging channel does not
	// hold up the others; SendTimeout bounds each send.
	Concurrency int
	SendTimeout time.Duration
	// RetryBase is the first retry delay, doubled per attempt up to RetryMax.
	RetryBase, RetryMax time.Duration
	// Poll is how often the worker looks for due rows without a wake-up.
	Poll time.Duration

	wake chan struct{}
	// unrecorded holds outcomes of sends the database could not take yet.
	unrecorded backlog
}

// Wake asks the worker to look for rows now.
func (w *Worker) Wake() {
	select {
	case w.wakeChan() <- struct{}{}:
	default:
	}
}

func (w *Worker) wakeChan() chan struct{} {
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
	return w.wake
}

// Loop delivers until ctx ends.
func (w *Worker) Loop(ctx context.Context) {
	wake := w.wakeChan()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.Log.Error("outbox delivery failed", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
	}
}

// delivery is one message to send and the rows it settles.
type delivery struct {
	channel store.Channel
	rows    []store.OutboxRow
}

// RunOnce claims one batch and sends it; it returns how many rows it claimed.
// Outcomes that could not be recorded before are recorded first: until they
// are, this worker claims nothing, so it never takes back a row it sent.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if err := w.unrecorded.flush(ctx, w.Store, w.Holder); err != nil {
		return 0, err
	}
	rows, err := w.Store.ClaimOutbox(ctx, w.Holder, w.Batch, w.Lease)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ChannelID)
	}
	channels, err := w.Store.ChannelsByID(ctx, ids)
	if err != nil {
		return len(rows), err
	}
	p := pool.New().WithMaxGoroutines(max(w.Concurrency, 1))
	for _, d := range group(rows, channels) {
		p.Go(func() { w.deliver(ctx, d) })
	}
	p.Wait()
	return len(rows), nil
}

// group makes one message per row, except for digest channels, whose rows
// of a batch go out together.
func group(rows []store.OutboxRow, channels map[string]store.Channel) []delivery {
	var out []delivery
	digest := map[string]int{}
	for _, r := range rows {
		ch := channels[r.ChannelID]
		if ch.Digest {
			if i, ok := digest[ch.ID]; ok {
				out[i].rows = append(out[i].rows, r)
				continue
			}
			digest[ch.ID] = len(out)
		}
		out = append(out, delivery{channel: ch, rows: []store.OutboxRow{r}})
	}
	return out
}

func (w *Worker) deliver(ctx context.Context, d delivery) {
	msg := notify.Message{Digest: len(d.rows) > 1}
	attempts := 0
	for _, r := range d.rows {
		attempts = max(attempts, r.Attempts+1)
		if events, err := notify.DecodeEvents(r.Payload); err == nil {
			msg.Events = append(msg.Events, events...)
		}
	}
	start := time.Now()
	err := w.send(ctx, d.channel, msg)
	out := store.Delivery{OK: err == nil, Duration: time.Since(start)}
	if err != nil {
		out.Err = safetext.Fit(err.Error(), 1000)
		if !notify.IsPermanent(err) && attempts < w.MaxAttempts {
			out.Retry = time.Now().Add(w.backoff(attempts))
		}
		w.Log.Warn("notification not delivered", "channel", d.channel.ID, "type", d.channel.Type,
			"attempt", attempts, "retry", !out.Retry.IsZero(), "err", err)
	}
	// Record even when ctx ended: the send happened (or not) regardless.
	record, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.Store.FinishDelivery(record, w.Holder, d.rows, out); err != nil {
		w.Log.Error("recording delivery, will try again", "channel", d.channel.ID, "err", err)
		w.unrecorded.add(outcome{rows: d.rows, delivery: out})
	}
}

func (w *Worker) send(ctx context.Context, ch store.Channel, msg notify.Message) error {
	if ch.ID == "" {
		return notify.Permanent(errors.New("the channel was deleted"))
	}
	if ch.ConfigErr != nil {
		// Retried: another replica, or this one restarted with the right
		// key, may read it. The detail (key ids) is for the operator's log.
		w.Log.Error("channel settings do not decrypt", "channel", ch.ID, "err", ch.ConfigErr)
		return errors.New("this server cannot decrypt the channel's settings; its operator must configure the secret key")
	}
	ctx, cancel := context.WithTimeout(ctx, w.SendTimeout)
	defer cancel()
	return w.Providers.Send(ctx, notify.Channel{ID: ch.ID, Name: ch.Name, Type: ch.Type, OrganizationID: ch.OrganizationID, Config: json.RawMessage(ch.Config)}, msg)
}

// backoff doubles per attempt, capped, with ±20% jitter so that retries of
// a channel's outage spread out.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.RetryBase << min(attempt-1, 20)
	if d > w.RetryMax || d <= 0 {
		d = w.RetryMax
	}
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
