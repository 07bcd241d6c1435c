package notify

import "slices"

// Severities lists the severities from the least urgent to the most, as a route's
// minimum may name them.
var Severities = []Severity{SeverityInfo, SeverityWarning, SeverityCritical}

// ParseSeverity reads a severity's name.
func ParseSeverity(s string) (Severity, bool) {
	sev := Severity(s)
	return sev, slices.Contains(Severities, sev)
}

// AtLeast reports whether s is as urgent as floor, or more. An unknown severity ranks
// as info.
func (s Severity) AtLeast(floor Severity) bool {
	return max(slices.Index(Severities, s), 0) >= max(slices.Index(Severities, floor), 0)
}

// MostSevere is the highest severity of the events, info for none.
func MostSevere(events ...Event) Severity {
	most := SeverityInfo
	for _, e := range events {
		if s := SeverityOf(e); s.AtLeast(most) {
			most = s
		}
	}
	return most
}
