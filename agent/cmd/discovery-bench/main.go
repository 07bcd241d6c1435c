// Command discovery-bench measures a discovery sweep of the real agent
// binary: a /24 of loopback addresses × 11 ports, mostly closed, with a few
// TLS services, pulled from the fake server by `certinel-agent once`. It
// prints the sweep time the agent logged and the agent's peak RSS.
//
//	go run ./agent/cmd/discovery-bench -agent bin/certinel-agent [-rate 1000] [-concurrency 100]
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"certinel.dev/agent/internal/fakeserver"
	"certinel.dev/shared/wire"
)

const (
	block    = "127.0.9.0/24"
	ports    = 11
	services = 8 // TLS listeners among the 2,794 probes
)

func main() {
	binary := flag.String("agent", "bin/certinel-agent", "agent binary to measure")
	perSecond := flag.Int("rate", 1000, "the job's rate_per_second")
	concurrency := flag.Int("concurrency", 100, "CERTINEL_DISCOVERY_CONCURRENCY")
	flag.Parse()
	if err := run(*binary, *perSecond, *concurrency); err != nil {
		fmt.Fprintln(os.Stderr, "discovery-bench:", err)
		os.Exit(1)
	}
}

func run(binary string, perSecond, concurrency int) error {
	portList, err := freePorts(ports)
	if err != nil {
		return err
	}
	cert, err := selfSigned()
	if err != nil {
		return err
	}
	for i := range services {
		addr := net.JoinHostPort(fmt.Sprintf("127.0.9.%d", 10+i*20), strconv.Itoa(portList[i%ports]))
		if err := serveTLS(addr, cert); err != nil {
			return err
		}
	}
	strs := make([]string, len(portList))
	for i, p := range portList {
		strs[i] = strconv.Itoa(p)
	}
	fake := fakeserver.New("bench-key", "bench-token")
	fake.SetTargets(wire.TargetsResponse{IntervalSeconds: 3600, Targets: []wire.Target{}, Discovery: []wire.DiscoveryJob{{
		ID: "bench", Hosts: []string{block}, Ports: strings.Join(strs, ","), IntervalSeconds: 86400, RatePerSecond: perSecond}}})
	srv := httptest.NewServer(fake)
	defer srv.Close()

	dir, err := os.MkdirTemp("", "discovery-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	binary, err = filepath.Abs(binary)
	if err != nil {
		return err
	}
	var logs bytes.Buffer
	cmd := exec.Command(binary, "once")
	cmd.Dir = dir
	cmd.Env = []string{"CERTINEL_SERVER_URL=" + srv.URL, "CERTINEL_API_KEY=bench-key", "CERTINEL_AGENT_TOKEN=bench-token",
		"CERTINEL_SPOOL_DIR=" + filepath.Join(dir, "spool"), "CERTINEL_DISCOVERY_CONCURRENCY=" + strconv.Itoa(concurrency)}
	cmd.Stderr = &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", binary, err)
	}
	peak := samplePeak(cmd.Process.Pid)
	waitErr := cmd.Wait()
	wall := time.Since(start)
	if waitErr != nil {
		return fmt.Errorf("agent once: %w\n%s", waitErr, logs.String())
	}
	found := 0
	for _, batch := range fake.Results() {
		found += len(batch)
	}
	sweep := regexp.MustCompile(`msg="discovery finished".*`).FindString(logs.String())
	fmt.Printf("discovery sweep: %s × %d ports at %d conn/s, concurrency %d\n", block, ports, perSecond, concurrency)
	fmt.Printf("  agent log:  %s\n", sweep)
	fmt.Printf("  found %d of %d TLS services; `once` took %s wall time\n", found, services, wall.Round(time.Millisecond))
	fmt.Printf("  agent peak RSS (VmHWM): %.1f MiB\n", float64(<-peak)/(1<<10))
	if found != services {
		return fmt.Errorf("found %d TLS services, want %d", found, services)
	}
	return nil
}

var vmHWM = regexp.MustCompile(`VmHWM:\s+(\d+) kB`)

// samplePeak reads the process's VmHWM (kB) every few milliseconds and
// sends the last value read once the process is gone.
func samplePeak(pid int) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var last int64
		for {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err != nil {
				out <- last
				return
			}
			if m := vmHWM.FindSubmatch(b); m != nil {
				if v, _ := strconv.ParseInt(string(m[1]), 10, 64); v > 0 {
					last = v
				}
			}
			if bytes.Contains(b, []byte("State:\tZ")) {
				out <- last
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return out
}

// freePorts picks n port numbers free on an address outside the swept block.
func freePorts(n int) ([]int, error) {
	var out []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.10.1:0")
		if err != nil {
			return nil, err
		}
		defer ln.Close()
		out = append(out, ln.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

func serveTLS(addr string, cert tls.Certificate) error {
	ln, err := tls.Listen("tcp", addr, &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				_ = c.(*tls.Conn).Handshake()
			}()
		}
	}()
	return nil
}

func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
