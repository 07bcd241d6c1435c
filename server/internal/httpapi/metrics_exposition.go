package httpapi

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
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
// sample in several: as the domains are read, each goes to a spool once,
// as a compact record (its rendered label set and its values), and the
// spool is read once per family when the last domain has been read. The
// spool holds a sixth of the text's labels and none of its names, keeps
// spoolMemory in memory and the rest in a temporary file, so the memory
// is bounded whatever the number of domains.
type exposition struct {
	openMetrics bool
	families    []metricFamily
	spool       *spool
	w           *bufio.Writer
	labels      []byte
	record      []byte
	// first, when set, writes the first family as the domains come.
	first *familyWriter
}

// spoolWrites is the size of the reads and writes of the spool: large,
// since a big scrape spills megabytes a few kilobytes at a time otherwise.
const spoolWrites = 64 << 10

func newExposition(openMetrics bool, fams []metricFamily, memory int) *exposition {
	s := &spool{limit: memory}
	return &exposition{openMetrics: openMetrics, families: fams, spool: s, w: bufio.NewWriterSize(s, spoolWrites)}
}

// domain adds a domain's samples: certificate series when it has a chain,
// window series when the chain has a renewal window, check series once it
// was checked. Its record is a byte with a bit per family it has a sample
// in (in domainFamilies' order), the label set's length and bytes, then
// the value of each of those samples.
func (x *exposition) domain(d store.MetricsDomain, now time.Time) {
	var values [8]float64
	var present byte
	add := func(family int, v float64) {
		present |= 1 << family
		values[family] = v
	}
	if d.NotAfter != nil {
		add(0, unixSeconds(*d.NotAfter))
		add(1, float64(lifecycle.DaysLeft(*d.NotAfter, now)))
	}
	if d.WindowStart != nil && d.WindowEnd != nil {
		add(2, unixSeconds(*d.WindowStart))
		add(3, unixSeconds(*d.WindowEnd))
	}
	if d.CheckedAt != nil {
		add(4, boolFloat(d.Status != lifecycle.StatusUnreachable))
		add(5, unixSeconds(*d.CheckedAt))
	}
	if present == 0 {
		return
	}
	x.labels = domainLabelSet(x.labels, d)
	if x.first != nil && present&1 != 0 {
		x.first.sample(x.labels, values[0])
		if present &^= 1; present == 0 {
			return
		}
	}
	r := append(x.record[:0], present)
	r = binary.AppendUvarint(r, uint64(len(x.labels)))
	r = append(r, x.labels...)
	for i, v := range values {
		if present&(1<<i) != 0 {
			r = binary.LittleEndian.AppendUint64(r, math.Float64bits(v))
		}
	}
	x.record = r
	_, _ = x.w.Write(r)
}

// streamFirst has the first family written to w as the domains are added
// instead of spooled, so that the answer flows while the domains are
// still read: a sixth of the text then no longer waits for the last one.
func (x *exposition) streamFirst(w *bufio.Writer) {
	x.first = newFamily(w, x.families[0])
}

// finish flushes the records into the spool: a failure to spool (a full
// disk) comes out here.
func (x *exposition) finish() error {
	return x.w.Flush()
}

// writeFamilies writes every family not streamed to w, each under its
// header, reading the spool once for each. A family without samples still
// gets its header, so that its metadata is known to the scraper.
func (x *exposition) writeFamilies(w *bufio.Writer) error {
	rec := recordReader{r: bufio.NewReaderSize(nil, spoolWrites)}
	for i, fam := range x.families {
		if i == 0 && x.first != nil {
			continue
		}
		writeHeader(w, fam)
		f := familyWriter{w: w, family: fam}
		rec.r.Reset(x.spool.reader())
		for {
			more, err := rec.next()
			if err != nil {
				return fmt.Errorf("httpapi: metrics spool: %w", err)
			}
			if !more {
				break
			}
			if rec.present&(1<<i) != 0 {
				f.sample(rec.labels, rec.values[i])
			}
		}
	}
	return nil
}

// recordReader reads back the records exposition.domain spooled. A
// record is parsed where the buffer holds it, not copied out field by
// field: the spool is read six times a scrape, so this is its hot loop.
type recordReader struct {
	r       *bufio.Reader
	present byte
	labels  []byte
	values  [8]float64
	// large holds a record longer than r's buffer.
	large []byte
}

// next reads the next record, false at the end of the spool. The labels
// it reads stay valid until the following call.
func (rec *recordReader) next() (bool, error) {
	head, err := rec.r.Peek(1 + binary.MaxVarintLen64)
	if len(head) == 0 {
		if err == io.EOF {
			return false, nil
		}
		return false, err
	}
	present := head[0]
	n, k := binary.Uvarint(head[1:])
	if k <= 0 || n > math.MaxInt32 {
		return false, errors.New("corrupt record")
	}
	size := 1 + k + int(n) + 8*bits.OnesCount8(present)
	r, err := rec.r.Peek(size)
	if errors.Is(err, bufio.ErrBufferFull) {
		rec.large = slices.Grow(rec.large[:0], size)[:size]
		_, err = io.ReadFull(rec.r, rec.large)
		r = rec.large
	} else if err == nil {
		_, err = rec.r.Discard(size)
	}
	if err != nil {
		return false, err
	}
	rec.labels = r[1+k : 1+k+int(n)]
	r = r[1+k+int(n):]
	for i := range rec.values {
		if present&(1<<i) != 0 {
			rec.values[i] = math.Float64frombits(binary.LittleEndian.Uint64(r))
			r = r[8:]
		}
	}
	rec.present = present
	return true, nil
}

// close removes the spool's temporary file.
func (x *exposition) close() {
	x.spool.close()
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
	f.num = appendValue(f.num[:0], v)
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
