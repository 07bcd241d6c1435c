// Command channel-bench measures the agents' control channels on one
// server: its memory per held channel, and how long a command takes from
// the API call that makes it to the agent (see scalebench.MeasureChannels).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"certinel.dev/server/internal/scalebench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "channel-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg := scalebench.ChannelConfig{Progress: os.Stderr}
	flag.StringVar(&cfg.ServerBin, "server", "bin/certinel-server", "the certinel-server binary to run")
	flag.IntVar(&cfg.Agents, "agents", 1000, "agents holding a channel")
	flag.IntVar(&cfg.Samples, "samples", 50, "commands timed")
	flag.Parse()
	if cfg.Agents < 1 || cfg.Samples < 1 || cfg.Samples > cfg.Agents {
		return fmt.Errorf("-agents must be at least 1 and -samples 1 to -agents")
	}
	dir, err := os.MkdirTemp("", "channel-bench-")
	if err != nil {
		return fmt.Errorf("work dir: %w", err)
	}
	defer os.RemoveAll(dir)
	cfg.WorkDir = dir
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := scalebench.MeasureChannels(ctx, cfg)
	if err != nil {
		return err
	}
	rep.WriteMarkdown(os.Stdout)
	return nil
}
