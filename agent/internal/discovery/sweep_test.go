package discovery

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestSweepFindsExactlyTheTLSServices sweeps 127.0.0.0/27 (30 addresses)
// on four ports where the test runs direct TLS, SMTP with STARTTLS, SMTP
// without it, a plain TCP service, and nothing at all.
func TestSweepFindsExactlyTheTLSServices(t *testing.T) {
	tlsPort, smtpPort, plainPort, closedPort := freePort(t), freePort(t), freePort(t), freePort(t)
	at := func(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

	webCert, webSHA := selfSigned(t, "web.test")
	altCert, altSHA := selfSigned(t, "alt.test")
	mailCert, mailSHA := selfSigned(t, "mail.test")
	listen(t, at("127.0.0.2", tlsPort), serveTLS(webCert))
	listen(t, at("127.0.0.7", tlsPort), serveTLS(altCert))
	listen(t, at("127.0.0.3", smtpPort), serveSMTP(&mailCert))
	listen(t, at("127.0.0.4", smtpPort), serveSMTP(nil))
	listen(t, at("127.0.0.5", tlsPort), servePlain)
	listen(t, at("127.0.0.5", plainPort), servePlain)
	// A TLS server on the port mapped to SMTP is not spoken to as TLS.
	listen(t, at("127.0.0.6", smtpPort), serveTLS(webCert))

	job := wire.DiscoveryJob{ID: "job-1", Hosts: []string{"127.0.0.0/27"},
		Ports: fmt.Sprintf("%d,%d,%d,%d", tlsPort, smtpPort, plainPort, closedPort), RatePerSecond: 1000}
	opts := Options{Concurrency: 16, ConnectTimeout: time.Second, Timeout: 2 * time.Second,
		ProtocolFor: func(port int) string {
			if port == smtpPort {
				return "smtp"
			}
			return "tls"
		}}
	var mu sync.Mutex
	var found []string
	stats, err := Sweep(context.Background(), job, opts, func(r wire.Result) {
		mu.Lock()
		defer mu.Unlock()
		der, _ := base64.StdEncoding.DecodeString(r.Chain[0])
		sum := sha256.Sum256(der)
		found = append(found, fmt.Sprintf("%s %s:%d %s sni=%q %s", r.DiscoveryJobID, r.Address, r.Port, r.Protocol, r.SNI, hex.EncodeToString(sum[:])))
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(found)
	want := []string{
		fmt.Sprintf("job-1 127.0.0.2:%d tls sni=\"\" %s", tlsPort, webSHA),
		fmt.Sprintf("job-1 127.0.0.3:%d smtp sni=\"\" %s", smtpPort, mailSHA),
		fmt.Sprintf("job-1 127.0.0.7:%d tls sni=\"\" %s", tlsPort, altSHA),
	}
	slices.Sort(want)
	if !slices.Equal(found, want) {
		t.Fatalf("found\n%q\nwant\n%q", found, want)
	}
	if stats.Probes != 120 || stats.Found != 3 || stats.Plain != 4 || stats.Closed != 113 {
		t.Fatalf("stats %+v, want 120 probes: 3 found, 4 plain, 113 closed", stats)
	}
}

// TestSweepRateLimit measures when connections reach 62 listeners and
// checks that no one-second window holds more than the job's rate.
func TestSweepRateLimit(t *testing.T) {
	const perSecond = 50
	port := freePort(t)
	var mu sync.Mutex
	var accepted []time.Time
	for i := 1; i <= 62; i++ {
		listen(t, net.JoinHostPort(fmt.Sprintf("127.0.1.%d", i), strconv.Itoa(port)), func(c net.Conn) {
			mu.Lock()
			accepted = append(accepted, time.Now())
			mu.Unlock()
		})
	}
	job := wire.DiscoveryJob{ID: "rate", Hosts: []string{"127.0.1.0/26"}, Ports: strconv.Itoa(port), RatePerSecond: perSecond}
	start := time.Now()
	stats, err := Sweep(context.Background(), job, Options{Concurrency: 100, Timeout: time.Second}, func(wire.Result) {})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if stats.Probes != 62 || len(accepted) != 62 {
		t.Fatalf("%d probes, %d connections accepted; want 62", stats.Probes, len(accepted))
	}
	slices.SortFunc(accepted, func(a, b time.Time) int { return a.Compare(b) })
	peak := 0
	for i := range accepted {
		n := 0
		for j := i; j < len(accepted) && accepted[j].Sub(accepted[i]) < time.Second; j++ {
			n++
		}
		peak = max(peak, n)
	}
	// The bucket holds one token, so the first second may see one more.
	if peak > perSecond+1 {
		t.Fatalf("%d connections within one second, limit %d/s", peak, perSecond)
	}
	// 61 gaps of 20 ms: the sweep must neither rush nor crawl.
	if min, max := 1100*time.Millisecond, 3*time.Second; elapsed < min || elapsed > max {
		t.Fatalf("62 connections at %d/s took %s, want %s-%s", perSecond, elapsed, min, max)
	}
	t.Logf("62 connections in %s, peak %d in any one-second window", elapsed.Round(time.Millisecond), peak)
}

// TestSweepConcurrency runs probes against services that accept and
// never answer, so no probe ends before the sweep is cancelled: the number
// of connections the services accepted is then the number in flight.
func TestSweepConcurrency(t *testing.T) {
	const limit = 3
	port := freePort(t)
	var mu sync.Mutex
	accepted := 0
	for i := 1; i <= 12; i++ {
		listen(t, net.JoinHostPort(fmt.Sprintf("127.0.2.%d", i), strconv.Itoa(port)), func(c net.Conn) {
			mu.Lock()
			accepted++
			mu.Unlock()
			_, _ = c.Read(make([]byte, 1<<16)) // the ClientHello
			_, _ = c.Read(make([]byte, 1))     // until the prober gives up
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	job := wire.DiscoveryJob{ID: "conc", Hosts: []string{"127.0.2.0/28"}, Ports: strconv.Itoa(port), RatePerSecond: 1000}
	stats, _ := Sweep(ctx, job, Options{Concurrency: limit, Timeout: time.Minute}, func(wire.Result) {})
	mu.Lock()
	defer mu.Unlock()
	if accepted != limit || stats.Probes != limit {
		t.Fatalf("%d connections accepted, %d probes started; want exactly %d in flight", accepted, stats.Probes, limit)
	}
}

func TestSweepStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	job := wire.DiscoveryJob{ID: "stop", Hosts: []string{"127.0.3.0/24"}, Ports: "1-20", RatePerSecond: 10}
	start := time.Now()
	stats, err := Sweep(ctx, job, Options{}, func(wire.Result) {})
	if err == nil || time.Since(start) > 2*time.Second || stats.Probes > 10 {
		t.Fatalf("sweep went on after its context ended: %+v, %v after %s", stats, err, time.Since(start))
	}
}

func TestSweepRejectsBadJob(t *testing.T) {
	_, err := Sweep(context.Background(), wire.DiscoveryJob{ID: "bad", Hosts: []string{"10.0.0.0/8"}}, Options{}, func(wire.Result) {})
	if err == nil {
		t.Fatal("a job over the address cap was swept")
	}
}
