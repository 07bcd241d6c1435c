package probe

import (
	"cmp"
	"context"
	"encoding/base64"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/shared/wire"
)

// FetchOptions bounds a fetch of many targets.
type FetchOptions struct {
	Concurrency int           // handshakes in flight at once
	Timeout     time.Duration // per target, unless the target sets timeout_ms
	// Dial replaces the plain dialer (the server passes its SSRF guard).
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Resolve, when set, makes every target whose host is a name one probe
	// per address the name resolves to (its backends, see backends.go);
	// nil probes the name once, on whichever address the dialer picks.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// Fetch probes every target with at most opts.Concurrency handshakes at
// once and hands each result to emit as soon as it is known, so results
// need not pile up in memory. emit is called from several goroutines. When
// ctx ends, the targets not yet started are skipped and the probes in
// flight stop at once.
//
// Names are resolved (opts.Resolve) by one pool and their backends probed
// by another, so a name with many backends shares the handshake limit with
// every other target instead of holding a slot while it waits for one.
func Fetch(ctx context.Context, targets []wire.Target, opts FetchOptions, emit func(wire.Result)) {
	workers := max(opts.Concurrency, 1)
	probes := make(chan backend)
	probers := pool.New()
	for range workers {
		probers.Go(func() {
			for b := range probes {
				emit(fetchBackend(ctx, b, opts))
			}
		})
	}
	resolvers := pool.New().WithMaxGoroutines(workers)
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		resolvers.Go(func() {
			bs, failed := backendsOf(ctx, t, opts.Resolve)
			if failed != nil {
				emit(*failed)
				return
			}
			for _, b := range bs {
				probes <- b
			}
		})
	}
	resolvers.Wait()
	close(probes)
	probers.Wait()
}

// FetchOne probes one target and reports it in the agent protocol's form.
func FetchOne(ctx context.Context, t wire.Target, opts FetchOptions) wire.Result {
	timeout := opts.Timeout
	if t.TimeoutMS > 0 {
		timeout = time.Duration(t.TimeoutMS) * time.Millisecond
	}
	protocol := t.Protocol
	if protocol == "" {
		protocol = "tls"
	}
	observed := time.Now().UTC()
	res, err := Probe(ctx, Request{Host: t.Host, Port: t.Port, Protocol: protocol, SNI: t.SNI, Timeout: timeout, Dial: opts.Dial})
	out := wire.Result{
		TargetID:    t.ID,
		Address:     res.Address,
		ObservedAt:  observed,
		DurationMS:  res.Duration.Milliseconds(),
		TLSVersion:  res.TLSVersion,
		CipherSuite: res.CipherSuite,
		KeyExchange: res.KeyExchange,
		Chain:       make([]string, len(res.Chain)),
	}
	for i, der := range res.Chain {
		out.Chain[i] = base64.StdEncoding.EncodeToString(der)
	}
	if res.OCSPStaple != nil {
		out.OCSPStaple = base64.StdEncoding.EncodeToString(res.OCSPStaple)
	}
	out.OCSPStapleDropped = res.StapleDropped
	switch {
	case err != nil:
		out.Error, out.ErrorKind = err.Error(), string(KindOf(err))
	case res.HandshakeError != "":
		// The chain is there (the server asked for a client certificate, or
		// failed after its Certificate message); the error tells why no
		// version or cipher was negotiated.
		out.Error, out.ErrorKind = res.HandshakeError, string(KindTLSHandshake)
	}
	return out
}

// fetchBackend probes one backend. A backend that could not be reached
// still names its address, so the failure is that backend's, not the name's.
func fetchBackend(ctx context.Context, b backend, opts FetchOptions) wire.Result {
	t := b.target
	if b.addr.IsValid() {
		t.Host, t.SNI = b.addr.String(), b.sni
	}
	out := FetchOne(ctx, t, opts)
	out.Backends = b.of
	if out.Address == "" && b.addr.IsValid() {
		port := t.Port
		if port == 0 {
			port = DefaultPort(cmp.Or(t.Protocol, "tls"))
		}
		out.Address = net.JoinHostPort(t.Host, strconv.Itoa(port))
	}
	return out
}
