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
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// Receiver is a real HTTP server on loopback that records every request and answers
// each with Status and Answer (200 and "ok" unless changed before the first request).
type Receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []Request
	Status int
	Answer string
}

// NewReceiver starts a Receiver, closed when the test ends.
func NewReceiver(t *testing.T) *Receiver {
	t.Helper()
	r := &Receiver{Status: http.StatusOK, Answer: "ok"}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		r.mu.Lock()
		r.got = append(r.got, Request{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), body})
		status, answer := r.Status, r.Answer
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(r.Close)
	return r
}

// Requests returns what was received so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.got...)
}

// Reply sets the answer to the next requests.
func (r *Receiver) Reply(status int, answer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Status, r.Answer = status, answer
}
