package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"certinel.dev/agent/internal/inspect"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/target"
)

// check probes one endpoint and prints its chain; no server is involved.
func check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	protocol := fs.String("protocol", "tls", "one of "+strings.Join(probe.Protocols(), ", "))
	sni := fs.String("sni", "", "server name to send (default: the host, none for an IP)")
	timeout := fs.Duration("timeout", 10*time.Second, "deadline for connect, upgrade and handshake")
	// Flags may come before or after HOST[:PORT], as the usage line shows.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		fmt.Fprintln(stderr, "certinel-agent check: want exactly one HOST[:PORT]")
		return exitUsage
	}
	if !probe.Supported(*protocol) {
		fmt.Fprintf(stderr, "certinel-agent check: unknown protocol %q, want one of %s\n", *protocol, strings.Join(probe.Protocols(), ", "))
		return exitUsage
	}
	host, port, err := target.ParseHostPort(positional[0], probe.DefaultPort(*protocol))
	if err != nil {
		fmt.Fprintf(stderr, "certinel-agent check: %v\n", err)
		return exitUsage
	}

	res, err := probe.Probe(ctx, probe.Request{Host: host, Port: port, Protocol: *protocol, SNI: *sni, Timeout: *timeout})
	if err != nil {
		fmt.Fprintf(stderr, "certinel-agent check: %s:%d: %v (kind %s)\n", host, port, err, probe.KindOf(err))
		return exitFailed
	}
	if err := inspect.Write(stdout, res, time.Now()); err != nil {
		fmt.Fprintf(stderr, "certinel-agent check: %v\n", err)
		return exitFailed
	}
	return exitOK
}
