// Command agent-bench measures the agent against its goals (make bench-agent):
// handshake throughput of the agent's fetch path as a ratio to a plain
// tls.Dial worker pool, the real binary's peak and idle RSS, and its size.
// Everything runs on loopback and stops by itself. Linux only (it reads /proc).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"certinel.dev/agent/internal/fakeserver"
	"certinel.dev/agent/internal/tlsfarm"
	"certinel.dev/shared/wire"
)

type settings struct {
	binary      string
	listeners   int
	targets     int
	concurrency int
	rounds      int
}

func main() {
	var s settings
	flag.StringVar(&s.binary, "agent", "bin/certinel-agent", "the stripped agent binary to measure")
	flag.IntVar(&s.listeners, "listeners", 200, "TLS listeners in the farm")
	flag.IntVar(&s.targets, "targets", 2000, "targets per run")
	flag.IntVar(&s.concurrency, "concurrency", 200, "handshakes in flight")
	flag.IntVar(&s.rounds, "rounds", 3, "throughput rounds per side (best kept)")
	flag.Parse()
	if err := bench(s); err != nil {
		fmt.Fprintln(os.Stderr, "agent-bench:", err)
		os.Exit(1)
	}
}

func bench(s settings) error {
	bin, err := filepath.Abs(s.binary)
	if err != nil {
		return err
	}
	s.binary = bin
	info, err := os.Stat(s.binary)
	if err != nil {
		return fmt.Errorf("agent binary: %w (run make agent first)", err)
	}
	cert, err := tlsfarm.SelfSigned("bench.test")
	if err != nil {
		return err
	}
	farm, err := tlsfarm.Start(s.listeners, cert)
	if err != nil {
		return err
	}
	defer farm.Close()
	targets := make([]wire.Target, s.targets)
	for i := range targets {
		host, port, _ := net.SplitHostPort(farm.Addrs[i%len(farm.Addrs)])
		p, _ := strconv.Atoi(port)
		targets[i] = wire.Target{ID: "t" + strconv.Itoa(i), Host: host, Port: p, Protocol: "tls"}
	}
	fmt.Printf("farm: %d TLS listeners on 127.0.0.1, %d targets, concurrency %d\n\n",
		s.listeners, s.targets, s.concurrency)

	plain, agent, err := throughput(targets, s)
	if err != nil {
		return err
	}
	fake := fakeserver.New("bench-key", "bench-token")
	fake.SetTargets(wire.TargetsResponse{IntervalSeconds: 14400, Targets: targets})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	oncePeak, err := onceRSS(s, srv.URL)
	if err != nil {
		return err
	}
	peak, idle, err := daemonRSS(s, srv.URL, fake)
	if err != nil {
		return err
	}

	ratio := agent / plain
	fmt.Printf("plain tls.Dial pool   %8.0f targets/s\n", plain)
	fmt.Printf("agent fetch path      %8.0f targets/s\n", agent)
	fmt.Printf("agent once            exit 0, sampled VmHWM %s\n\n", mib(oncePeak))
	report("throughput ratio", fmt.Sprintf("%.2f", ratio), "≥ 0.90", ratio >= 0.9)
	report("peak RSS (cycle)", mib(peak), "≤ 40 MiB", peak <= 40<<20)
	report("idle RSS (run)", mib(idle), "≤ 15 MiB", idle <= 15<<20)
	report("binary size", mib(info.Size()), "≤ 15 MiB", info.Size() <= 15<<20)
	return nil
}

func report(what, got, goal string, ok bool) {
	verdict := "ok"
	if !ok {
		verdict = "MISSED"
	}
	fmt.Printf("%-18s %10s   goal %-9s %s\n", what, got, goal, verdict)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// deadline bounds every measured step, so the bench always ends.
func deadline() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Minute)
}
