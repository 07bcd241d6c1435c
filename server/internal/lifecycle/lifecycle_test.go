package lifecycle

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func days(n float64) time.Duration { return time.Duration(n * float64(Day)) }

func TestDaysLeftRoundsTowardsThePast(t *testing.T) {
	for _, c := range []struct {
		left time.Duration
		want int
	}{
		{days(2) + time.Hour, 2}, {days(1) - time.Second, 0}, {0, 0}, {-time.Hour, -1}, {-days(1), -1}, {-days(1) - time.Second, -2},
	} {
		if got := DaysLeft(t0.Add(c.left), t0); got != c.want {
			t.Errorf("DaysLeft(%s) = %d, want %d", c.left, got, c.want)
		}
	}
}

// TestPlanOfEachLifetime states the defaults: where the window opens and
// closes, and how many days before expiry a missed renewal is urgent.
func TestPlanOfEachLifetime(t *testing.T) {
	for _, c := range []struct {
		life                   float64 // days
		start, end, urgentLeft float64 // days after issue, days before expiry
	}{
		{6, 3, 3.75, 1},
		{45, 30, 33.75, 7.5},
		{90, 60, 67.5, 15},
		{200, 200.0 * 2 / 3, 200.0*2/3 + 200.0/12, 200.0 / 6},
		{398, 398.0 * 2 / 3, 398.0*2/3 + 398.0/12, 398.0 / 6},
	} {
		na := t0.Add(days(c.life))
		p := NewPlan(t0, na, na, Settings{}, nil)
		near := func(got time.Time, want time.Time) bool { return got.Sub(want).Abs() < time.Second }
		if !near(p.Window.Start, t0.Add(days(c.start))) || !near(p.Window.End, t0.Add(days(c.end))) || p.Window.Source != SourceEstimate {
			t.Errorf("%v days: window %v, want from day %v to day %v", c.life, p.Window, c.start, c.end)
		}
		if !near(p.UrgentAt, na.Add(-days(c.urgentLeft))) {
			t.Errorf("%v days: urgent %s before expiry, want %v days", c.life, na.Sub(p.UrgentAt), c.urgentLeft)
		}
	}
}

func TestSettingsAndOverride(t *testing.T) {
	na := t0.Add(days(90))
	p := NewPlan(t0, na, na, Settings{RenewAfterFraction: 0.5}, nil)
	if !p.Window.Start.Equal(t0.Add(days(45))) {
		t.Errorf("fraction 0.5: window starts %s", p.Window.Start)
	}
	ari := &Window{Start: t0.Add(days(80)), End: t0.Add(days(82)), Source: SourceARI}
	p = NewPlan(t0, na, na, Settings{}, ari)
	if p.Window != *ari || !p.UrgentAt.Equal(ari.End) {
		t.Errorf("override: %+v, want its window and urgency at its end", p)
	}
	// An intermediate expiring first is urgent by the margin, window or not.
	deadline := t0.Add(days(20))
	if p := NewPlan(t0, na, deadline, Settings{}, nil); !p.UrgentAt.Equal(deadline.Add(-days(15))) {
		t.Errorf("early intermediate: urgent at %s", p.UrgentAt)
	}
}

func TestStatusThroughALife(t *testing.T) {
	na := t0.Add(days(45))
	p := NewPlan(t0, na, na, Settings{}, nil)
	untrusted := State{Kind: KindInvalid, Deadline: &na, WindowEnd: &p.Window.End, UrgentAt: &p.UrgentAt}
	st := untrusted
	st.Kind = KindValid
	for _, c := range []struct {
		at    time.Duration
		floor int
		want  Status
		probs []Problem
	}{
		{days(20), 0, StatusOK, []Problem{}},
		{days(20), 30, StatusOK, []Problem{}}, // the floor waits for the window
		{days(31), 0, StatusOK, []Problem{}},
		{days(34), 0, StatusDue, []Problem{ProblemRenewalOverdue}},
		{days(34), 14, StatusExpiring, []Problem{ProblemRenewalOverdue, ProblemExpiring}},
		{days(38), 0, StatusExpiring, []Problem{ProblemRenewalOverdue, ProblemExpiring}},
		{days(45), 0, StatusExpired, []Problem{ProblemExpired}},
	} {
		now := t0.Add(c.at)
		if got := st.Status(now, c.floor); got != c.want {
			t.Errorf("day %v floor %d: %s, want %s", c.at.Hours()/24, c.floor, got, c.want)
		}
		got := st.Problems(now, c.floor, []string{"expiring", "weak_crypto"})
		want := withWeakCrypto(c.probs)
		if len(got) != len(want) {
			t.Fatalf("day %v: problems %v, want %v", c.at.Hours()/24, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("day %v: problems %v, want %v", c.at.Hours()/24, got, want)
			}
		}
	}
	// Six days from expiry and untrusted: listed as invalid and expiring.
	now := na.Add(-days(6))
	if untrusted.Status(now, 0) != StatusInvalid || !untrusted.Listed(StatusInvalid, now, 0) || !untrusted.Listed(StatusExpiring, now, 0) || untrusted.Listed(StatusOK, now, 0) {
		t.Error("an untrusted chain six days from expiry must be invalid, and listed under invalid and expiring only")
	}
}

// withWeakCrypto adds weak_crypto, which the judge found, in its place.
func withWeakCrypto(ps []Problem) []Problem {
	out := []Problem{}
	for _, p := range Problems {
		if p == ProblemWeakCrypto || slices.Contains(ps, p) {
			out = append(out, p)
		}
	}
	return out
}
