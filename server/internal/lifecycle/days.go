package lifecycle

import "time"

// Day is a calendar-free day: lifetimes and margins are durations.
const Day = 24 * time.Hour

// DaysLeft counts whole days until notAfter, rounding towards the past: a
// certificate with 23 hours left has 0 days left, one that expired an
// hour ago has -1. Every days-left figure the server shows is this one.
func DaysLeft(notAfter, now time.Time) int {
	d := notAfter.Sub(now)
	n := int(d / Day)
	if d < 0 && d%Day != 0 {
		n--
	}
	return n
}
