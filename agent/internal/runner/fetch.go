package runner

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// FetchOptions bounds a fetch.
type FetchOptions struct {
	Concurrency int           // handshakes in flight at once
	Timeout     time.Duration // per target, unless the target sets timeout_ms
}

// Fetch probes every target with at most opts.Concurrency at once and hands
// each result to emit as soon as it is known, so results need not pile up in
// memory. emit is called from several goroutines, with the target the
// result belongs to. When ctx ends, the targets
// not yet started are skipped and the probes in flight stop at once.
func Fetch(ctx context.Context, targets []wire.Target, opts FetchOptions, emit func(wire.Target, wire.Result)) {
	p := pool.New().WithMaxGoroutines(opts.Concurrency)
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		p.Go(func() { emit(t, fetchOne(ctx, t, opts.Timeout)) })
	}
	p.Wait()
}

func fetchOne(ctx context.Context, t wire.Target, timeout time.Duration) wire.Result {
	if t.TimeoutMS > 0 {
		timeout = time.Duration(t.TimeoutMS) * time.Millisecond
	}
	protocol := t.Protocol
	if protocol == "" {
		protocol = "tls"
	}
	observed := time.Now().UTC()
	res, err := probe.Probe(ctx, probe.Request{
		Host: t.Host, Port: t.Port, Protocol: protocol, SNI: t.SNI, Timeout: timeout,
	})
	out := wire.Result{
		TargetID:    t.ID,
		Address:     res.Address,
		ObservedAt:  observed,
		DurationMS:  res.Duration.Milliseconds(),
		TLSVersion:  res.TLSVersion,
		CipherSuite: res.CipherSuite,
		Chain:       make([]string, len(res.Chain)),
	}
	for i, der := range res.Chain {
		out.Chain[i] = base64.StdEncoding.EncodeToString(der)
	}
	switch {
	case err != nil:
		out.Error, out.ErrorKind = err.Error(), string(probe.KindOf(err))
	case res.HandshakeError != "":
		// The chain is there (the server asked for a client certificate, or
		// failed after its Certificate message); the error tells why no
		// version or cipher was negotiated.
		out.Error, out.ErrorKind = res.HandshakeError, string(probe.KindTLSHandshake)
	}
	return out
}
