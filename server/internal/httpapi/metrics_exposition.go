package httpapi

import (
	"bufio"
	"strconv"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// metricFamily is a gauge family of the exposition. Help texts are plain
// constants: nothing in them needs the formats' escaping.
type metricFamily struct{ name, help string }

var (
	familyNotAfter = metricFamily{"certinel_certificate_not_after_seconds",
		"When the certificate of the domain's current chain that expires first stops being valid, as a Unix time."}
	familyDaysLeft = metricFamily{"certinel_certificate_days_left",
		"Whole days until the certificate of the domain's current chain that expires first stops being valid; negative once expired."}
	familyWindowStart = metricFamily{"certinel_certificate_renewal_window_start_seconds",
		"When the renewal of the domain's certificate is expected to start (estimated from its lifetime, or suggested by its CA), as a Unix time."}
	familyWindowEnd = metricFamily{"certinel_certificate_renewal_window_end_seconds",
		"When the renewal of the domain's certificate is overdue if not done, as a Unix time."}
	familyCheckSuccess = metricFamily{"certinel_check_success",
		"1 if the domain's latest check completed a TLS handshake and got a certificate chain, 0 if it failed."}
	familyCheckTime = metricFamily{"certinel_check_timestamp_seconds",
		"When the domain was last checked, as a Unix time."}
	familyDomains = metricFamily{"certinel_domains",
		"Domains of the organization listed under each status filter (pending, ok, due, expiring, expired, invalid, unreachable); a domain with two problems counts under both."}
	familyAgentLastSeen = metricFamily{"certinel_agent_last_seen_timestamp_seconds",
		"When the agent last pulled its targets, as a Unix time; absent for agents never seen."}
	familyAgents = metricFamily{"certinel_agents",
		"Agents of the organization by status (online, offline, never)."}
)

// domainFamilies are the per-domain families, in the order exposition
// writes them and domainSamples fills them.
var domainFamilies = []metricFamily{familyNotAfter, familyDaysLeft, familyWindowStart, familyWindowEnd, familyCheckSuccess, familyCheckTime}

// exposition gathers the per-domain families of one scrape. The text
// formats want the samples of a family together, and each domain has a
// sample in several: as the domains are read, every family's samples go
// to a spool of its own (memory, then a temporary file past spoolMemory),
// and the spools are written out one after the other once the last domain
// has been read. The memory is bounded whatever the number of domains.
type exposition struct {
	openMetrics bool
	spools      []*spool
	families    []*familyWriter
	labels      []byte
}

// spoolWrites is the size of the writes to a spool: large, since a big
// scrape spills hundreds of megabytes a few kilobytes at a time otherwise.
const spoolWrites = 64 << 10

func newExposition(openMetrics bool, fams []metricFamily, memory int) *exposition {
	x := &exposition{openMetrics: openMetrics}
	for _, f := range fams {
		s := &spool{limit: memory}
		x.spools = append(x.spools, s)
		x.families = append(x.families, &familyWriter{w: bufio.NewWriterSize(s, spoolWrites), family: f})
	}
	return x
}

// domain adds a domain's samples: certificate series when it has a chain,
// window series when the chain has a renewal window, check series once it
// was checked.
func (x *exposition) domain(d store.MetricsDomain, now time.Time) {
	x.labels = domainLabelSet(x.labels, d)
	f := x.families
	if d.NotAfter != nil {
		f[0].sample(x.labels, unixSeconds(*d.NotAfter))
		f[1].sample(x.labels, float64(lifecycle.DaysLeft(*d.NotAfter, now)))
	}
	if d.WindowStart != nil && d.WindowEnd != nil {
		f[2].sample(x.labels, unixSeconds(*d.WindowStart))
		f[3].sample(x.labels, unixSeconds(*d.WindowEnd))
	}
	if d.CheckedAt != nil {
		f[4].sample(x.labels, boolFloat(d.Status != lifecycle.StatusUnreachable))
		f[5].sample(x.labels, unixSeconds(*d.CheckedAt))
	}
}

// finish flushes every family into its spool: a failure to spool (a full
// disk) comes out here, before the answer has begun.
func (x *exposition) finish() error {
	for _, f := range x.families {
		if err := f.w.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// writeFamilies writes every finished family to w, each under its header.
// A family without samples still gets its header, so that its metadata is
// known to the scraper.
func (x *exposition) writeFamilies(w *bufio.Writer) error {
	for i, f := range x.families {
		writeHeader(w, f.family)
		if err := x.spools[i].copyTo(w); err != nil {
			return err
		}
	}
	return nil
}

// close removes the spools' temporary files.
func (x *exposition) close() {
	for _, s := range x.spools {
		s.close()
	}
}

func (x *exposition) contentType() string {
	if x.openMetrics {
		return "application/openmetrics-text; version=1.0.0; charset=utf-8"
	}
	return "text/plain; version=0.0.4; charset=utf-8"
}

// familyWriter writes the samples of one family.
type familyWriter struct {
	w      *bufio.Writer
	family metricFamily
	num    []byte
}

// newFamily writes a family's header to w and returns its writer.
func newFamily(w *bufio.Writer, f metricFamily) *familyWriter {
	writeHeader(w, f)
	return &familyWriter{w: w, family: f}
}

func writeHeader(w *bufio.Writer, f metricFamily) {
	_, _ = w.WriteString("# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " gauge\n")
}

// sample writes one line: the name, the label set, the value. Write errors
// stay in the bufio.Writer and come out of its Flush.
func (f *familyWriter) sample(labels []byte, v float64) {
	_, _ = f.w.WriteString(f.family.name)
	_, _ = f.w.Write(labels)
	_ = f.w.WriteByte(' ')
	f.num = strconv.AppendFloat(f.num[:0], v, 'g', -1, 64)
	_, _ = f.w.Write(f.num)
	_ = f.w.WriteByte('\n')
}

// appendLabel appends name="value", the value escaped as both text formats
// want: backslash, double quote and line feed.
func appendLabel(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, '=', '"')
	for i := 0; i < len(value); i++ {
		switch c := value[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '"':
			b = append(b, '\\', '"')
		case '\n':
			b = append(b, '\\', 'n')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func unixSeconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
