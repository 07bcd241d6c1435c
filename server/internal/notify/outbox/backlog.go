package outbox

import (
	"context"
	"fmt"
	"sync"

	"certinel.dev/server/internal/store"
)

// outcome is a send whose result is not in the database yet.
type outcome struct {
	rows     []store.OutboxRow
	delivery store.Delivery
}

// backlog keeps outcomes the store could not record (the database was
// unreachable for longer than the store retries), so they are recorded once
// it answers again. Rows stay claimed meanwhile; only if the outage outlasts
// the lease can another worker take them and send them again, and then the
// receiver's idempotency key (webhook-id, Message-ID) tells the copies apart.
// The backlog lives in memory: a worker that stops with outcomes in it leaves
// those rows to the lease as well.
type backlog struct {
	mu   sync.Mutex
	list []outcome
}

func (b *backlog) add(o outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.list = append(b.list, o)
}

// flush records the outcomes in order and keeps those it could not.
func (b *backlog) flush(ctx context.Context, st *store.Store, holder string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.list) > 0 {
		o := b.list[0]
		if err := st.FinishDelivery(ctx, holder, o.rows, o.delivery); err != nil {
			return fmt.Errorf("outbox: %d deliveries not recorded yet: %w", len(b.list), err)
		}
		b.list = b.list[1:]
	}
	return nil
}
