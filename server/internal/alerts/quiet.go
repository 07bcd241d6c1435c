package alerts

import (
	"slices"
	"time"

	"certinel.dev/server/internal/store"
)

// maintenanceEnd says whether a maintenance window silences the domain or
// agent now and, if so, when the last such window ends. An agent's window
// covers its domains too.
func maintenanceEnd(in store.EvalInput, d *store.EvalDomain, agentID string) (bool, time.Time) {
	var end time.Time
	for _, w := range in.Maintenance {
		if !covers(w, d, agentID) {
			continue
		}
		if on, until := w.Schedule().ActiveAt(in.Now); on && until.After(end) {
			end = until
		}
	}
	return !end.IsZero(), end
}

func covers(w store.MaintenanceWindow, d *store.EvalDomain, agentID string) bool {
	if d != nil {
		if w.OrganizationID != d.OrganizationID {
			return false
		}
		switch w.ScopeType {
		case store.MaintenanceDomain:
			return w.ScopeValue == d.ID
		case store.MaintenanceTag:
			return slices.Contains(d.Tags, w.ScopeValue)
		}
		if d.AgentID != nil {
			agentID = *d.AgentID
		}
	}
	return w.ScopeType == store.MaintenanceAgent && agentID != "" && w.ScopeValue == agentID
}

// snoozed says whether an open event is snoozed now and until when; the
// time is zero for a snooze until it changes, which only its resolution
// ends.
func snoozed(a store.Alert, now time.Time) (bool, time.Time) {
	if a.SnoozeUntilChange {
		return true, time.Time{}
	}
	if a.SnoozedUntil != nil && a.SnoozedUntil.After(now) {
		return true, *a.SnoozedUntil
	}
	return false, time.Time{}
}
