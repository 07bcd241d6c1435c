package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"certinel.dev/server/internal/store"
)

// Listen keeps a dedicated PostgreSQL connection listening for the commands
// other replicas store, and wakes the polls of their agents on this one. A
// lost connection is made again with jittered backoff; since notifications
// may have been missed meanwhile, every poll is woken once it is back. It
// returns when ctx ends.
func Listen(ctx context.Context, dsn string, hub *Hub, log *slog.Logger) {
	wait := time.Second
	for ctx.Err() == nil {
		err := listenOnce(ctx, dsn, hub, func() { wait = time.Second })
		if ctx.Err() != nil {
			return
		}
		log.Warn("control channel: LISTEN connection lost, reconnecting", "error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait/2 + rand.N(wait/2+1)):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// listenOnce listens until the connection fails; connected is called once
// the LISTEN is in place.
func listenOnce(ctx context.Context, dsn string, hub *Hub, connected func()) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("control: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{store.CommandsChannel}.Sanitize()); err != nil {
		return fmt.Errorf("control: listen: %w", err)
	}
	connected()
	hub.WakeAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("control: wait for notification: %w", err)
		}
		hub.Wake(n.Payload)
	}
}
