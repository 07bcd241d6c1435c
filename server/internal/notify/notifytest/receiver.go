package notifytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Request is one request as a Receiver saw it.
type Request struct {
	Host, Method, Path, RawPath, Query string
	Header                             http.Header
	Body                               []byte
}

// Receiver is a real HTTP server on loopback that records every request and answers
// each with the status (and body) the test sets, 202 at first.
type Receiver struct {
	URL string
	srv *httptest.Server

	mu     sync.Mutex
	got    []Request
	status int
	answer string
}

// NewReceiver starts a Receiver, closed when the test ends.
func NewReceiver(t *testing.T) *Receiver {
	t.Helper()
	r := &Receiver{status: http.StatusAccepted}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.URL, r.srv = srv.URL, srv
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.got = append(r.got, Request{
		Host: req.Host, Method: req.Method, Path: req.URL.Path, RawPath: req.URL.EscapedPath(), Query: req.URL.RawQuery,
		Header: req.Header.Clone(), Body: body,
	})
	status, answer := r.status, r.answer
	r.mu.Unlock()
	w.WriteHeader(status)
	_, _ = io.WriteString(w, answer)
}

// Answer sets the status and body of the following answers.
func (r *Receiver) Answer(status int, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.answer = status, body
}

// Requests returns the requests received so far, oldest first.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.got...)
}

// Close stops the receiver early, for tests of a destination that is down.
func (r *Receiver) Close() { r.srv.Close() }
