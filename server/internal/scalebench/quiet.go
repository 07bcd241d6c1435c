package scalebench

import (
	"context"
	"time"
)

// An ingest round goes on in the server after its last answer: the alert
// evaluation it triggered records alerts, and the outbox queues their
// messages. Its size is taken once the database has been quiet for a
// while, so that this work counts in the round that caused it rather than
// in the next one (or in neither, by chance of timing). A server still
// busy after quietLimit is measured as it is, and the round says so.
const (
	quietFor   = 3 * time.Second
	quietPoll  = 100 * time.Millisecond
	quietLimit = 2 * time.Minute
)

// waitQuiet waits until busy has answered false for quietFor in a row, at
// most quietLimit, and tells whether it did.
func waitQuiet(ctx context.Context, busy func(context.Context) (bool, error)) (bool, error) {
	start := time.Now()
	quietSince := start
	for {
		b, err := busy(ctx)
		if err != nil {
			return false, err
		}
		now := time.Now()
		if b {
			quietSince = now
		}
		if now.Sub(quietSince) >= quietFor {
			return true, nil
		}
		if now.Sub(start) > quietLimit {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(quietPoll):
		}
	}
}
