package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
)

// outage is a reverse proxy in front of the server, as a load balancer would
// be. It lets the agent's first pull through, stops the server before handing
// the targets over, and answers 502 while the server is gone: the agent then
// holds results it cannot deliver, which is the case the spool exists for.
// (With the server down before the pull, the agent has no targets and
// nothing to spool.)
type outage struct {
	url          string
	failedPushes atomic.Int32
	stopped      chan error // the server's stop outcome, once
}

func newOutage(t *testing.T, srv *server) *outage {
	t.Helper()
	upstream, err := url.Parse(srv.url)
	if err != nil {
		t.Fatal(err)
	}
	o := &outage{stopped: make(chan error, 1)}
	rp := httputil.NewSingleHostReverseProxy(upstream)
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if r.URL.Path == "/api/v1/agent/results" {
			o.failedPushes.Add(1)
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	var armed atomic.Bool
	armed.Store(true)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/agent/targets" || !armed.CompareAndSwap(true, false) {
			rp.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r)
		o.stopped <- srv.stop()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(front.Close)
	o.url = front.URL
	return o
}
