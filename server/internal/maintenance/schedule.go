// Package maintenance says when a maintenance window is on: once, between
// two instants, or every week on given days at a local time, in an IANA
// time zone. It is pure: alert evaluation asks it, the API validates with it.
package maintenance

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Recurrences.
const (
	Once   = "once"
	Weekly = "weekly"
)

// MaxDuration bounds a weekly window: longer would overlap the next week's.
const MaxDuration = 7 * 24 * time.Hour

// Weekdays are the day names a weekly window takes, Sunday first as in
// time.Weekday.
var Weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Schedule is when a window is on.
type Schedule struct {
	Recurrence string
	// StartsAt and EndsAt bound a one-off window.
	StartsAt, EndsAt *time.Time
	// Weekdays, StartTime ("15:04", local) and Duration make a weekly one.
	Weekdays  []string
	StartTime string
	Duration  time.Duration
	TimeZone  string
}

// FieldError names the field a schedule is wrong in.
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Validate checks the schedule; the error is a *FieldError.
func (s Schedule) Validate() error {
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" || strings.EqualFold(s.TimeZone, "local") {
		return &FieldError{"time_zone", "must be an IANA time zone such as Europe/Berlin or UTC"}
	}
	switch s.Recurrence {
	case Once:
		if s.StartsAt == nil || s.EndsAt == nil || !s.EndsAt.After(*s.StartsAt) {
			return &FieldError{"ends_at", "a one-off window needs starts_at and a later ends_at"}
		}
	case Weekly:
		if len(s.Weekdays) == 0 {
			return &FieldError{"weekdays", "name at least one day: " + strings.Join(Weekdays, ", ")}
		}
		for _, d := range s.Weekdays {
			if !slices.Contains(Weekdays, d) {
				return &FieldError{"weekdays", fmt.Sprintf("unknown day %q; days are %s", d, strings.Join(Weekdays, ", "))}
			}
		}
		if _, err := time.Parse("15:04", s.StartTime); err != nil {
			return &FieldError{"start_time", "must be a local time of day as HH:MM"}
		}
		if s.Duration < time.Minute || s.Duration > MaxDuration {
			return &FieldError{"duration_minutes", "must be 1 minute to 7 days"}
		}
	default:
		return &FieldError{"recurrence", "must be once or weekly"}
	}
	return nil
}

// ActiveAt says whether the window is on at t and, if so, when it ends.
// An invalid schedule is never on.
func (s Schedule) ActiveAt(t time.Time) (bool, time.Time) {
	if s.Recurrence == Once {
		if s.StartsAt != nil && s.EndsAt != nil && !t.Before(*s.StartsAt) && t.Before(*s.EndsAt) {
			return true, *s.EndsAt
		}
		return false, time.Time{}
	}
	var end time.Time
	for _, start := range s.weeklyStarts(t.Add(-s.Duration-24*time.Hour), t) {
		if !t.Before(start) && t.Before(start.Add(s.Duration)) && start.Add(s.Duration).After(end) {
			end = start.Add(s.Duration)
		}
	}
	return !end.IsZero(), end
}

// weeklyStarts lists the starts of a weekly window on the local days from
// from's to to's, in order.
func (s Schedule) weeklyStarts(from, to time.Time) []time.Time {
	loc, err := time.LoadLocation(s.TimeZone)
	clock, perr := time.Parse("15:04", s.StartTime)
	if err != nil || perr != nil || s.Duration <= 0 {
		return nil
	}
	var out []time.Time
	day := from.In(loc)
	for y, m, d := day.Date(); ; d++ {
		start := time.Date(y, m, d, clock.Hour(), clock.Minute(), 0, 0, loc)
		if start.After(to) && time.Date(y, m, d, 0, 0, 0, 0, loc).After(to) {
			return out
		}
		if slices.Contains(s.Weekdays, Weekdays[start.Weekday()]) {
			out = append(out, start)
		}
	}
}
