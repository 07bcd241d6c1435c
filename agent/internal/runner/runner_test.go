package runner

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/fakeserver"
	"certinel.dev/agent/internal/spool"
	"certinel.dev/agent/internal/tlsfarm"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

type env struct {
	fake   *fakeserver.Server
	runner *Runner
	spool  *spool.Spool
	dir    string
	url    *url.URL
}

func newEnv(t *testing.T, targets []wire.Target) *env {
	t.Helper()
	fake := fakeserver.New("key", "token")
	fake.SetTargets(wire.TargetsResponse{IntervalSeconds: 3600, Targets: targets})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	e := &env{fake: fake, dir: t.TempDir(), url: u}
	e.restart(t, probe.FetchOptions{Concurrency: 20, Timeout: 2 * time.Second})
	return e
}

// restart builds a fresh runner and spool over the same directory, as a new
// agent process would.
func (e *env) restart(t *testing.T, fetch probe.FetchOptions) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sp, err := spool.Open(e.dir, 1<<30, log)
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(client.Options{
		BaseURL: e.url, APIKey: "key", AgentToken: "token", Version: "test", Logger: log,
		Backoff: client.Backoff{Attempts: 2, Base: time.Millisecond, Max: time.Millisecond},
	})
	e.spool = sp
	e.runner = New(Options{Client: c, Spool: sp, Fetch: fetch, BatchSize: 3, Version: "test", Logger: log,
		LastTargets: filepath.Join(e.dir, "last-targets.json"), SweepLog: filepath.Join(e.dir, "discovery-sweeps.json")})
}

func serveTLS(t *testing.T, network, addr string, cfg *tls.Config) (host string, port int) {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	go tlsfarm.Serve(ln, cfg)
	return splitAddr(t, ln.Addr().String())
}

func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(p)
	return h, port
}

func byTarget(fake *fakeserver.Server) map[string][]wire.Result {
	out := map[string][]wire.Result{}
	for _, batch := range fake.Results() {
		for _, r := range batch {
			out[r.TargetID] = append(out[r.TargetID], r)
		}
	}
	return out
}

func TestResultsCarryServedChains(t *testing.T) {
	root := issue(t, "Test Root", "ecdsa", nil, true)
	inter := issue(t, "Test Intermediate", "rsa", &root, true)
	cases := map[string]struct {
		cert     tls.Certificate
		network  string
		addr     string
		sni      string
		clientCA bool
	}{
		"ecdsa-self-signed":     {cert: serverCert(issue(t, "self.test", "ecdsa", nil, false)), network: "tcp4", addr: "127.0.0.1:0"},
		"rsa-with-intermediate": {cert: serverCert(issue(t, "leaf.test", "rsa", &inter, false), inter), network: "tcp4", addr: "127.0.0.1:0", sni: "leaf.test"},
		"ed25519":               {cert: serverCert(issue(t, "ed.test", "ed25519", &root, false)), network: "tcp4", addr: "127.0.0.1:0"},
		"client-cert-required":  {cert: serverCert(issue(t, "mtls.test", "ecdsa", &root, false)), network: "tcp4", addr: "127.0.0.1:0", clientCA: true},
		"ipv6-loopback":         {cert: serverCert(issue(t, "v6.test", "ecdsa", nil, false)), network: "tcp6", addr: "[::1]:0"},
	}
	var targets []wire.Target
	want := map[string][][]byte{}
	for id, c := range cases {
		cfg := &tls.Config{Certificates: []tls.Certificate{c.cert}}
		if c.clientCA {
			cfg.ClientAuth = tls.RequireAnyClientCert
			cfg.MaxVersion = tls.VersionTLS12 // the refusal then comes after the Certificate message
		}
		host, port := serveTLS(t, c.network, c.addr, cfg)
		targets = append(targets, wire.Target{ID: id, Host: host, Port: port, Protocol: "tls", SNI: c.sni})
		want[id] = c.cert.Certificate
	}
	e := newEnv(t, targets)
	sum, err := e.runner.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Targets != len(cases) || sum.OK != len(cases) || sum.Pushed != len(cases) || sum.Spooled != 0 {
		t.Errorf("summary = %+v", sum)
	}
	got := byTarget(e.fake)
	for id, chain := range want {
		res := got[id]
		if len(res) != 1 {
			t.Errorf("%s: %d results, want 1", id, len(res))
			continue
		}
		if len(res[0].Chain) != len(chain) {
			t.Errorf("%s: chain of %d, want %d", id, len(res[0].Chain), len(chain))
			continue
		}
		for i, b64 := range res[0].Chain {
			der, _ := base64.StdEncoding.DecodeString(b64)
			if tlsfarm.Fingerprint(der) != tlsfarm.Fingerprint(chain[i]) {
				t.Errorf("%s: chain[%d] fingerprint differs from the served one", id, i)
			}
		}
		if res[0].Address == "" || res[0].ObservedAt.IsZero() {
			t.Errorf("%s: result = %+v", id, res[0])
		}
		if id == "client-cert-required" {
			if res[0].ErrorKind != "tls_handshake" {
				t.Errorf("%s: kind %q, want the handshake failure noted", id, res[0].ErrorKind)
			}
		} else if res[0].TLSVersion == "" || res[0].CipherSuite == "" || res[0].Error != "" {
			t.Errorf("%s: result = %+v", id, res[0])
		}
	}
	if entries, _ := e.spool.List(); len(entries) != 0 {
		t.Errorf("%d batches left in the spool", len(entries))
	}
}

func TestServerDownForFirstPushThenUp(t *testing.T) {
	cert, _ := tlsfarm.SelfSigned("farm.test")
	farm, err := tlsfarm.Start(4, cert)
	if err != nil {
		t.Fatal(err)
	}
	defer farm.Close()
	var targets []wire.Target
	for i := range 8 {
		host, port := splitAddr(t, farm.Addrs[i%len(farm.Addrs)])
		targets = append(targets, wire.Target{ID: "t" + strconv.Itoa(i), Host: host, Port: port, Protocol: "tls"})
	}
	e := newEnv(t, targets)
	// Every push attempt of the first run fails: 8 results are 3 batches of
	// 3, 3 and 2, and the flush stops at the first failing one (2 attempts).
	e.fake.FailNext("/api/v1/agent/results", http.StatusServiceUnavailable, "")
	e.fake.FailNext("/api/v1/agent/results", http.StatusBadGateway, "")

	sum, err := e.runner.RunOnce(context.Background())
	if err == nil {
		t.Fatal("first run reported success with the server down")
	}
	if sum.OK != 8 || sum.Pushed != 0 || sum.Spooled != 8 {
		t.Errorf("first run = %+v", sum)
	}

	e.restart(t, probe.FetchOptions{Concurrency: 20, Timeout: 2 * time.Second})
	sum, err = e.runner.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Backlog != 8 || sum.Pushed != 8 || sum.Spooled != 0 {
		t.Errorf("second run = %+v", sum)
	}
	for id, n := range e.fake.Deliveries() {
		if n != 1 {
			t.Errorf("batch %s delivered %d times", id, n)
		}
	}
	for _, tgt := range targets {
		if n := len(byTarget(e.fake)[tgt.ID]); n != 2 {
			t.Errorf("target %s: %d results stored, want one per run", tgt.ID, n)
		}
	}
}

func TestHostileAndDeadTargets(t *testing.T) {
	silent := listen(t, func(c net.Conn) { time.Sleep(time.Minute) })
	flood := listen(t, func(c net.Conn) {
		junk := make([]byte, 64<<10)
		for i := range junk {
			junk[i] = byte(i)
		}
		for {
			if _, err := c.Write(junk); err != nil {
				return
			}
		}
	})
	targets := []wire.Target{
		{ID: "silent", Host: "127.0.0.1", Port: silent, Protocol: "tls", TimeoutMS: 300},
		{ID: "flood", Host: "127.0.0.1", Port: flood, Protocol: "tls"},
		{ID: "silent-smtp", Host: "127.0.0.1", Port: silent, Protocol: "smtp", TimeoutMS: 300},
	}
	e := newEnv(t, targets)
	start := time.Now()
	sum, err := e.runner.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("run took %s", time.Since(start))
	}
	if sum.Failed != 3 || sum.Pushed != 3 {
		t.Errorf("summary = %+v", sum)
	}
	got := byTarget(e.fake)
	for id, kind := range map[string]string{"silent": "timeout", "silent-smtp": "timeout", "flood": "tls_handshake"} {
		if len(got[id]) != 1 || got[id][0].ErrorKind != kind {
			t.Errorf("%s: results %+v, want one of kind %s", id, got[id], kind)
		}
	}
}

func TestThousandUnreachableTargets(t *testing.T) {
	var targets []wire.Target
	for i := range 1000 {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port := splitAddr(t, ln.Addr().String())
		ln.Close()
		targets = append(targets, wire.Target{ID: "dead-" + strconv.Itoa(i), Host: "127.0.0.1", Port: port, Protocol: "tls"})
	}
	e := newEnv(t, targets)
	e.restart(t, probe.FetchOptions{Concurrency: 50, Timeout: 2 * time.Second})
	start := time.Now()
	sum, err := e.runner.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Refused connections fail fast; even if each waited its whole timeout the
	// run would need 1000/50 × 2s = 40s. Only a stall goes beyond that.
	if d := time.Since(start); d > 40*time.Second {
		t.Errorf("run took %s", d)
	}
	// A closed port can come back as some client's ephemeral port, and a
	// loopback dial may then connect to itself, or it can be taken by a
	// TLS server of a test running beside this one, which then answers;
	// a handful of such oddities are the kernel's doing, not the agent's.
	if sum.Failed+sum.OK != 1000 || sum.OK > 10 || sum.Pushed != 1000 || sum.ByKind["refused"] < 990 {
		t.Errorf("summary = %+v", sum)
	}
}

// listen serves raw TCP with handle and returns the port.
func listen(t *testing.T, handle func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(time.Minute))
				handle(c)
			}()
		}
	}()
	_, port := splitAddr(t, ln.Addr().String())
	return port
}

func TestDaemonRepeatsOnServerInterval(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.SetTargets(wire.TargetsResponse{IntervalSeconds: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.runner.Run(ctx, Schedule{Jitter: 0.1}, DefaultChannel()) }()
	deadline := time.Now().Add(20 * time.Second)
	for e.fake.Pulls() < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Pulls(); n < 3 {
		t.Errorf("%d pulls in 20s with a 1s interval", n)
	}
}

// TestBatchStoredBeforeCrashIsNotStuck covers a crash after the server stored
// a batch but before the agent removed it: the replay is answered 409
// duplicate_batch, and the batch must leave the spool, stored once.
func TestBatchStoredBeforeCrashIsNotStuck(t *testing.T) {
	e := newEnv(t, []wire.Target{{ID: "t1", Host: "127.0.0.1", Port: 1, Protocol: "tls"}})
	payload := spoolOneResult(t, e, "before-crash")
	req, _ := http.NewRequest(http.MethodPost, e.url.JoinPath("api/v1/agent/results").String(), bytes.NewReader(payload))
	req.Header.Set("Authorization", "Bearer key")
	req.Header.Set(wire.AgentTokenHeader, "token")
	req.Header.Set("Content-Encoding", "gzip")
	e.fake.ServeHTTP(httptest.NewRecorder(), req)

	sum, err := e.runner.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Backlog != 1 {
		t.Errorf("summary = %+v", sum)
	}
	if entries, _ := e.spool.List(); len(entries) != 0 {
		t.Errorf("%d batches left in the spool", len(entries))
	}
	if d := e.fake.Deliveries()["before-crash"]; d != 2 || len(e.fake.Results()["before-crash"]) != 1 {
		t.Errorf("deliveries %d, stored %d", d, len(e.fake.Results()["before-crash"]))
	}
}

// spoolOneResult puts a batch of one result of target t1 in the spool, as an
// earlier run would have, and returns its payload.
func spoolOneResult(t *testing.T, e *env, batchID string) []byte {
	t.Helper()
	payload, err := client.EncodeResults(wire.ResultsRequest{BatchID: batchID, Results: []wire.Result{
		{TargetID: "t1", ObservedAt: time.Now(), Error: "refused", ErrorKind: "refused", Chain: []string{}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.spool.Put(batchID, 1, payload); err != nil {
		t.Fatal(err)
	}
	return payload
}

func TestDaemonRetriesSoonerAfterFailure(t *testing.T) {
	e := newEnv(t, nil)
	// The server asks for an hour, but the pulls fail: the daemon must come
	// back after RetryInterval, not after the hour.
	for range 4 {
		e.fake.FailNext("/api/v1/agent/targets", http.StatusUnauthorized, "")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.runner.Run(ctx, Schedule{RetryInterval: 500 * time.Millisecond, Jitter: 0.1}, DefaultChannel())
	}()
	deadline := time.Now().Add(20 * time.Second)
	for e.fake.Pulls() < 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if e.fake.Pulls() < 1 {
		t.Error("no successful pull in 20s after four failures with a 500ms retry interval")
	}
}
