package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer serves h on a loopback address and counts the requests it receives.
func countingServer(t *testing.T, addr string, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &n
}

func answerOK(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") }

func TestHTTPClientRefusesLoopback(t *testing.T) {
	srv, hits := countingServer(t, "127.0.0.1:0", answerOK)
	_, err := New(false).HTTPClient(5 * time.Second).Get(srv.URL)
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("err = %v, want ErrForbiddenAddress", err)
	}
	if hits.Load() != 0 {
		t.Error("server was reached")
	}
}

// TestHTTPClientRedirect starts on an allowed server (127.0.0.2, with only 127.0.0.1
// denied, since a test may only talk to loopback) that redirects to 127.0.0.1.
func TestHTTPClientRedirect(t *testing.T) {
	target, targetHits := countingServer(t, "127.0.0.1:0", answerOK)
	port := target.Listener.Addr().(*net.TCPAddr).Port
	records := map[string][]netip.Addr{"rebind.test": {netip.MustParseAddr("127.0.0.1")}}
	g := New(true, WithResolver(fakeResolver(t, records)))
	g.Deny = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	client := g.HTTPClient(5 * time.Second)

	for _, location := range []string{
		target.URL,
		"http://rebind.test:" + strconv.Itoa(port) + "/",
		"http://[::ffff:127.0.0.1]:" + strconv.Itoa(port) + "/",
	} {
		t.Run(location, func(t *testing.T) {
			start, startHits := countingServer(t, "127.0.0.2:0", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, location, http.StatusFound)
			})
			_, err := client.Get(start.URL)
			if !errors.Is(err, ErrForbiddenAddress) {
				t.Fatalf("err = %v, want ErrForbiddenAddress", err)
			}
			if startHits.Load() != 1 {
				t.Errorf("start server hits = %d, want 1", startHits.Load())
			}
		})
	}
	if targetHits.Load() != 0 {
		t.Errorf("redirect target was reached %d times", targetHits.Load())
	}
}

func TestHTTPClientRedirectLimit(t *testing.T) {
	// /n redirects to /n-1 until /0, which answers.
	srv, _ := countingServer(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if n == 0 {
			answerOK(w, r)
			return
		}
		http.Redirect(w, r, "/"+strconv.Itoa(n-1), http.StatusFound)
	})
	client := New(true).HTTPClient(5 * time.Second)
	tests := []struct {
		redirects int
		wantErr   bool
	}{{0, false}, {maxRedirects, false}, {maxRedirects + 1, true}}
	for _, tt := range tests {
		resp, err := client.Get(srv.URL + "/" + strconv.Itoa(tt.redirects))
		if err == nil {
			resp.Body.Close()
		}
		if (err != nil) != tt.wantErr {
			t.Errorf("%d redirects: err = %v, want error %v", tt.redirects, err, tt.wantErr)
		}
	}
}

func TestHTTPClientIgnoresProxyEnvironment(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	tr, isTransport := New(false).HTTPClient(time.Second).Transport.(*http.Transport)
	if !isTransport || tr.Proxy != nil {
		t.Error("transport may use a proxy, which would be dialled instead of the target")
	}
}
