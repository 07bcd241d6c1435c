package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/config"
	"certinel.dev/agent/internal/discovery"
	"certinel.dev/agent/internal/runner"
	"certinel.dev/agent/internal/spool"
	"certinel.dev/agent/internal/tokenstate"
	"certinel.dev/shared/probe"
)

const defaultEnvFile = "environment.txt"

// agent runs the `run` and `once` commands.
func agent(ctx context.Context, cmd string, args []string, stderr io.Writer) int {
	cfg, ok := commandConfig(cmd, args, stderr)
	if !ok {
		return exitUsage
	}
	log := newLogger(cfg, stderr)

	r, err := newRunner(cfg, log)
	if err != nil {
		log.Error("cannot start", "error", err)
		return exitFailed
	}
	log.Info("agent starting", "version", version, "command", cmd, "config", cfg)
	if cmd == "once" {
		if _, err := r.RunOnce(ctx); err != nil {
			return exitFailed
		}
		return exitOK
	}
	if err := r.Run(ctx, runner.DefaultSchedule(), runner.DefaultChannel()); err != nil {
		log.Error("daemon stopped", "error", err)
		return exitFailed
	}
	log.Info("agent stopped")
	return exitOK
}

// commandConfig parses the flags of a command that takes only --env-file
// and loads the configuration; on failure it has said why on stderr.
func commandConfig(cmd string, args []string, stderr io.Writer) (config.Config, bool) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	envFile := fs.String("env-file", "", "file of KEY=VALUE lines (default ./"+defaultEnvFile+" when present)")
	if err := fs.Parse(args); err != nil {
		return config.Config{}, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "certinel-agent %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return config.Config{}, false
	}
	cfg, err := loadConfig(*envFile)
	if err != nil {
		fmt.Fprintf(stderr, "certinel-agent: %v\n", err)
		return config.Config{}, false
	}
	return cfg, true
}

func loadConfig(envFile string) (config.Config, error) {
	path, optional := envFile, false
	if path == "" {
		path, optional = defaultEnvFile, true
	}
	file, err := config.ReadEnvFile(path, optional)
	if err != nil {
		return config.Config{}, err
	}
	return config.Load(os.LookupEnv, path, file)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newRunner(cfg config.Config, log *slog.Logger) (*runner.Runner, error) {
	sp, err := spool.Open(cfg.SpoolDir, cfg.SpoolMaxBytes, log)
	if err != nil {
		return nil, err
	}
	c, tokens, err := newClient(cfg, log)
	if err != nil {
		return nil, err
	}
	return runner.New(runner.Options{
		Client: c,
		Spool:  sp,
		Fetch:  probe.FetchOptions{Concurrency: cfg.Concurrency, Timeout: cfg.Timeout},
		Discovery: discovery.Options{Concurrency: cfg.DiscoveryConcurrency,
			ConnectTimeout: cfg.DiscoveryConnectTimeout, Timeout: cfg.Timeout},
		Version: version,
		Logger:  log,
		// Beside the spooled batches; the spool ignores files not its own.
		LastTargets: filepath.Join(cfg.SpoolDir, "last-targets.json"),
		SweepLog:    filepath.Join(cfg.SpoolDir, "discovery-sweeps.json"),
		RotateToken: func(ctx context.Context) error {
			_, err := tokenstate.Rotate(ctx, c, tokens)
			return err
		},
	}), nil
}

// newClient builds the client with the agent token in use: the one it
// rotated to, kept in the spool directory, or the configured one.
func newClient(cfg config.Config, log *slog.Logger) (*client.Client, tokenstate.State, error) {
	tokens := tokenstate.State{Dir: cfg.SpoolDir, Configured: cfg.AgentToken}
	token, err := tokens.Current()
	if err != nil {
		return nil, tokens, err
	}
	if token != cfg.AgentToken {
		log.Info("using the rotated agent token kept in the spool directory", "file", filepath.Join(cfg.SpoolDir, tokenstate.FileName))
	}
	return client.New(client.Options{
		BaseURL:    cfg.ServerURL,
		APIKey:     cfg.APIKey,
		AgentToken: token,
		Version:    version,
		RootCAs:    cfg.RootCAs,
		Proxy:      cfg.Proxy,
		Backoff:    client.DefaultBackoff(),
		Logger:     log,
	}), tokens, nil
}
