package notify

import "testing"

func TestSeverityAtLeast(t *testing.T) {
	for _, tc := range []struct {
		s, floor Severity
		want     bool
	}{
		{SeverityCritical, SeverityInfo, true},
		{SeverityCritical, SeverityCritical, true},
		{SeverityWarning, SeverityCritical, false},
		{SeverityWarning, SeverityWarning, true},
		{SeverityInfo, SeverityWarning, false},
		{"bogus", SeverityInfo, true},
		{"bogus", SeverityWarning, false},
	} {
		if got := tc.s.AtLeast(tc.floor); got != tc.want {
			t.Errorf("%q.AtLeast(%q) = %v", tc.s, tc.floor, got)
		}
	}
}

func TestMostSevere(t *testing.T) {
	days := 2
	urgent := Event{Type: TypeExpiring, DaysLeft: &days}
	if got := MostSevere(Event{Type: TypeChanged}, urgent, Event{Type: TypeWeakCrypto}); got != SeverityCritical {
		t.Errorf("MostSevere = %q, want critical", got)
	}
	if got := MostSevere(); got != SeverityInfo {
		t.Errorf("MostSevere() = %q, want info", got)
	}
}
