package scalebench

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/shared/wire"
)

// batchSize is how many results one POST carries, as an agent with a big
// target list sends them.
const batchSize = 1000

// batch is one POST /api/v1/agent/results of one agent.
type batch struct {
	creds     *credentials
	agent     int
	endpoints []int
}

// batches cuts every agent's endpoints into batches.
func batches(f *fleet, creds []credentials) []batch {
	byAgent := map[[2]int][]int{}
	var order [][2]int
	for i, e := range f.endpoints {
		k := [2]int{e.org, e.agent}
		if byAgent[k] == nil {
			order = append(order, k)
		}
		byAgent[k] = append(byAgent[k], i)
	}
	var out []batch
	for _, k := range order {
		eps := byAgent[k]
		for start := 0; start < len(eps); start += batchSize {
			out = append(out, batch{creds: &creds[k[0]], agent: k[1], endpoints: eps[start:min(start+batchSize, len(eps))]})
		}
	}
	return out
}

// roundKind says what the endpoints answer in a round.
type roundKind int

const (
	// firstRound: every endpoint serves its original certificate.
	firstRound roundKind = iota
	// laterRound: 5% unreachable, 5% of hosts renewed on one port, the
	// rest unchanged. Repeating it makes every answer unchanged, but the
	// first repeat is the unreachable ones' second failure in a row, which
	// opens their alerts; the second repeat changes nothing.
	laterRound
)

// roundResult is what one ingest round cost.
type roundResult struct {
	Results   int
	Rejected  int
	Wall      time.Duration
	ServerCPU time.Duration
	// DatabaseCPU is zero on SQLite (it runs inside the server).
	DatabaseCPU time.Duration
	// Retries counts batches posted again after a server error.
	Retries int
	// Growth is how much the database grew over the round (see size);
	// Unsettled says the server was still writing when a size was taken.
	Growth    int64
	Unsettled bool
	// FirstRejection is an example of why results were refused.
	FirstRejection string
}

// ingester pushes rounds of results to the server through the agent
// protocol, from several agents at once.
type ingester struct {
	client  *http.Client
	baseURL string
	fleet   *fleet
	batches []batch
	workers int
}

func (in *ingester) round(ctx context.Context, kind roundKind, roundNo int) (roundResult, error) {
	var mu sync.Mutex
	var out roundResult
	start := time.Now()
	p := pool.New().WithContext(ctx).WithMaxGoroutines(in.workers).WithCancelOnError().WithFirstError()
	for b := range in.batches {
		p.Go(func(ctx context.Context) error {
			accepted, rejections, retries, err := in.postRetrying(ctx, in.batches[b], kind, fmt.Sprintf("scale-r%d-b%d", roundNo, b))
			mu.Lock()
			defer mu.Unlock()
			out.Retries += retries
			if err != nil {
				return err
			}
			out.Results += accepted
			out.Rejected += len(rejections)
			if out.FirstRejection == "" && len(rejections) > 0 {
				out.FirstRejection = rejections[0].Error
			}
			return nil
		})
	}
	err := p.Wait()
	out.Wall = time.Since(start)
	return out, err
}

// Retries of a batch the server failed on (status 5xx): an agent keeps its
// batch and posts it again later under the same batch_id.
const (
	maxAttempts  = 8
	retryBackoff = time.Second
)

// errServer is a 5xx answer, worth another attempt.
var errServer = errors.New("server error")

func (in *ingester) postRetrying(ctx context.Context, b batch, kind roundKind, batchID string) (int, []wire.Rejection, int, error) {
	for attempt := 1; ; attempt++ {
		accepted, rejections, err := in.post(ctx, b, kind, batchID)
		if !errors.Is(err, errServer) || attempt == maxAttempts {
			return accepted, rejections, attempt - 1, err
		}
		select {
		case <-ctx.Done():
			return 0, nil, attempt, ctx.Err()
		case <-time.After(time.Duration(attempt)*retryBackoff + rand.N(retryBackoff)):
		}
	}
}

// post sends one batch, gzipped as the agent sends it.
func (in *ingester) post(ctx context.Context, b batch, kind roundKind, batchID string) (int, []wire.Rejection, error) {
	req := wire.ResultsRequest{BatchID: batchID, AgentVersion: "scale-bench", Results: make([]wire.Result, len(b.endpoints))}
	now := time.Now().UTC()
	for k, i := range b.endpoints {
		e := in.fleet.endpoints[i]
		r := wire.Result{TargetID: e.domainID, Address: fmt.Sprintf("10.%d.%d.%d:%d", i>>16&255, i>>8&255, i&255, e.port),
			ObservedAt: now, DurationMS: 20 + int64(i%50), TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256"}
		state, chain := served, in.fleet.chains[e.group]
		if kind == laterRound {
			state, chain = in.fleet.check(i)
		}
		if state == unreachable {
			r.Address, r.TLSVersion, r.CipherSuite = "", "", ""
			r.Error, r.ErrorKind = "dial tcp "+e.host+": i/o timeout", "timeout"
		} else {
			r.Chain = chain
		}
		req.Results[k] = r
	}
	var body bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&body, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(req); err != nil {
		return 0, nil, fmt.Errorf("scalebench: encode batch: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, nil, fmt.Errorf("scalebench: compress batch: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, in.baseURL+"/api/v1/agent/results", &body)
	if err != nil {
		return 0, nil, fmt.Errorf("scalebench: results request: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Content-Encoding", "gzip")
	hreq.Header.Set("Authorization", "Bearer "+b.creds.agentKey)
	hreq.Header.Set(wire.AgentTokenHeader, b.creds.agents[b.agent])
	hreq.Header.Set("User-Agent", wire.UserAgentPrefix+"scale-bench")
	resp, err := in.client.Do(hreq)
	if err != nil {
		return 0, nil, fmt.Errorf("scalebench: post results: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 500 {
		return 0, nil, fmt.Errorf("scalebench: post results: %w: status %d: %s", errServer, resp.StatusCode, raw)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("scalebench: post results: status %d: %s", resp.StatusCode, raw)
	}
	var res wire.ResultsResponse
	if err := json.Unmarshal(raw, &res); err != nil {
		return 0, nil, fmt.Errorf("scalebench: results response: %w", err)
	}
	return res.Accepted, res.Rejected, nil
}
