package httpapi_test

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// twoSources serves one server on 127.0.0.1 and on ::1, so that a test can
// sign in from two client addresses.
func twoSources(t *testing.T, d store.Dialect, proxies []*net.IPNet) (v4, v6 *testServer) {
	st := storetest.Open(t, d, store.Options{})
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e := httpapi.New(httpapi.Deps{Store: st, Log: log, TrustedProxies: proxies})
	s4 := httptest.NewServer(e)
	t.Cleanup(s4.Close)
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	s6 := httptest.NewUnstartedServer(e)
	s6.Listener.Close()
	s6.Listener = l
	s6.Start()
	t.Cleanup(s6.Close)
	return &testServer{Server: s4, store: st}, &testServer{Server: s6, store: st}
}

// failUntilLimited sends wrong passwords for email until the server answers
// 429 (bounded: the limits answer long before), with the given headers.
func failUntilLimited(t *testing.T, c *client, email string, headers func(i int) map[string]string) {
	t.Helper()
	for i := 0; i < 30; i++ {
		r := c.raw("POST", "/api/v1/auth/login", []byte(fmt.Sprintf(`{"email":%q,"password":"not the password"}`, email)), headers(i))
		switch r.Status {
		case http.StatusTooManyRequests:
			if r.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			return
		case http.StatusUnauthorized:
		default:
			t.Fatalf("wrong password %d: %d %s", i, r.Status, r.Body)
		}
	}
	t.Fatal("30 wrong passwords in a row were never rate limited")
}

func noHeaders(int) map[string]string { return nil }

// TestStrangerCannotLockOutOwner: wrong passwords from one source slow that
// source down, not the owner signing in from another.
func TestStrangerCannotLockOutOwner(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			home, elsewhere := twoSources(t, d, nil)
			home.signup(t, "boss@example.com")
			attacker := elsewhere.client(t)
			failUntilLimited(t, attacker, "boss@example.com", noHeaders)
			// The attacker stays slowed down even with the right password...
			if r := attacker.do("POST", "/api/v1/auth/login", map[string]string{"email": "boss@example.com", "password": "correct horse battery"}); r.Status != http.StatusTooManyRequests {
				t.Errorf("limited source, right password: %d", r.Status)
			}
			// ...while the owner signs in from home.
			home.client(t).must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": "boss@example.com", "password": "correct horse battery"}, nil)

			// Without a trusted proxy, X-Forwarded-For is no way around the limit.
			failUntilLimited(t, elsewhere.client(t), "other@example.com", func(i int) map[string]string {
				return map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)}
			})
		})
	}
}

// TestLimitsBehindProxy: behind a trusted proxy each client has its own
// limits, told apart by X-Forwarded-For.
func TestLimitsBehindProxy(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
			proxy, _ := twoSources(t, d, []*net.IPNet{loopback})
			proxy.signup(t, "boss@example.com")
			failUntilLimited(t, proxy.client(t), "boss@example.com", func(int) map[string]string {
				return map[string]string{"X-Forwarded-For": "198.51.100.7"}
			})
			owner := proxy.client(t)
			owner.headers["X-Forwarded-For"] = "203.0.113.9"
			owner.must(http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": "boss@example.com", "password": "correct horse battery"}, nil)
			// The audit log names the client, not the proxy.
			var log listOut[auditOut]
			owner.must(http.StatusOK, "GET", "/api/v1/audit-log?per_page=200", nil, &log)
			if e := log.Items[0]; e.Action != "auth.login" || e.IP != "203.0.113.9" {
				t.Errorf("latest entry %+v, want auth.login from 203.0.113.9", e)
			}
		})
	}
}
