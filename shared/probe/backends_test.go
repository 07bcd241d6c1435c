package probe

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// servePair serves one certificate per address on one port shared by
// both, as the backends of a load-balanced name are. A port free on the
// first address may be taken on the second, so a few are tried.
func servePair(t *testing.T, hosts [2]string, certs [2]tls.Certificate) int {
	t.Helper()
	for range 20 {
		first := serve(t, net.JoinHostPort(hosts[0], "0"), nil, &tls.Config{Certificates: certs[:1]})
		ln, err := net.Listen("tcp", net.JoinHostPort(hosts[1], strconv.Itoa(first.port)))
		if err != nil {
			continue
		}
		ln.Close()
		serve(t, net.JoinHostPort(hosts[1], strconv.Itoa(first.port)), nil, &tls.Config{Certificates: certs[1:]})
		return first.port
	}
	t.Fatal("no port free on both addresses")
	return 0
}

// resolver answers every name with addrs, and remembers the names asked.
func resolver(addrs ...string) (func(context.Context, string) ([]netip.Addr, error), *[]string) {
	var mu sync.Mutex
	var asked []string
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		mu.Lock()
		asked = append(asked, host)
		mu.Unlock()
		out := make([]netip.Addr, len(addrs))
		for i, a := range addrs {
			out[i] = netip.MustParseAddr(a)
		}
		return out, nil
	}, &asked
}

func fetchAll(t *testing.T, targets []wire.Target, opts FetchOptions) map[string]wire.Result {
	t.Helper()
	var mu sync.Mutex
	got := map[string]wire.Result{}
	Fetch(context.Background(), targets, opts, func(r wire.Result) {
		mu.Lock()
		defer mu.Unlock()
		got[r.TargetID+" "+r.Address] = r
	})
	return got
}

func leafOf(t *testing.T, r wire.Result) string {
	t.Helper()
	if len(r.Chain) == 0 {
		t.Fatalf("no chain: %+v", r)
	}
	der, err := base64.StdEncoding.DecodeString(r.Chain[0])
	if err != nil {
		t.Fatal(err)
	}
	return fingerprintOf(der)
}

func TestFetchProbesEveryBackendOfAName(t *testing.T) {
	older := selfSigned(t, leafSpec{dnsNames: []string{"lb.example"}, notBefore: time.Now().Add(-48 * time.Hour)})
	newer := selfSigned(t, leafSpec{dnsNames: []string{"lb.example"}})
	port := servePair(t, [2]string{"127.0.0.1", "127.0.0.2"}, [2]tls.Certificate{newer, older})
	resolve, asked := resolver("127.0.0.2", "127.0.0.1", "::ffff:127.0.0.1", "127.0.0.3")
	var sniMu sync.Mutex
	var dialled []string
	opts := FetchOptions{Concurrency: 2, Timeout: 2 * time.Second, Resolve: resolve,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			sniMu.Lock()
			dialled = append(dialled, address)
			sniMu.Unlock()
			var d net.Dialer
			return d.DialContext(ctx, network, address)
		}}
	got := fetchAll(t, []wire.Target{{ID: "lb", Host: "lb.example", Port: port}}, opts)

	p := strconv.Itoa(port)
	if len(got) != 3 || len(dialled) != 3 || len(*asked) != 1 || (*asked)[0] != "lb.example" {
		t.Fatalf("results %v, dialled %v, resolved %v", keys(got), dialled, *asked)
	}
	if r := got["lb 127.0.0.1:"+p]; leafOf(t, r) != fingerprintOf(newer.Certificate[0]) || r.Backends != 3 {
		t.Errorf("127.0.0.1: %+v", r)
	}
	if r := got["lb 127.0.0.2:"+p]; leafOf(t, r) != fingerprintOf(older.Certificate[0]) || r.Backends != 3 {
		t.Errorf("127.0.0.2: %+v", r)
	}
	// Nothing listens on the third backend: its failure is its own.
	if r := got["lb 127.0.0.3:"+p]; r.ErrorKind != string(KindRefused) || len(r.Chain) != 0 || r.Backends != 3 {
		t.Errorf("127.0.0.3: %+v", r)
	}
}

func TestFetchBackendsOverIPv6(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here:", err)
	} else {
		ln.Close()
	}
	v4 := selfSigned(t, leafSpec{dnsNames: []string{"lb.example"}})
	v6 := selfSigned(t, leafSpec{dnsNames: []string{"lb.example"}})
	port := servePair(t, [2]string{"127.0.0.1", "::1"}, [2]tls.Certificate{v4, v6})
	resolve, _ := resolver("::1", "127.0.0.1")
	got := fetchAll(t, []wire.Target{{ID: "lb", Host: "lb.example", Port: port}},
		FetchOptions{Concurrency: 4, Timeout: 2 * time.Second, Resolve: resolve})
	p := strconv.Itoa(port)
	if r := got["lb [::1]:"+p]; leafOf(t, r) != fingerprintOf(v6.Certificate[0]) {
		t.Errorf("::1: %+v", r)
	}
	if r := got["lb 127.0.0.1:"+p]; leafOf(t, r) != fingerprintOf(v4.Certificate[0]) {
		t.Errorf("127.0.0.1: %+v", r)
	}
}

func TestFetchBackendsSendTheNameAsSNI(t *testing.T) {
	cert := selfSigned(t, leafSpec{dnsNames: []string{"lb.example"}})
	var mu sync.Mutex
	var seen []string
	srv := serveTLS(t, cert, nil, func(c *tls.Config) {
		c.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			mu.Lock()
			seen = append(seen, h.ServerName)
			mu.Unlock()
			return nil, nil
		}
	})
	resolve, _ := resolver("127.0.0.1")
	fetchAll(t, []wire.Target{
		{ID: "name", Host: "lb.example", Port: srv.port},
		{ID: "sni", Host: "lb.example", Port: srv.port, SNI: "other.example"},
	}, FetchOptions{Concurrency: 1, Timeout: 2 * time.Second, Resolve: resolve})
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || !(seen[0] == "lb.example" && seen[1] == "other.example" || seen[1] == "lb.example" && seen[0] == "other.example") {
		t.Errorf("SNI sent: %q", seen)
	}
}

func TestFetchBackendsBoundsAndFailures(t *testing.T) {
	many := make([]string, 0, MaxBackends+4)
	for i := range MaxBackends + 4 {
		many = append(many, "127.0.1."+strconv.Itoa(i+1))
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	resolveMany, _ := resolver(many...)
	got := fetchAll(t, []wire.Target{{ID: "many", Host: "big.example", Port: port}},
		FetchOptions{Concurrency: 4, Timeout: time.Second, Resolve: resolveMany})
	if len(got) != MaxBackends {
		t.Errorf("%d results for %d addresses, want %d", len(got), len(many), MaxBackends)
	}
	for _, r := range got {
		if r.Backends != len(many) || r.Address == "" {
			t.Errorf("backend result %+v", r)
		}
	}

	noName := func(context.Context, string) ([]netip.Addr, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "gone.example", IsNotFound: true}
	}
	var calls int
	got = fetchAll(t, []wire.Target{{ID: "gone", Host: "gone.example", Port: port}, {ID: "ip", Host: "127.0.0.1", Port: port}},
		FetchOptions{Concurrency: 2, Timeout: time.Second, Resolve: func(ctx context.Context, h string) ([]netip.Addr, error) {
			calls++
			return noName(ctx, h)
		}})
	if r := got["gone "]; r.ErrorKind != string(KindDNS) || r.Address != "" || r.Backends != 0 {
		t.Errorf("unresolved name: %+v", got)
	}
	// An IP literal is one target as it is, never resolved.
	if r := got["ip "]; r.ErrorKind != string(KindRefused) || r.Backends != 0 || calls != 1 {
		t.Errorf("IP literal: %+v (resolver called %d times)", got, calls)
	}
	empty := func(context.Context, string) ([]netip.Addr, error) { return nil, nil }
	got = fetchAll(t, []wire.Target{{ID: "empty", Host: "empty.example", Port: port}}, FetchOptions{Concurrency: 1, Resolve: empty})
	if r := got["empty "]; r.ErrorKind != string(KindDNS) || r.Error == "" {
		t.Errorf("name without addresses: %+v", got)
	}
}

func keys(m map[string]wire.Result) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
