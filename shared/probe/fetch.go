package probe

import (
	"context"
	"encoding/base64"
	"net"
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
}

// Fetch probes every target with at most opts.Concurrency at once and hands
// each result to emit as soon as it is known, so results need not pile up in
// memory. emit is called from several goroutines. When ctx ends, the targets
// not yet started are skipped and the probes in flight stop at once.
func Fetch(ctx context.Context, targets []wire.Target, opts FetchOptions, emit func(wire.Result)) {
	p := pool.New().WithMaxGoroutines(max(opts.Concurrency, 1))
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		p.Go(func() { emit(FetchOne(ctx, t, opts)) })
	}
	p.Wait()
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
