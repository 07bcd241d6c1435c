package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"certinel.dev/agent/internal/atomicfile"
	"certinel.dev/agent/internal/client"
	"certinel.dev/shared/wire"
)

// MaxCachedTargetsAge bounds how old a remembered target list may be to
// stand in for a pull: long enough to ride out a server outage of days,
// short enough that removed targets stop being probed.
const MaxCachedTargetsAge = 7 * 24 * time.Hour

// lastPull is the target list of the latest successful pull, kept on disk
// so that a server outage does not stop the checks: results of a run that
// could not pull wait in the spool like any other.
type lastPull struct {
	PulledAt time.Time            `json:"pulled_at"`
	Response wire.TargetsResponse `json:"response"`
}

func saveLastPull(path string, resp wire.TargetsResponse, now time.Time) error {
	b, err := json.Marshal(lastPull{PulledAt: now, Response: resp})
	if err != nil {
		return fmt.Errorf("runner: remember targets: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return fmt.Errorf("runner: remember targets: %w", err)
	}
	return nil
}

func loadLastPull(path string, now time.Time) (lastPull, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return lastPull{}, false
	}
	var lp lastPull
	if json.Unmarshal(b, &lp) != nil || now.Sub(lp.PulledAt) > MaxCachedTargetsAge {
		return lastPull{}, false
	}
	return lp, true
}

// unreachable tells a pull that failed because the server could not be
// reached or failed itself, from one it refused (bad credentials): only the
// first may fall back to the remembered targets.
func unreachable(err error) bool {
	var se *client.StatusError
	if errors.As(err, &se) {
		return se.Status >= 500
	}
	return err != nil
}
