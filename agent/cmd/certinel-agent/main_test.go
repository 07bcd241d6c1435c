package main

import (
	"bytes"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"certinel.dev/agent/internal/fakeserver"
	"certinel.dev/agent/internal/spool"
	"certinel.dev/agent/internal/tlsfarm"
	"certinel.dev/shared/wire"
)

// These tests drive the real binary, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "certinel-agent-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "certinel-agent")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=9.9.9-test", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("build certinel-agent: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type agentEnv struct {
	fake    *fakeserver.Server
	targets []wire.Target
	dir     string // working directory of the agent process
	spool   string
	vars    []string
}

func newAgentEnv(t *testing.T, n int) *agentEnv {
	t.Helper()
	cert, err := tlsfarm.SelfSigned("farm.test")
	if err != nil {
		t.Fatal(err)
	}
	farm, err := tlsfarm.Start(4, cert)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(farm.Close)
	e := &agentEnv{fake: fakeserver.New("api-key", "agent-token"), dir: t.TempDir()}
	for i := range n {
		host, port, _ := net.SplitHostPort(farm.Addrs[i%len(farm.Addrs)])
		p, _ := strconv.Atoi(port)
		e.targets = append(e.targets, wire.Target{ID: "t" + strconv.Itoa(i), Host: host, Port: p, Protocol: "tls"})
	}
	e.fake.SetTargets(wire.TargetsResponse{IntervalSeconds: 3600, Targets: e.targets})
	srv := httptest.NewServer(e.fake)
	t.Cleanup(srv.Close)
	e.spool = filepath.Join(e.dir, "spool")
	e.vars = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + e.dir,
		"CERTINEL_SERVER_URL=" + srv.URL,
		"CERTINEL_API_KEY=api-key",
		"CERTINEL_AGENT_TOKEN=agent-token",
		"CERTINEL_SPOOL_DIR=" + e.spool,
		"CERTINEL_TIMEOUT=3s",
	}
	return e
}

func (e *agentEnv) command(args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(binary, args...)
	cmd.Dir, cmd.Env = e.dir, e.vars
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

func TestOnceDeliversAndExitsZero(t *testing.T) {
	e := newAgentEnv(t, 12)
	cmd, out := e.command("once")
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	stored := 0
	for _, batch := range e.fake.Results() {
		stored += len(batch)
	}
	if stored != 12 {
		t.Errorf("%d results stored, want 12", stored)
	}
	if ua := e.fake.UserAgents(); len(ua) == 0 || ua[0] != "certinel-agent/9.9.9-test" {
		t.Errorf("user agents %q", ua)
	}
	for _, want := range []string{"targets=12", "ok=12", "pushed=12", "spooled=0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out.String(), "api-key") || strings.Contains(out.String(), "agent-token") {
		t.Errorf("log leaks a secret:\n%s", out)
	}
}

func TestOnceFailsOnBadCredentials(t *testing.T) {
	e := newAgentEnv(t, 1)
	e.vars = append(e.vars, "CERTINEL_API_KEY=wrong")
	cmd, out := e.command("once")
	if code := exitCode(t, cmd.Run()); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
}

func TestConfigErrorIsOneLine(t *testing.T) {
	e := newAgentEnv(t, 1)
	e.vars = append(e.vars, "CERTINEL_CONCURRENCY=lots")
	cmd, out := e.command("once")
	if code := exitCode(t, cmd.Run()); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	want := "certinel-agent: config: CERTINEL_CONCURRENCY (from environment): want an integer from 1 to 10000, got \"lots\"\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestDefaultEnvFile(t *testing.T) {
	e := newAgentEnv(t, 2)
	// Everything but PATH moves into ./environment.txt.
	var file []string
	for _, v := range e.vars {
		if !strings.HasPrefix(v, "PATH=") {
			file = append(file, v)
		}
	}
	contents := "# agent settings\n" + strings.Join(file, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(e.dir, "environment.txt"), []byte(contents), 0o600); err != nil {
		t.Fatal(err)
	}
	e.vars = []string{"PATH=" + os.Getenv("PATH")}
	cmd, out := e.command("once")
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// An explicit --env-file must exist.
	cmd, out = e.command("once", "--env-file", "missing.env")
	if code := exitCode(t, cmd.Run()); code != 2 || !strings.Contains(out.String(), "open env file") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestKilledMidPushDeliversOnce kills the daemon with SIGKILL while the server
// holds its push, restarts it, and checks that every batch written before the
// kill is stored exactly once.
func TestKilledMidPushDeliversOnce(t *testing.T) {
	e := newAgentEnv(t, 700) // two batches of 500 and 200
	holding, release := e.fake.HoldPushes()
	cmd, out := e.command("run")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-holding:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no push within 60s:\n%s", out)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	release()

	sp, err := spool.Open(e.spool, 1<<30, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	before, err := sp.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 {
		t.Fatalf("%d batches spooled before the kill, want 2", len(before))
	}

	cmd, out = e.command("once")
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("restart: exit %d:\n%s", code, out)
	}
	results := e.fake.Results()
	for _, b := range before {
		if len(results[b.BatchID]) != b.Results {
			t.Errorf("batch %s: %d results stored, want %d", b.BatchID, len(results[b.BatchID]), b.Results)
		}
	}
	perTarget := map[string]int{}
	for _, batch := range results {
		for _, r := range batch {
			perTarget[r.TargetID]++
		}
	}
	for _, tgt := range e.targets {
		if perTarget[tgt.ID] != 2 {
			t.Errorf("target %s stored %d times, want once per run", tgt.ID, perTarget[tgt.ID])
		}
	}
	if !strings.Contains(out.String(), "backlog_delivered=700") {
		t.Errorf("restart log lacks the backlog:\n%s", out)
	}
}

func TestCheckPrintsChain(t *testing.T) {
	cert, err := tlsfarm.SelfSigned("check.test")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go tlsfarm.Serve(ln, &tls.Config{Certificates: []tls.Certificate{cert}})

	cmd := exec.Command(binary, "check", ln.Addr().String(), "--sni", "check.test", "--timeout", "5s")
	out, err := cmd.CombinedOutput()
	if code := exitCode(t, err); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	fp := strings.ToUpper(tlsfarm.Fingerprint(cert.Certificate[0])[:8])
	for _, want := range []string{"CN=check.test", "TLS 1.3", fp[:2] + ":" + fp[2:4] + ":" + fp[4:6]} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// A TLS 1.2 server that signs its handshake with SHA-1 only, as old
	// appliances do.
	legacy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer legacy.Close()
	sha1Only := cert
	sha1Only.SupportedSignatureAlgorithms = []tls.SignatureScheme{tls.ECDSAWithSHA1}
	go tlsfarm.Serve(legacy, &tls.Config{Certificates: []tls.Certificate{sha1Only}, MaxVersion: tls.VersionTLS12})
	out, err = exec.Command(binary, "check", legacy.Addr().String(), "--sni", "check.test", "--timeout", "5s").CombinedOutput()
	if code := exitCode(t, err); code != 0 || !strings.Contains(string(out), "TLS 1.2") {
		t.Errorf("SHA-1-only TLS 1.2 server: exit %d:\n%s", code, out)
	}

	ln.Close()
	out, err = exec.Command(binary, "check", ln.Addr().String()).CombinedOutput()
	if code := exitCode(t, err); code != 1 || !strings.Contains(string(out), "kind refused") {
		t.Errorf("closed port: exit %d:\n%s", code, out)
	}
	out, err = exec.Command(binary, "check", "example.com", "--protocol", "gopher").CombinedOutput()
	if code := exitCode(t, err); code != 2 || !strings.Contains(string(out), `unknown protocol "gopher"`) {
		t.Errorf("bad protocol: exit %d:\n%s", code, out)
	}
}
