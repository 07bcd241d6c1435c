package service

import "strings"

// severity is an event log entry's type, read from a log line.
type severity int

const (
	severityInfo severity = iota
	severityWarning
	severityError
)

// lineSeverity reads the level of a slog line, in the text or the JSON
// format: the Windows event log sorts and filters entries by it.
func lineSeverity(line string) severity {
	switch {
	case strings.Contains(line, " level=ERROR "), strings.Contains(line, `"level":"ERROR"`):
		return severityError
	case strings.Contains(line, " level=WARN "), strings.Contains(line, `"level":"WARN"`):
		return severityWarning
	}
	return severityInfo
}
