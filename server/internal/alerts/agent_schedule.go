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

// agentTimes says when each agent the input held as due must next be
// evaluated: when it turns offline, or never while it is offline, since
// only its next check-in changes that (and makes it due again).
func agentTimes(in store.EvalInput) []store.AgentTime {
	var out []store.AgentTime
	for _, a := range in.Agents {
		if a.LastSeenAt == nil || a.EvalDueAt == nil || a.EvalDueAt.After(in.Now) {
			continue // loaded for its open alerts, not due
		}
		t := store.AgentTime{ID: a.ID, SeenAt: *a.LastSeenAt, DueAt: *a.EvalDueAt}
		if at := offlineAt(a); at.After(in.Now) {
			t.Next = &at
		}
		out = append(out, t)
	}
	return out
}
