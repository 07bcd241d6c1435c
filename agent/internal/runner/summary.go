package runner

import (
	"log/slog"
	"maps"
	"slices"
	"time"
)

// Summary counts what one run did; it is logged as the run's one line.
type Summary struct {
	Targets  int            // targets pulled from the server
	Files    int            // items and failed files read from the host's certificate files
	OK       int            // results with a captured chain (or a file's CRL)
	Failed   int            // results without a chain
	Pushed   int            // this run's results the server acknowledged
	Spooled  int            // this run's results left in the spool for a later run
	Backlog  int            // results of earlier runs delivered from the spool
	Rejected int            // results the server acknowledged but refused, one by one
	Dropped  int            // results of batches the server refused whole
	Parked   int            // results of batches set aside because the server kept failing on them
	ByKind   map[string]int // failed results by probe error kind
	Interval time.Duration  // the schedule the server asked for
	Elapsed  time.Duration
}

// LogValue lets the summary be logged as one group of counts.
func (s Summary) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Int("targets", s.Targets),
		slog.Int("files", s.Files),
		slog.Int("ok", s.OK),
		slog.Int("failed", s.Failed),
		slog.Int("pushed", s.Pushed),
		slog.Int("spooled", s.Spooled),
		slog.Int("backlog_delivered", s.Backlog),
		slog.Int("rejected", s.Rejected),
		slog.Int("dropped", s.Dropped),
		slog.Int("parked", s.Parked),
		slog.Duration("elapsed", s.Elapsed.Round(time.Millisecond)),
	}
	for _, kind := range slices.Sorted(maps.Keys(s.ByKind)) {
		attrs = append(attrs, slog.Int("errors_"+kind, s.ByKind[kind]))
	}
	return slog.GroupValue(attrs...)
}
