package service

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// The lines are written by the agent's own loggers, in both formats.
func TestLineSeverity(t *testing.T) {
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		log := slog.New(h)
		for _, c := range []struct {
			log  func(string, ...any)
			want severity
		}{
			{log.Info, severityInfo}, {log.Warn, severityWarning}, {log.Error, severityError},
		} {
			buf.Reset()
			// A message that mentions another level must not fool it.
			c.log("cycle done", "note", "level=ERROR in a value")
			if got := lineSeverity(strings.TrimSpace(buf.String())); got != c.want {
				t.Errorf("%s: severity %d, want %d", buf.String(), got, c.want)
			}
		}
	}
}
