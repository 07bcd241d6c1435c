package scalebench

import (
	"context"
	"fmt"
	"time"
)

// An ingest round goes on in the server after its last answer: the alert
// evaluation it triggered records alerts, and the outbox queues their
// messages. Its size is taken once the database has been quiet for a
// while, so that this work counts in the round that caused it rather than
// in the next one (or in neither, by chance of timing).
const (
	quietFor   = 3 * time.Second
	quietPoll  = 100 * time.Millisecond
	quietLimit = 5 * time.Minute
)

// waitQuiet waits until busy has answered false for quietFor in a row.
func waitQuiet(ctx context.Context, busy func(context.Context) (bool, error)) error {
	start := time.Now()
	quietSince := start
	for {
		b, err := busy(ctx)
		if err != nil {
			return err
		}
		now := time.Now()
		if b {
			quietSince = now
		}
		if now.Sub(quietSince) >= quietFor {
			return nil
		}
		if now.Sub(start) > quietLimit {
			return fmt.Errorf("scalebench: the server kept writing to the database for %s", quietLimit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(quietPoll):
		}
	}
}
