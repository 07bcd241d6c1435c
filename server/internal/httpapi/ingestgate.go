package httpapi

import (
	"context"
	"net/http"
	"time"
)

// ingestGate bounds how many result batches the server holds at once. A
// batch in flight holds its decoded JSON (up to maxResultsJSON, and as much
// again in the decoder's buffer) and its parsed chains until it is stored,
// so the gate, not the number of agents pushing, bounds what ingest takes
// from memory.
type ingestGate chan struct{}

const (
	// ingestSlots: two batches at the limit, with the decoder's buffers and
	// the garbage collector's headroom, stay under 200 MiB; two keep the
	// cores of a small server busy, and on one database more batches at
	// once would not store faster.
	ingestSlots = 2
	// ingestWait is how long a batch may queue for a place. A waiting
	// request has not read its body yet, so it holds only its connection;
	// the wait stays under the agent's one-minute wait for an answer and
	// the server's read timeout.
	ingestWait = 50 * time.Second
)

// errIngestBusy tells an agent to push again later; agents honour
// Retry-After and keep the batch in their spool meanwhile.
var errIngestBusy = &apiError{Status: http.StatusServiceUnavailable, Code: "busy",
	Message: "the server is storing other batches; send this one again later", RetryAfter: 10 * time.Second}

func newIngestGate() ingestGate { return make(ingestGate, ingestSlots) }

// enter waits for a place; the caller must leave once the batch is stored.
func (g ingestGate) enter(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, ingestWait)
	defer cancel()
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errIngestBusy
	}
}

func (g ingestGate) leave() { <-g }
