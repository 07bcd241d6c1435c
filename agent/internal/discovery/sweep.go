// Package discovery sweeps a discovery job's hosts and ports for TLS
// services. It is built to be polite to the network it runs in: new
// connections are paced by a token bucket, at most a bounded number are in
// flight, and a closed or filtered port costs one short TCP connect, never
// a handshake.
package discovery

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"certinel.dev/shared/discovery"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/target"
	"certinel.dev/shared/wire"
)

// Defaults for what a job or the configuration leaves unset.
const (
	DefaultRate           = 50
	DefaultConcurrency    = 100
	DefaultConnectTimeout = time.Second
	DefaultTimeout        = 10 * time.Second
)

// Options bounds a sweep.
type Options struct {
	Concurrency    int           // probes in flight at once
	ConnectTimeout time.Duration // for the TCP connect that finds open ports
	Timeout        time.Duration // for the protocol upgrade and handshake on an open port
	// ProtocolFor picks the probe protocol of a port; nil is
	// discovery.ProtocolForPort (tests map high ports to STARTTLS ones).
	ProtocolFor func(port int) string
}

// Stats counts what a sweep saw.
type Stats struct {
	Probes  int // host × port pairs tried
	Found   int // TLS endpoints reported
	Closed  int // no TCP connection: closed, filtered or unreachable
	Plain   int // connected, but no certificate came back (not TLS, or not this protocol)
	Elapsed time.Duration
}

// Sweep tries every host × port of job and hands each TLS endpoint found
// to emit, from several goroutines, as soon as it is found. Ports are the
// outer loop, so consecutive connections go to different hosts. When ctx
// ends (or its deadline is too near for the next connection) the sweep stops
// early and returns an error with what it counted.
func Sweep(ctx context.Context, job wire.DiscoveryJob, opts Options, emit func(wire.Result)) (Stats, error) {
	start := time.Now()
	plan, err := discovery.NewPlan(job.Hosts, job.Ports)
	if err != nil {
		return Stats{}, fmt.Errorf("discovery: job %s: %w", job.ID, err)
	}
	s := sweeper{job: job, opts: opts.withDefaults(), emit: emit}
	perSecond := job.RatePerSecond
	if perSecond <= 0 {
		perSecond = DefaultRate
	}
	// A burst of one: connections start evenly spaced, never in a clump.
	limiter := rate.NewLimiter(rate.Limit(perSecond), 1)
	slots := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	probes := 0
	var stopped error
sweep:
	for _, port := range plan.Ports {
		for _, host := range plan.Hosts {
			// Take a slot before the token, so a token is never spent
			// waiting for a slot and the pace holds when probes are slow.
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				stopped = ctx.Err()
				break sweep
			}
			// Wait also fails at once when ctx's deadline comes before the
			// next token: the sweep could not finish in time anyway.
			if err := limiter.Wait(ctx); err != nil {
				<-slots
				stopped = err
				break sweep
			}
			probes++
			wg.Go(func() {
				defer func() { <-slots }()
				s.probe(ctx, host, port)
			})
		}
	}
	wg.Wait()
	st := Stats{Probes: probes, Found: int(s.found.Load()), Closed: int(s.closed.Load()), Plain: int(s.plain.Load()), Elapsed: time.Since(start)}
	if stopped != nil {
		return st, fmt.Errorf("discovery: job %s stopped after %d probes: %w", job.ID, probes, stopped)
	}
	return st, nil
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ProtocolFor == nil {
		o.ProtocolFor = discovery.ProtocolForPort
	}
	return o
}

type sweeper struct {
	job                  wire.DiscoveryJob
	opts                 Options
	emit                 func(wire.Result)
	found, closed, plain atomic.Int64
}

// probe connects with the short connect timeout first; only an open port
// gets the protocol's upgrade and a TLS handshake, on that same connection.
func (s *sweeper) probe(ctx context.Context, host target.Host, port int) {
	addr, sni := host.Name, host.Name
	if addr == "" {
		addr = host.Addr.String()
	}
	dialer := net.Dialer{Timeout: s.opts.ConnectTimeout}
	conn, err := dialer.DialContext(ctx, "tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
	if err != nil {
		s.closed.Add(1)
		return
	}
	// The probe closes conn once it has it; this covers a probe that
	// fails before taking it.
	defer conn.Close()
	protocol := s.opts.ProtocolFor(port)
	observed := time.Now().UTC()
	res, err := probe.Probe(ctx, probe.Request{Host: addr, Port: port, Protocol: protocol, SNI: sni,
		Timeout: s.opts.Timeout, Dial: handOver(conn)})
	if err != nil || len(res.Chain) == 0 {
		s.plain.Add(1)
		return
	}
	s.found.Add(1)
	out := wire.Result{
		DiscoveryJobID: s.job.ID, Address: addr, Port: port, Protocol: protocol, SNI: sni,
		ObservedAt: observed, DurationMS: res.Duration.Milliseconds(),
		TLSVersion: res.TLSVersion, CipherSuite: res.CipherSuite, KeyExchange: res.KeyExchange, Chain: make([]string, len(res.Chain)),
	}
	for i, der := range res.Chain {
		out.Chain[i] = base64.StdEncoding.EncodeToString(der)
	}
	if res.HandshakeError != "" {
		out.Error, out.ErrorKind = res.HandshakeError, string(probe.KindTLSHandshake)
	}
	s.emit(out)
}

var errDialedTwice = errors.New("discovery: the probe dialed twice")

// handOver gives the probe the already connected conn instead of a second
// connection, so an open port costs one connection, counted once by the
// rate limit.
func handOver(conn net.Conn) func(context.Context, string, string) (net.Conn, error) {
	var used atomic.Bool
	return func(context.Context, string, string) (net.Conn, error) {
		if used.Swap(true) {
			return nil, errDialedTwice
		}
		return conn, nil
	}
}
