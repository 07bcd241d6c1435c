package e2e_test

import (
	"net"
	"testing"
	"time"
)

// TestEndToEnd runs the whole story once per database the server supports.
// The two runs share nothing (ports, data, listeners), so they run in
// parallel and the test costs the time of one.
func TestEndToEnd(t *testing.T) {
	for _, database := range []string{"sqlite", "postgres"} {
		t.Run(database, func(t *testing.T) {
			t.Parallel()
			endToEnd(t, database)
		})
	}
}

// target is one endpoint the agent is given, with what the server must
// conclude about it.
type target struct {
	name       string
	addr       string
	protocol   string
	leafSHA256 string // "" for an endpoint that never completes a handshake
	status     string
	daysLeft   int
	errorKind  string
	id         string
}

func endToEnd(t *testing.T, database string) {
	sc := setUp(t, database)
	sc.firstRun()
	sc.daemon()
	saved := sc.outage()
	sc.restart()
	sc.replay(saved)
}

// scenario is one server, one organization set up through the API, one agent
// installation and the endpoints it watches.
type scenario struct {
	t       *testing.T
	srv     *server
	user    *user
	cred    credentials
	agent   *installation
	targets []*target
}

// everyRun is what each successful cycle against the four targets reports.
var everyRun = summary{Targets: 4, OK: 3, Failed: 1, Pushed: 4, Refused: 1}

func setUp(t *testing.T, database string) *scenario {
	srv := newServer(t, database)
	u := signup(t, srv.url)
	ca := newPKI(t)
	u.uploadCABundle("E2E private CA", ca.rootPEM)
	cred := u.createAgent("e2e-agent")

	v4, v6 := net.IPv4(127, 0, 0, 1), net.IPv6loopback
	// 90-day leaves: two inside their lifetime, one in its last 15 days.
	direct, smtp, ipv6 := ca.leaf(t, v4, 90), ca.leaf(t, v4, 10), ca.leaf(t, v6, 60)
	targets := []*target{
		{name: "direct TLS", addr: serveTLS(t, "127.0.0.1:0", direct), protocol: "tls",
			leafSHA256: fingerprint(direct.Certificate[0]), status: "ok", daysLeft: 90},
		{name: "SMTP STARTTLS", addr: serveSMTP(t, "127.0.0.1:0", smtp), protocol: "smtp",
			leafSHA256: fingerprint(smtp.Certificate[0]), status: "expiring", daysLeft: 10},
		{name: "IPv6", addr: serveTLS(t, "[::1]:0", ipv6), protocol: "tls",
			leafSHA256: fingerprint(ipv6.Certificate[0]), status: "ok", daysLeft: 60},
		{name: "closed port", addr: closedPort(t), protocol: "tls", status: "unreachable", errorKind: "refused"},
	}
	for _, tg := range targets {
		host, port := splitAddr(t, tg.addr)
		tg.id = u.createDomain(host, port, tg.protocol, cred.agentID)
	}
	return &scenario{t: t, srv: srv, user: u, cred: cred, agent: install(t, cred), targets: targets}
}

// firstRun: one cycle, and every result lands with the right verdict.
func (sc *scenario) firstRun() {
	t := sc.t
	code, sum := sc.agent.once(sc.srv.url)
	if code != 0 {
		t.Fatalf("certinel-agent once: exit code %d, want 0", code)
	}
	wantSummary(t, "first once", sum, everyRun)
	checkDomains(t, sc.user, sc.targets, 1)
	checkAgent(t, sc.user, sc.cred.agentID)
}

// daemon: `run` does a cycle at start, keeps running, and stops cleanly on
// SIGTERM.
func (sc *scenario) daemon() {
	t := sc.t
	daemon := sc.agent.start(sc.srv.url, "run")
	waitChecks(t, sc.user, sc.targets, 2, daemon)
	// A daemon that quit right after its cycle would look the same at this
	// instant; half a second is plenty for an exit to show.
	time.Sleep(500 * time.Millisecond)
	if !daemon.running() {
		t.Fatalf("certinel-agent run exited after its first cycle (code %d)", daemon.wait(0))
	}
	if code := daemon.stop(5 * time.Second); code != 0 {
		t.Fatalf("certinel-agent run: exit code %d on SIGTERM, want 0 (-1: still running after 5s)", code)
	}
	if left := sc.agent.spooled(); len(left) != 0 {
		t.Errorf("daemon left %d batches in the spool", len(left))
	}
}

// outage: the server goes down between the pull and the push, so the run
// fails and its batch stays in the spool. It returns a copy of that batch.
func (sc *scenario) outage() map[string][]byte {
	t := sc.t
	down := newOutage(t, sc.srv)
	run := sc.agent.start(down.url, "once")
	waitFor(t, 15*time.Second, "a push to fail while the server is down", func() bool {
		if !run.running() {
			t.Fatalf("certinel-agent once exited (code %d) before it tried to push", run.wait(0))
		}
		return down.failedPushes.Load() > 0
	})
	if err := <-down.stopped; err != nil {
		t.Fatal(err)
	}
	saved := sc.agent.saveBatches()
	if len(saved) != 1 {
		t.Fatalf("spool holds %d batches during the outage, want 1", len(saved))
	}
	// The agent would retry for about a minute before giving up with exit
	// code 1; a SIGTERM ends the wait the same way, without the minute.
	if code := run.stop(5 * time.Second); code != 1 {
		t.Fatalf("certinel-agent once during the outage: exit code %d, want 1", code)
	}
	if n := len(sc.agent.spooled()); n != 1 {
		t.Fatalf("spool holds %d batches after the failed run, want 1", n)
	}
	return saved
}

// restart: the server comes back on the same port and database, and the
// next run delivers the backlog first, then its own results.
func (sc *scenario) restart() {
	sc.srv.start()
	sc.onceWithBacklog("once after the restart", 4)
}

// replay: the outage batch comes again, as after a push whose answer was
// lost. The server must recognise it and store nothing twice, and the agent
// must count it as delivered.
func (sc *scenario) replay(saved map[string][]byte) {
	sc.agent.restoreBatches(saved)
	sc.onceWithBacklog("once with a replayed batch", 5)
	checkAgent(sc.t, sc.user, sc.cred.agentID)
}

// onceWithBacklog runs a cycle that starts with one spooled batch of the four
// targets and wants the server to hold checks observations of each after it.
func (sc *scenario) onceWithBacklog(what string, checks int) {
	t := sc.t
	t.Helper()
	code, sum := sc.agent.once(sc.srv.url)
	if code != 0 {
		t.Fatalf("certinel-agent %s: exit code %d, want 0", what, code)
	}
	want := everyRun
	want.Backlog = 4
	wantSummary(t, what, sum, want)
	if n := len(sc.agent.spooled()); n != 0 {
		t.Errorf("%s: spool holds %d batches afterwards, want 0", what, n)
	}
	checkDomains(t, sc.user, sc.targets, checks)
}
