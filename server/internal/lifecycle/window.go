package lifecycle

import "time"

// Window is when a certificate is expected to be replaced: a renewal
// before End is healthy, none by End is overdue.
type Window struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Source string    `json:"source"`
}

// Sources of a window.
const (
	// SourceEstimate: derived from the certificate's lifetime.
	SourceEstimate = "estimate"
	// SourceARI: suggested by the issuing CA (ACME Renewal Information).
	SourceARI = "ari"
)

// Settings are an organization's (or a domain's) choices about renewal.
type Settings struct {
	// RenewAfterFraction fixes when renewal is expected, as a fraction of
	// the lifetime; outside (0, 1) it follows the lifetime (see Fraction).
	RenewAfterFraction float64
	// FloorDays makes a certificate urgent whenever its window has passed
	// and at most this many days are left, whatever its lifetime; 0: none.
	FloorDays int
}

// shortLived is the lifetime under which ACME clients renew at half-life
// rather than at two thirds (certbot, lego and Caddy for 6-day
// certificates).
const shortLived = 10 * Day

// Fraction is the part of a lifetime after which renewal is expected:
// the setting when it is one, else half for lifetimes under 10 days and
// two thirds otherwise, as ACME clients do.
func (s Settings) Fraction(lifetime time.Duration) float64 {
	if s.RenewAfterFraction > 0 && s.RenewAfterFraction < 1 {
		return s.RenewAfterFraction
	}
	if lifetime < shortLived {
		return 1.0 / 2
	}
	return 2.0 / 3
}

// Estimate is the window expected from a certificate's lifetime: it opens
// at the fraction and closes a quarter of the remaining time later, which
// leaves automation that runs daily (or an agent checking every 4 hours)
// several chances to see the renewal before calling it overdue.
func Estimate(notBefore, notAfter time.Time, s Settings) Window {
	life := notAfter.Sub(notBefore)
	start := notBefore.Add(time.Duration(float64(life) * s.Fraction(life)))
	return Window{Start: start, End: start.Add(notAfter.Sub(start) / 4), Source: SourceEstimate}
}

// UrgentMargin is how long before expiry a certificate not yet renewed
// becomes urgent: the last sixth of its lifetime (15 days of 90, 66 of
// 398, 1 of 6), and never under a day or a quarter of the lifetime,
// whichever is less, so that a check every few hours cannot miss it.
func UrgentMargin(lifetime time.Duration) time.Duration {
	return max(lifetime/6, min(Day, lifetime/4))
}

// Plan is what to expect of one served chain.
type Plan struct {
	Window Window
	// UrgentAt is when the chain becomes urgent by its lifetime's margin;
	// the organization's floor may make it urgent earlier.
	UrgentAt time.Time
	// Deadline is the earliest expiry in the chain.
	Deadline time.Time
}

// NewPlan plans a chain from its leaf's validity and its deadline (the
// earliest expiry of the chain, the leaf's or an intermediate's). A
// window given by the CA (override, non-nil) replaces the estimate. A
// certificate inside its window is never urgent by its margin: urgency
// starts at the window's end at the earliest, unless an intermediate
// expires before the leaf, which no renewal of the leaf fixes.
func NewPlan(notBefore, notAfter, deadline time.Time, s Settings, override *Window) Plan {
	w := Estimate(notBefore, notAfter, s)
	if override != nil {
		w = *override
	}
	urgent := deadline.Add(-UrgentMargin(notAfter.Sub(notBefore)))
	if !deadline.Before(notAfter) && urgent.Before(w.End) {
		urgent = w.End
	}
	if urgent.After(deadline) {
		urgent = deadline
	}
	return Plan{Window: w, UrgentAt: urgent, Deadline: deadline}
}
