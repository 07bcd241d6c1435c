// Package fakeserver is an in-memory stand-in for the Certinel server's agent
// endpoints, for the agent's tests and benchmark. It follows the protocol of
// ARCHITECTURE.md (credentials, gzip bodies, batch_id idempotency, per-item
// rejections, JSON errors) and lets a test inject outages, errors and holds.
package fakeserver

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"certinel.dev/shared/wire"
)

const maxBody = 16 << 20

// Server implements http.Handler.
type Server struct {
	apiKey, agentToken string

	mu         sync.Mutex
	targets    wire.TargetsResponse
	batches    map[string]stored
	deliveries map[string]int
	pulls      int
	userAgents []string
	failures   []failure
	badBatches map[string]int // batch id → status every push of it gets
	parked     []wire.Parked  // the parked report of every check-in that sent one
	down       bool
	hold       chan struct{}
	holding    chan struct{}
}

type stored struct {
	results  []wire.Result
	response wire.ResultsResponse
}

type failure struct {
	path       string
	status     int
	retryAfter string
}

// New answers requests that carry these credentials.
func New(apiKey, agentToken string) *Server {
	return &Server{
		apiKey:     apiKey,
		agentToken: agentToken,
		targets:    wire.TargetsResponse{Agent: wire.AgentInfo{ID: "agent-1", Name: "test agent"}, IntervalSeconds: 14400},
		batches:    make(map[string]stored),
		deliveries: make(map[string]int),
		badBatches: make(map[string]int),
	}
}

// SetTargets sets what GET /api/v1/agent/targets answers.
func (s *Server) SetTargets(resp wire.TargetsResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.targets = resp
}

// FailNext makes the next request to path (e.g. "/api/v1/agent/results")
// answer status, with a Retry-After header when retryAfter is not empty.
// Several calls queue up.
func (s *Server) FailNext(path string, status int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{path, status, retryAfter})
}

// FailBatch makes every push of the batch batchID answer status, as a
// server that fails on something inside that batch; status 0 heals it.
func (s *Server) FailBatch(batchID string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.badBatches, batchID)
		return
	}
	s.badBatches[batchID] = status
}

// ParkedReports returns the parked-batch report of every check-in that
// carried one, in order.
func (s *Server) ParkedReports() []wire.Parked {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]wire.Parked(nil), s.parked...)
}

// SetDown makes every request fail as a network error (the connection is
// closed without an answer), like a server that is not there.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// HoldPushes makes result pushes wait before they are read. The returned
// channel receives once per push that starts waiting; release lets every
// held and future push through.
func (s *Server) HoldPushes() (holding <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = make(chan struct{})
	s.holding = make(chan struct{}, 1024)
	var once sync.Once
	hold := s.hold
	return s.holding, func() { once.Do(func() { close(hold) }) }
}

// Results returns every stored result by batch id.
func (s *Server) Results() map[string][]wire.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]wire.Result, len(s.batches))
	for id, b := range s.batches {
		out[id] = b.results
	}
	return out
}

// Deliveries counts how often each batch id was received, duplicates included.
func (s *Server) Deliveries() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.deliveries))
	for id, n := range s.deliveries {
		out[id] = n
	}
	return out
}

// Pulls counts successful target pulls.
func (s *Server) Pulls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pulls
}

// UserAgents lists the User-Agent of every authenticated request.
func (s *Server) UserAgents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.userAgents...)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.injected(w, r) {
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.apiKey || r.Header.Get(wire.AgentTokenHeader) != s.agentToken {
		writeError(w, http.StatusUnauthorized, "unauthorized", "invalid credentials")
		return
	}
	s.mu.Lock()
	s.userAgents = append(s.userAgents, r.Header.Get("User-Agent"))
	s.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/agent/targets":
		s.serveTargets(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/agent/results":
		s.serveResults(w, r)
	default:
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint")
	}
}

// injected applies SetDown, FailNext and HoldPushes; it reports whether the
// request was answered.
func (s *Server) injected(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	down, hold, holding := s.down, s.hold, s.holding
	var fail *failure
	for i, f := range s.failures {
		if f.path == r.URL.Path {
			fail = &f
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if down {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return true
	}
	if fail != nil {
		if fail.retryAfter != "" {
			w.Header().Set("Retry-After", fail.retryAfter)
		}
		writeError(w, fail.status, "injected", "injected failure")
		return true
	}
	if hold != nil && r.Method == http.MethodPost && r.URL.Path == "/api/v1/agent/results" {
		holding <- struct{}{}
		select {
		case <-hold:
		case <-r.Context().Done():
			return true
		}
	}
	return false
}

func (s *Server) serveTargets(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.pulls++
	if p, ok := wire.ParkedFromHeader(r.Header); ok {
		s.parked = append(s.parked, p)
	}
	resp := s.targets
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) serveResults(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = http.MaxBytesReader(w, r.Body, maxBody)
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_body", "bad gzip")
			return
		}
		body = io.LimitReader(zr, maxBody+1)
	}
	data, err := io.ReadAll(body)
	if err != nil || len(data) > maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "body too large")
		return
	}
	var req wire.ResultsRequest
	if err := json.Unmarshal(data, &req); err != nil || req.BatchID == "" {
		writeError(w, http.StatusBadRequest, "invalid_body", "not a results batch")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if status, bad := s.badBatches[req.BatchID]; bad {
		writeError(w, status, "internal", "injected failure on this batch")
		return
	}
	s.deliveries[req.BatchID]++
	if prev, ok := s.batches[req.BatchID]; ok {
		// As the real server: 409 with the first outcome next to the error.
		writeJSON(w, http.StatusConflict, map[string]any{
			"error":    map[string]string{"code": "duplicate_batch", "message": "batch already received", "field": "batch_id"},
			"accepted": prev.response.Accepted,
			"rejected": prev.response.Rejected,
		})
		return
	}
	known := make(map[string]bool, len(s.targets.Targets))
	for _, t := range s.targets.Targets {
		known[t.ID] = true
	}
	resp := wire.ResultsResponse{Rejected: []wire.Rejection{}}
	var kept []wire.Result
	for i, res := range req.Results {
		if msg := check(res, known); msg != "" {
			resp.Rejected = append(resp.Rejected, wire.Rejection{Index: i, Error: msg})
			continue
		}
		kept = append(kept, res)
	}
	resp.Accepted = len(kept)
	s.batches[req.BatchID] = stored{results: kept, response: resp}
	writeJSON(w, http.StatusOK, resp)
}

func check(res wire.Result, known map[string]bool) string {
	if res.TargetID == "" && res.DiscoveryJobID == "" && res.File == nil {
		return "target_id, discovery_job_id or file required"
	}
	if res.File != nil {
		if res.File.Host == "" || res.File.Path == "" {
			return "file: host and path required"
		}
		if _, err := base64.StdEncoding.DecodeString(res.File.CRL); err != nil {
			return "file.crl: not base64"
		}
	}
	if res.TargetID != "" && !known[res.TargetID] {
		return "unknown target_id"
	}
	for j, c := range res.Chain {
		if _, err := base64.StdEncoding.DecodeString(c); err != nil {
			return fmt.Sprintf("chain[%d]: not base64", j)
		}
	}
	if res.ObservedAt.IsZero() {
		return "observed_at required"
	}
	return ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": strings.TrimSpace(msg)}})
}
