package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/config"
	"certinel.dev/agent/internal/discovery"
	"certinel.dev/agent/internal/filesource"
	"certinel.dev/agent/internal/identity"
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

	r, certs, err := newRunner(cfg, log)
	if err != nil {
		log.Error("cannot start", "error", err)
		return exitFailed
	}
	log.Info("agent starting", "version", version, "command", cmd, "config", cfg)
	if cmd == "once" {
		certs.renewIfDue(ctx)
		if _, err := r.RunOnce(ctx); err != nil {
			return exitFailed
		}
		return exitOK
	}
	go certs.keepRenewed(ctx)
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
	return loadConfigWith(envFile, os.LookupEnv)
}

// loadConfigWith loads the env file and the variables lookup answers.
func loadConfigWith(envFile string, lookup config.LookupFunc) (config.Config, error) {
	path, optional := envFile, false
	if path == "" {
		path, optional = defaultEnvFile, true
	}
	file, err := config.ReadEnvFile(path, optional)
	if err != nil {
		return config.Config{}, err
	}
	return config.Load(lookup, path, file)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newRunner(cfg config.Config, log *slog.Logger) (*runner.Runner, *certRenewal, error) {
	sp, err := spool.Open(cfg.SpoolDir, cfg.SpoolMaxBytes, log)
	if err != nil {
		return nil, nil, err
	}
	c, tokens, certs, err := newClient(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	return runner.New(runner.Options{
		Client: c,
		Spool:  sp,
		// Names are resolved here, in the agent's own network, and every
		// address behind a name is probed (see probe.MaxBackends).
		Fetch: probe.FetchOptions{Concurrency: cfg.Concurrency, Timeout: cfg.Timeout, Resolve: resolveBackends},
		Discovery: discovery.Options{Concurrency: cfg.DiscoveryConcurrency,
			ConnectTimeout: cfg.DiscoveryConnectTimeout, Timeout: cfg.Timeout},
		Files:   filesource.Options{Host: cfg.FileHost, Sources: cfg.FileSources, Logger: log},
		Version: version,
		Logger:  log,
		// Beside the spooled batches; the spool ignores files not its own.
		LastTargets: filepath.Join(cfg.SpoolDir, "last-targets.json"),
		SweepLog:    filepath.Join(cfg.SpoolDir, "discovery-sweeps.json"),
		RotateToken: func(ctx context.Context) error {
			_, err := tokenstate.Rotate(ctx, c, tokens)
			return err
		},
	}), certs, nil
}

// newClient builds the client with the agent's credentials: its client
// certificate when it enrolled (with the server pin given then), and the
// agent token in use: the one it rotated to, kept in the spool directory,
// or the configured one.
func newClient(cfg config.Config, log *slog.Logger) (*client.Client, tokenstate.State, *certRenewal, error) {
	tokens := tokenstate.State{Dir: cfg.SpoolDir, Configured: cfg.AgentToken}
	token, err := tokens.Current()
	if err != nil {
		return nil, tokens, nil, err
	}
	if token != cfg.AgentToken {
		log.Info("using the rotated agent token kept in the spool directory", "file", filepath.Join(cfg.SpoolDir, tokenstate.FileName))
	}
	opts := clientOptions(cfg, log)
	opts.AgentToken = token
	dir := identity.Dir(cfg.SpoolDir)
	id, err := dir.Load()
	switch {
	case errors.Is(err, identity.ErrNotEnrolled):
		if cfg.APIKey == "" {
			return nil, tokens, nil, errors.New("no credentials: set CERTINEL_AGENT_TOKEN and CERTINEL_API_KEY, " +
				"or enroll the agent first: certinel-agent enroll --server URL --join-token TOKEN")
		}
	case err != nil:
		return nil, tokens, nil, err
	case id.Expired(time.Now()):
		return nil, tokens, nil, fmt.Errorf("the agent's client certificate expired on %s (%s): "+
			"enroll again with a new join token: certinel-agent enroll --server URL --join-token TOKEN",
			id.Leaf.NotAfter.Format(time.RFC3339), filepath.Join(cfg.SpoolDir, identity.FileName))
	default:
		opts.Certificate = &id.Cert
	}
	if opts.ServerPin, err = serverPin(dir); err != nil {
		return nil, tokens, nil, err
	}
	c := client.New(opts)
	var certs *certRenewal
	if opts.Certificate != nil {
		certs = &certRenewal{client: c, dir: dir, current: id, log: log}
	}
	return c, tokens, certs, nil
}

// clientOptions are the client settings of every command.
func clientOptions(cfg config.Config, log *slog.Logger) client.Options {
	return client.Options{
		BaseURL: cfg.ServerURL,
		APIKey:  cfg.APIKey,
		Version: version,
		RootCAs: cfg.RootCAs,
		Proxy:   cfg.Proxy,
		Backoff: client.DefaultBackoff(),
		Logger:  log,
	}
}

// serverPin is the check of the pin given at enrollment, nil without one.
func serverPin(dir identity.Dir) (func(tls.ConnectionState) error, error) {
	pin, err := dir.LoadPin()
	if err != nil || pin == nil {
		return nil, err
	}
	return identity.VerifyPin(pin), nil
}

// resolveBackends lists the IPv4 and IPv6 addresses of a target's name with
// the system's resolver.
func resolveBackends(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}
