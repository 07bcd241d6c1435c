package alerts

import (
	"time"

	"certinel.dev/server/internal/store"
)

// offlineAt is when an agent counts as offline: the first instant more
// than twice its interval after its last check-in (the stored times are
// microseconds).
func offlineAt(a store.Agent) time.Time {
	return a.LastSeenAt.Add(2*time.Duration(a.IntervalSeconds)*time.Second + time.Microsecond)
}

// agentTimes says when each agent evaluated must next be looked at: when
// it turns offline (never while it is offline: only its next check-in
// changes that, and makes it due), and when its open events need a look.
func agentTimes(in store.EvalInput, wake map[string]time.Time) []store.AgentTime {
	out := make([]store.AgentTime, 0, len(in.Agents))
	for _, a := range in.Agents {
		t := store.AgentTime{ID: a.ID, SeenAt: a.LastSeenAt, DueAt: a.EvalDueAt}
		if a.LastSeenAt != nil {
			if at := offlineAt(a); at.After(in.Now) {
				t.Next = &at
			}
		}
		if w, ok := wake[a.ID]; ok {
			t.Wake = &w
		}
		out = append(out, t)
	}
	return out
}
