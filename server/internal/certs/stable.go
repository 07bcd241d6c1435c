package certs

import (
	"time"

	"certinel.dev/server/internal/lifecycle"
)

// maxStable bounds how long a verdict is taken as still standing, whatever
// its instants say: what it rests on besides the chain and the clock (the
// organization's CA bundles, policy, renewal windows and revocations)
// makes the stored chains be judged again when it changes, and this bound
// catches anything else.
const maxStable = 7 * lifecycle.Day

// stableUntil is the earliest instant after now at which judging the same
// chain against the same inputs may give another status, trust verdict or
// problem list: a certificate of the chain starting (with the clock-skew
// allowance before it) or ending, the trust verification running out
// (trustUntil), or the renewal plan reaching its window's end, its urgency
// or the organization's floor before the deadline. Until then a check that
// presents the same chain needs no judging: the day counts and the
// verification time in the verdict are the only parts that move, and they
// say when they were taken.
func stableUntil(chain []*Cert, now, trustUntil time.Time, plan lifecycle.Plan, floorDays int) time.Time {
	until := now.Add(maxStable)
	consider := func(t time.Time) {
		if t.After(now) && t.Before(until) {
			until = t
		}
	}
	for _, c := range chain {
		consider(c.Facts.NotBefore.Add(-clockSkewTolerance))
		consider(c.Facts.NotBefore)
		consider(c.Facts.NotAfter)
	}
	consider(trustUntil)
	consider(plan.Window.End)
	consider(plan.UrgentAt)
	consider(plan.Deadline)
	consider(plan.Deadline.Add(-time.Duration(floorDays) * lifecycle.Day))
	return until
}
