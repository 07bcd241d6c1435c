package maintenance

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWeeklyWindowInItsTimeZone(t *testing.T) {
	// Sundays 02:00 for 3 hours, Berlin time: 01:00-04:00 UTC in winter,
	// 00:00-03:00 UTC in summer.
	s := Schedule{Recurrence: Weekly, Weekdays: []string{"sun"}, StartTime: "02:00", Duration: 3 * time.Hour, TimeZone: "Europe/Berlin"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		at   string
		on   bool
		ends string
	}{
		{"2026-01-04T00:59:00Z", false, ""},
		{"2026-01-04T01:00:00Z", true, "2026-01-04T04:00:00Z"},
		{"2026-01-04T03:59:00Z", true, "2026-01-04T04:00:00Z"},
		{"2026-01-04T04:00:00Z", false, ""},
		{"2026-01-05T02:00:00Z", false, ""}, // Monday
		{"2026-07-05T00:30:00Z", true, "2026-07-05T03:00:00Z"},
		{"2026-07-05T03:30:00Z", false, ""},
	}
	for _, c := range cases {
		on, end := s.ActiveAt(at(c.at))
		if on != c.on || (c.on && !end.Equal(at(c.ends))) {
			t.Errorf("at %s: on %v until %v, want %v until %s", c.at, on, end, c.on, c.ends)
		}
	}
}

func TestWeeklyWindowAcrossMidnight(t *testing.T) {
	s := Schedule{Recurrence: Weekly, Weekdays: []string{"sat"}, StartTime: "23:00", Duration: 2 * time.Hour, TimeZone: "UTC"}
	if on, end := s.ActiveAt(at("2026-01-04T00:30:00Z")); !on || !end.Equal(at("2026-01-04T01:00:00Z")) {
		t.Fatalf("Sunday 00:30 after Saturday 23:00 for 2 h: on %v until %v", on, end)
	}
}

func TestOnceWindow(t *testing.T) {
	from, to := at("2026-03-01T10:00:00Z"), at("2026-03-01T12:00:00Z")
	s := Schedule{Recurrence: Once, StartsAt: &from, EndsAt: &to, TimeZone: "UTC"}
	for _, c := range []struct {
		at string
		on bool
	}{{"2026-03-01T09:59:59Z", false}, {"2026-03-01T10:00:00Z", true}, {"2026-03-01T12:00:00Z", false}} {
		if on, _ := s.ActiveAt(at(c.at)); on != c.on {
			t.Errorf("at %s: on %v, want %v", c.at, on, c.on)
		}
	}
}

func TestValidate(t *testing.T) {
	from, to := at("2026-03-01T10:00:00Z"), at("2026-03-01T12:00:00Z")
	cases := []struct {
		name  string
		s     Schedule
		field string
	}{
		{"unknown zone", Schedule{Recurrence: Once, StartsAt: &from, EndsAt: &to, TimeZone: "Mars/Olympus"}, "time_zone"},
		{"ends before", Schedule{Recurrence: Once, StartsAt: &to, EndsAt: &from, TimeZone: "UTC"}, "ends_at"},
		{"no days", Schedule{Recurrence: Weekly, StartTime: "02:00", Duration: time.Hour, TimeZone: "UTC"}, "weekdays"},
		{"bad day", Schedule{Recurrence: Weekly, Weekdays: []string{"monday"}, StartTime: "02:00", Duration: time.Hour, TimeZone: "UTC"}, "weekdays"},
		{"bad time", Schedule{Recurrence: Weekly, Weekdays: []string{"mon"}, StartTime: "25:00", Duration: time.Hour, TimeZone: "UTC"}, "start_time"},
		{"too long", Schedule{Recurrence: Weekly, Weekdays: []string{"mon"}, StartTime: "02:00", Duration: 8 * 24 * time.Hour, TimeZone: "UTC"}, "duration_minutes"},
		{"recurrence", Schedule{Recurrence: "daily", TimeZone: "UTC"}, "recurrence"},
	}
	for _, c := range cases {
		err := c.s.Validate()
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != c.field {
			t.Errorf("%s: got %v, want an error on %s", c.name, err, c.field)
		}
	}
}
