package scalebench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"certinel.dev/server/internal/store"
)

// query is one measured read request.
type query struct {
	Name string
	Path string
}

// timing is what the requests of one query took.
type timing struct {
	Query query
	N     int
	P50   time.Duration
	P99   time.Duration
	Max   time.Duration
	// First is the query's first request, not among the samples when
	// there are others: it grows the client's buffer to the answer's size
	// (100 MB for a large /metrics: 600 ms more than the next ones), where
	// a scraper sizes its buffer from its last scrape.
	First  time.Duration
	Bytes  int64
	Total  int64
	Failed string
}

// reader sends the measured read requests with an API token of scope read.
type reader struct {
	client   *http.Client
	baseURL  string
	token    string
	requests int
	// domains is how many domains the organization holds: the exact total
	// of the unfiltered list, whose answer above store.ExactCountBound is
	// an estimate.
	domains int64
	// agentID is one of the organization's agents, whose share of /metrics
	// is measured too.
	agentID string
	// budget bounds the time spent on one query: a query slower than
	// budget is measured once, a faster one as often as fits, up to
	// requests times.
	budget time.Duration
	// body holds each answer, reused from request to request as a
	// scraper's pooled buffers are: read with io.ReadAll, the 100 MB of a
	// large /metrics grew a new buffer each time, and faulting in and
	// copying it cost the client 30-300 ms of CPU on the cores the server
	// runs on, inside the measured time.
	body bytes.Buffer
	// unzip is reused from answer to answer, as Prometheus's scraper
	// reuses its own.
	unzip *gzip.Reader
}

func (r *reader) measure(ctx context.Context, q query) timing {
	t := timing{Query: q}
	var samples []time.Duration
	start := time.Now()
	for asked := 0; asked < r.requests && (asked == 0 || time.Since(start) < r.budget); asked++ {
		d, n, total, err := r.get(ctx, q.Path)
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			t.Failed = fmt.Sprintf("timed out after %s", r.client.Timeout)
			break
		}
		if err != nil {
			t.Failed = err.Error()
			break
		}
		t.Bytes, t.Total = n, total
		if asked == 0 {
			t.First = d
			continue
		}
		samples = append(samples, d)
	}
	if len(samples) == 0 && t.First > 0 {
		// Measured once: the first request is the only sample.
		samples = append(samples, t.First)
	}
	if len(samples) == 0 {
		return t
	}
	slices.Sort(samples)
	t.N = len(samples)
	t.P50, t.P99, t.Max = percentile(samples, 50), percentile(samples, 99), samples[len(samples)-1]
	return t
}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// get times one request up to the last byte of its body and returns the
// body's size and, for lists, their "total".
func (r *reader) get(ctx context.Context, path string) (time.Duration, int64, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.baseURL+path, nil)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("scalebench: request %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	// Asked for here, gzip is left to read: Go's transport would
	// decompress it with compress/gzip, which takes about 1.4 times the CPU
	// of klauspost/compress's, the one Prometheus's scraper reads with
	// (200-230 against 140-157 ms for a 106 MB /metrics).
	req.Header.Set("Accept-Encoding", "gzip")
	start := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("scalebench: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	r.body.Reset()
	err = r.read(resp)
	elapsed := time.Since(start)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("scalebench: GET %s: %w", path, err)
	}
	body := r.body.Bytes()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, 0, fmt.Errorf("scalebench: GET %s: status %d", path, resp.StatusCode)
	}
	var list struct {
		Total int64 `json:"total"`
	}
	_ = json.Unmarshal(body, &list)
	return elapsed, int64(len(body)), list.Total, nil
}

// read reads resp's body into r.body, decompressed.
func (r *reader) read(resp *http.Response) error {
	if resp.Header.Get("Content-Encoding") != "gzip" {
		_, err := r.body.ReadFrom(resp.Body)
		return err
	}
	var err error
	if r.unzip == nil {
		r.unzip, err = gzip.NewReader(resp.Body)
	} else {
		err = r.unzip.Reset(resp.Body)
	}
	if err != nil {
		return err
	}
	_, err = r.body.ReadFrom(r.unzip)
	return err
}

// byNumber names the deep pages asked for by number (an offset).
const byNumber = "by number"

// nextCursor reads the next_cursor of a list page.
func (r *reader) nextCursor(ctx context.Context, path string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.baseURL+path, nil)
	if err != nil {
		return "", fmt.Errorf("scalebench: request %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := r.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("scalebench: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	var page struct {
		NextCursor *string `json:"next_cursor"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || page.NextCursor == nil {
		return "", fmt.Errorf("scalebench: GET %s: no next_cursor (%v, status %d)", path, err, resp.StatusCode)
	}
	return *page.NextCursor, nil
}

// listPerPage is the page size of the measured list requests.
const listPerPage = 100

// deepPage is the 1,000th page, or the last one of a shorter list. A total
// that is not exact (the planner's estimate, above store.ExactCountBound)
// may overshoot the matches by a few percent: the page then stays a tenth
// inside it, so that it still holds rows.
func deepPage(total int64, exact bool) int64 {
	if !exact {
		total -= total / 10
	}
	return max(1, min(1000, (total+listPerPage-1)/listPerPage))
}

// searchTerm matches the hosts of the first 100 certificates (200
// domains), a part of a name as people type it.
const searchTerm = "svc00000"

// domainListQueries are the sorts and filters the dashboard offers; each
// is measured on its first page and on its deep page.
var domainListQueries = []query{
	{"sort by host", "sort=host"},
	{"sort by days left", "sort=days_left"},
	{"sort by last check, newest first", "sort=last_checked_at&order=desc"},
	{"status expiring", "status=expiring"},
	{"tag staging", "tag=staging"},
	{"search", "q=" + searchTerm},
}

// measureReads measures every read figure of the organization.
func (r *reader) measureReads(ctx context.Context) []timing {
	var out []timing
	for _, q := range domainListQueries {
		first := r.measure(ctx, query{"domains, " + q.Name + ", page 1",
			fmt.Sprintf("/api/v1/domains?%s&per_page=%d&page=1", q.Path, listPerPage)})
		out = append(out, first)
		total, exact := first.Total, first.Total <= store.ExactCountBound
		if strings.HasPrefix(q.Path, "sort=") {
			total, exact = r.domains, true
		}
		page := deepPage(total, exact)
		if page == 1 {
			continue
		}
		out = append(out, r.measure(ctx, query{fmt.Sprintf("domains, %s, page %d %s", q.Name, page, byNumber),
			fmt.Sprintf("/api/v1/domains?%s&per_page=%d&page=%d", q.Path, listPerPage, page)}))
		// The same page as a client paging with next_cursor reaches it
		// (the dashboard's "next"): the cursor of the page before.
		cursor, err := r.nextCursor(ctx, fmt.Sprintf("/api/v1/domains?%s&per_page=%d&page=%d", q.Path, listPerPage, page-1))
		byCursor := query{fmt.Sprintf("domains, %s, page %d by cursor", q.Name, page), ""}
		if err != nil {
			out = append(out, timing{Query: byCursor, Failed: err.Error()})
			continue
		}
		byCursor.Path = fmt.Sprintf("/api/v1/domains?%s&per_page=%d&cursor=%s", q.Path, listPerPage, url.QueryEscape(cursor))
		out = append(out, r.measure(ctx, byCursor))
	}
	for _, q := range []query{
		{"certificates, page 1", fmt.Sprintf("/api/v1/certificates?per_page=%d", listPerPage)},
		{"certificates, search", fmt.Sprintf("/api/v1/certificates?q=%s&per_page=%d", searchTerm, listPerPage)},
		{"insights, stale endpoints", "/api/v1/insights/stale"},
		{"insights, expiry clusters", "/api/v1/insights/expiry-clusters"},
		{"metrics", "/api/v1/metrics"},
		{"metrics, one agent", "/api/v1/metrics?agent_id=" + url.QueryEscape(r.agentID)},
	} {
		out = append(out, r.measure(ctx, q))
	}
	return out
}
