// Command certinel-server runs the hosted API, the dashboard and the
// periodic jobs.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	// Maintenance windows name IANA time zones; the zone database goes in
	// the binary, so that they work on an image without one.
	_ "time/tzdata"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/ari"
	"certinel.dev/server/internal/config"
	"certinel.dev/server/internal/control"
	"certinel.dev/server/internal/downloads"
	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/jobs"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify/outbox"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/webui"
)

// version is set at build time with -ldflags "-X main.version=...", from
// git describe like the agent builds it serves.
var version = "dev"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "certinel-server:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := openStore(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	if off, err := st.AutovacuumOff(ctx); err != nil {
		return err
	} else if off {
		log.Warn("PostgreSQL runs without autovacuum: as tables grow their statistics go stale and queries slow down; turn autovacuum on or run ANALYZE regularly")
	}
	if st, err = withSecretKeys(ctx, cfg, st, log); err != nil {
		return err
	}

	ca, err := loadAgentCA(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		return fmt.Errorf("system roots: %w", err)
	}
	replica := replicaID()
	guard := netguard.New(cfg.AllowPrivateTargets)
	channels, mailer, err := channelTypes(cfg, st, guard, log)
	if err != nil {
		return err
	}
	worker := &outbox.Worker{
		Store: st, Providers: channels, Log: log, Holder: replica, Batch: 100, Lease: 2 * time.Minute,
		MaxAttempts: 10, Concurrency: 16, SendTimeout: 45 * time.Second, RetryBase: 30 * time.Second, RetryMax: time.Hour,
		Poll: 5 * time.Second,
	}
	evaluator := alerts.NewEvaluator(st, strings.TrimSuffix(cfg.BaseURL.String(), "/"), log, worker.Wake)
	evaluator.CRLExpiringMargin = cfg.CRLExpiryMargin
	evaluator.Channels = channels
	ingester := monitor.NewIngester(st, roots, log)
	ingester.Stored = evaluator.Trigger
	checker := &monitor.Checker{
		Store: st, Ingester: ingester, Log: log, Dial: guard.DialContext,
		Interval: store.DefaultAgentInterval, Concurrency: 50, Timeout: 10 * time.Second, Batch: 2000,
	}
	hub := control.NewHub(cfg.AgentChannels)
	rejudger := monitor.NewRejudger(st, ingester, log)
	ingester.RevocationChanged = rejudger.Request
	renewals := &ari.Refresher{
		Store: st, Client: ari.NewClient(guard.HTTPClient(15*time.Second), nil), Log: log,
		BaseURL: strings.TrimSuffix(cfg.BaseURL.String(), "/"), Recorded: worker.Wake,
		WindowChanged: rejudger.Request, Batch: 200, MaxBatches: 10, Concurrency: 8,
	}
	revocationChecker := revocation.NewChecker(guard.HTTPClient(revocation.FetchTimeout), st.Now, 0)
	revocationChecker.ExpiringMargin = cfg.CRLExpiryMargin
	revocations := &revocation.Refresher{
		Store: st, Checker: revocationChecker, Log: log,
		Roots: roots, OrgRoots: ingester.OrgRoots, Changed: rejudger.Request, Batch: 200, MaxBatches: 10, Concurrency: 8,
	}
	ingester.CRLFile = func(ctx context.Context, orgID string, der []byte) error {
		_, err := revocations.UploadCRL(ctx, orgID, der)
		return err
	}
	e := httpapi.New(httpapi.Deps{
		Store:            st,
		Ingester:         ingester,
		Channels:         channels,
		Mailer:           mailer,
		BaseURL:          strings.TrimSuffix(cfg.BaseURL.String(), "/"),
		Log:              log,
		SecureCookies:    cfg.SecureCookies(),
		TrustedProxies:   cfg.TrustedProxies,
		UI:               webui.Handler(),
		Hub:              hub,
		MaxPollWait:      maxPollWait,
		Checker:          checker,
		Rejudger:         rejudger,
		Revocations:      revocations,
		AgentDownloads:   downloads.Dir{Path: agentDownloadsDir(cfg, log)},
		Version:          version,
		PublicURL:        publicURL(cfg),
		AgentCA:          ca,
		ClientCertHeader: cfg.ClientCertHeader,
	})
	srv := &http.Server{
		Addr:              cfg.ListenAddr,
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	if srv.TLSConfig, err = serverTLS(cfg); err != nil {
		return err
	}
	// Held polls answer at once on shutdown instead of holding it up.
	srv.RegisterOnShutdown(hub.Close)
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	// Background work runs on until the HTTP server has drained (requests
	// wake the evaluator), so its context is not the signal's.
	sched, err := jobs.Start(context.Background(), st, log, replica, []jobs.Job{
		{Name: "server-checks", Every: 5 * time.Minute, Run: checker.Run},
		{Name: "alert-evaluation", Every: time.Minute, Run: evaluator.Run},
		{Name: "renewal-info", Every: 10 * time.Minute, Run: renewals.Run},
		{Name: "revocation-status", Every: cfg.RevocationInterval, Run: revocations.Run},
		{Name: "retention", Every: time.Hour, Run: jobs.Retention(st, retention(cfg.Retention), log)},
	}, evaluator.Loop, worker.Loop, rejudger.Loop, listener(cfg, hub, log))
	if err != nil {
		_ = ln.Close()
		return err
	}
	log.Info("certinel-server listening", "addr", ln.Addr().String(), "url", cfg.BaseURL.String(), "database", string(st.Dialect()))

	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	var serveErr error
	select {
	case err := <-errc:
		serveErr = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		log.Info("shutting down")
	}
	return errors.Join(serveErr, shutdown(srv, sched))
}

// retention adds to the configured windows the one for result batch
// markers: they must outlive every result an agent may still send, or a
// replayed batch would be stored twice.
func retention(r config.Retention) store.Retention {
	return store.Retention{Samples: r.Samples, Audit: r.Audit, Deliveries: r.Deliveries,
		ResultBatches: monitor.MaxResultAge + 24*time.Hour}
}

// maxPollWait caps how long an agent's poll is held: under the server's
// write timeout and the agent's wait for an answer.
const maxPollWait = 50 * time.Second

// listener is the loop that hears of commands stored on other replicas;
// SQLite is a single node, where commands wake polls in process.
func listener(cfg config.Config, hub *control.Hub, log *slog.Logger) func(context.Context) {
	return func(ctx context.Context) {
		if cfg.DatabaseURL != "" {
			control.Listen(ctx, cfg.DatabaseURL, hub, log)
		}
	}
}

// shutdownTimeout bounds each step of shutdown.
const shutdownTimeout = 20 * time.Second

// shutdown stops everything that uses the store, in order, before run's
// deferred st.Close: first the HTTP server drains its requests (they use
// the store and wake the loops), then the jobs and loops are stopped and
// waited for.
func shutdown(srv *http.Server, sched *jobs.Scheduler) error {
	httpCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(httpCtx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown http: %w", err))
	}
	jobsCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := sched.Stop(jobsCtx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown: %w", err))
	}
	return errors.Join(errs...)
}

// replicaID names this process in job leases.
func replicaID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), store.NewID()[28:])
}

func openStore(cfg config.Config) (*store.Store, error) {
	if cfg.DatabaseURL != "" {
		return store.OpenPostgres(cfg.DatabaseURL, store.Options{})
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", cfg.DataDir, err)
	}
	return store.OpenSQLite(cfg.SQLitePath(), store.Options{})
}

func newLogger(cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
