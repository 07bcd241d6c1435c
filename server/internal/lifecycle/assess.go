package lifecycle

import "time"

// Kind is the part of a domain's state that does not age with the clock,
// fixed when a check is stored.
type Kind string

// Kinds of state.
const (
	KindPending     Kind = "pending"     // never checked
	KindUnreachable Kind = "unreachable" // the latest check failed or brought no chain
	KindInvalid     Kind = "invalid"     // a chain clients reject (revoked, untrusted, wrong name, not yet valid)
	KindValid       Kind = "valid"       // any other chain
)

// State is what a domain's status is derived from at a given time: the
// kind, and for a chain its deadline, the end of its renewal window and
// when it becomes urgent by its lifetime.
type State struct {
	Kind      Kind
	Deadline  *time.Time
	WindowEnd *time.Time
	UrgentAt  *time.Time
}

// Expired: a certificate of the chain has expired.
func (s State) Expired(now time.Time) bool {
	return s.hasChain() && !s.Deadline.After(now)
}

// Overdue: the renewal window has passed and the chain has not expired.
func (s State) Overdue(now time.Time) bool {
	return s.hasChain() && s.Deadline.After(now) && s.WindowEnd != nil && !s.WindowEnd.After(now)
}

// Urgent: the chain has not expired, and either its lifetime's margin
// before expiry has begun, or its window has passed with at most
// floorDays left.
func (s State) Urgent(now time.Time, floorDays int) bool {
	if !s.hasChain() || !s.Deadline.After(now) {
		return false
	}
	if s.UrgentAt != nil && !s.UrgentAt.After(now) {
		return true
	}
	return floorDays > 0 && s.Overdue(now) && !s.Deadline.After(now.Add(time.Duration(floorDays)*Day))
}

func (s State) hasChain() bool {
	return (s.Kind == KindValid || s.Kind == KindInvalid) && s.Deadline != nil
}

// Status ranks the state: an expired chain is the most urgent news, then
// one clients reject today, then one about to expire, then a renewal that
// is late.
func (s State) Status(now time.Time, floorDays int) Status {
	switch {
	case s.Kind == KindPending || s.Kind == KindUnreachable:
		return Status(s.Kind)
	case s.Expired(now):
		return StatusExpired
	case s.Kind == KindInvalid:
		return StatusInvalid
	case s.Urgent(now, floorDays):
		return StatusExpiring
	case s.Overdue(now):
		return StatusDue
	}
	return StatusOK
}

// Problems lists every problem of the state at now: those the latest
// check found (judged, comma-free codes) that do not depend on the clock,
// and those the clock brings. A domain is listed under every status filter
// that one of its problems names.
func (s State) Problems(now time.Time, floorDays int, judged []string) []Problem {
	on := map[Problem]bool{
		ProblemExpired:        s.Expired(now),
		ProblemRenewalOverdue: s.Overdue(now),
		ProblemExpiring:       s.Urgent(now, floorDays),
		ProblemUnreachable:    s.Kind == KindUnreachable,
	}
	for _, j := range judged {
		if p := Problem(j); !p.timeDriven() {
			on[p] = true
		}
	}
	out := []Problem{}
	for _, p := range Problems {
		if on[p] {
			out = append(out, p)
		}
	}
	return out
}

// Listed tells whether the state is found under a status filter at now.
// Filters name problems rather than the one status that ranks first, so
// that a chain both untrusted and expiring is found under invalid and
// under expiring, and counted in both.
func (s State) Listed(filter Status, now time.Time, floorDays int) bool {
	switch filter {
	case StatusPending, StatusUnreachable:
		return Status(s.Kind) == filter
	case StatusInvalid:
		return s.Kind == KindInvalid
	case StatusExpired:
		return s.Expired(now)
	case StatusExpiring:
		return s.Urgent(now, floorDays)
	case StatusDue:
		return s.Overdue(now)
	case StatusOK:
		return s.Kind == KindValid && s.Status(now, floorDays) == StatusOK
	}
	return false
}
