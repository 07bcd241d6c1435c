package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// throughput alternates rounds of the two sides, so both see the same machine
// state, and keeps each side's best round.
func throughput(targets []wire.Target, s settings) (plain, agent float64, err error) {
	for range s.rounds {
		p, err := measure(func() (int64, error) { return plainPool(targets, s.concurrency) }, len(targets))
		if err != nil {
			return 0, 0, err
		}
		a, err := measure(func() (int64, error) { return agentFetch(targets, s.concurrency) }, len(targets))
		if err != nil {
			return 0, 0, err
		}
		plain, agent = max(plain, p), max(agent, a)
	}
	return plain, agent, nil
}

func measure(run func() (int64, error), n int) (float64, error) {
	start := time.Now()
	ok, err := run()
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if ok != int64(n) {
		return 0, fmt.Errorf("only %d of %d handshakes succeeded", ok, n)
	}
	return float64(n) / elapsed.Seconds(), nil
}

// plainPool is the yardstick: workers doing tls.Dial and Close, nothing more.
func plainPool(targets []wire.Target, concurrency int) (int64, error) {
	work := make(chan wire.Target)
	var ok atomic.Int64
	var wg sync.WaitGroup
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	cfg := &tls.Config{InsecureSkipVerify: true}
	for range concurrency {
		wg.Go(func() {
			for t := range work {
				conn, err := tls.DialWithDialer(dialer, "tcp", net.JoinHostPort(t.Host, strconv.Itoa(t.Port)), cfg)
				if err == nil {
					ok.Add(1)
					conn.Close()
				}
			}
		})
	}
	for _, t := range targets {
		work <- t
	}
	close(work)
	wg.Wait()
	return ok.Load(), nil
}

// agentFetch is the agent's real path (the runner calls probe.Fetch): conc
// pool, probe, result building.
func agentFetch(targets []wire.Target, concurrency int) (int64, error) {
	ctx, cancel := deadline()
	defer cancel()
	var ok atomic.Int64
	opts := probe.FetchOptions{Concurrency: concurrency, Timeout: 10 * time.Second}
	probe.Fetch(ctx, targets, opts, func(r wire.Result) {
		if len(r.Chain) > 0 {
			ok.Add(1)
		}
	})
	return ok.Load(), context.Cause(ctx)
}
