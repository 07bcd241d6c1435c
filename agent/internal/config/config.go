// Package config builds the agent's settings from the environment and an
// optional env file. Loading is strict: the first missing or malformed value
// stops start-up with one line that names the variable and where it came from.
package config

import (
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"certinel.dev/agent/internal/filesource"
)

// Defaults for the optional variables.
const (
	DefaultConcurrency   = 50
	DefaultTimeout       = 10 * time.Second
	DefaultSpoolMaxBytes = 64 << 20
	// Discovery sweeps mostly meet closed ports: many in flight, each
	// given a short connect timeout, keeps a sweep fast and cheap.
	DefaultDiscoveryConcurrency    = 100
	DefaultDiscoveryConnectTimeout = time.Second
	maxConnectTimeout              = time.Minute
	maxConcurrency                 = 10000
	maxTimeout                     = 10 * time.Minute
	minSpoolMaxBytes               = 64 << 10
)

// Config is everything the agent needs to run; main builds it once and passes
// the parts down.
type Config struct {
	ServerURL   *url.URL
	AgentToken  string
	APIKey      string
	Concurrency int
	Timeout     time.Duration
	// DiscoveryConcurrency bounds a sweep's probes in flight;
	// DiscoveryConnectTimeout bounds each TCP connect of a sweep.
	DiscoveryConcurrency    int
	DiscoveryConnectTimeout time.Duration
	CAFile                  string
	RootCAs                 *x509.CertPool // nil: the system roots
	SpoolDir                string
	SpoolMaxBytes           int64
	LogLevel                slog.Level
	LogFormat               string // "text" or "json"
	Proxy                   func(*url.URL) (*url.URL, error)
	// FileSources are the certificate files read each cycle (see
	// files.go); FileHost names this host in their results.
	FileSources []filesource.Source
	FileHost    string
}

// LookupFunc reads one variable of the process environment (os.LookupEnv).
type LookupFunc func(key string) (string, bool)

// Load reads the variables. The real environment wins over the env file, as
// with `docker run --env-file f -e KEY=value`, so an operator can override one
// value for one start without editing the file.
func Load(lookup LookupFunc, fileName string, file map[string]string) (Config, error) {
	src := source{lookup: lookup, fileName: fileName, file: file}
	c := Config{
		Concurrency:   DefaultConcurrency,
		Timeout:       DefaultTimeout,
		SpoolMaxBytes: DefaultSpoolMaxBytes,

		DiscoveryConcurrency:    DefaultDiscoveryConcurrency,
		DiscoveryConnectTimeout: DefaultDiscoveryConnectTimeout,
		LogLevel:                slog.LevelInfo,
		LogFormat:               "text",
	}
	steps := []func(*Config, source) error{
		loadServerURL, loadSecrets, loadConcurrency, loadTimeout,
		loadDiscovery, loadCAFile, loadSpool, loadLogging, loadFiles,
	}
	for _, step := range steps {
		if err := step(&c, src); err != nil {
			return Config{}, err
		}
	}
	c.Proxy = proxyFunc(src)
	return c, nil
}

// LogValue lists the settings for the start-up log line. The tokens and
// keystore passwords are left out on purpose: logs end up in places secrets
// must not.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("server_url", c.ServerURL.String()),
		slog.Int("concurrency", c.Concurrency),
		slog.Duration("timeout", c.Timeout),
		slog.Int("discovery_concurrency", c.DiscoveryConcurrency),
		slog.Duration("discovery_connect_timeout", c.DiscoveryConnectTimeout),
		slog.String("ca_file", c.CAFile),
		slog.String("spool_dir", c.SpoolDir),
		slog.Int64("spool_max_bytes", c.SpoolMaxBytes),
		slog.Any("file_sources", filePatterns(c.FileSources)),
		slog.String("file_host", c.FileHost),
	)
}

// source answers a variable from the environment first, then the env file,
// and remembers where the answer came from for error messages.
type source struct {
	lookup   LookupFunc
	fileName string
	file     map[string]string
}

func (s source) get(key string) (value, origin string) {
	if v, ok := s.lookup(key); ok && v != "" {
		return v, "environment"
	}
	if v, ok := s.file[key]; ok && v != "" {
		return v, s.fileName
	}
	return "", ""
}

func fail(key, origin, format string, args ...any) error {
	where := ""
	if origin != "" {
		where = " (from " + origin + ")"
	}
	return fmt.Errorf("config: %s%s: %s", key, where, fmt.Sprintf(format, args...))
}

func loadServerURL(c *Config, src source) error {
	const key = "CERTINEL_SERVER_URL"
	raw, origin := src.get(key)
	if raw == "" {
		return fail(key, "", "required, e.g. https://certinel.example.com")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fail(key, origin, "want an http:// or https:// URL, got %q", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fail(key, origin, "want a URL without credentials, query or fragment, got %q", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	c.ServerURL = u
	return nil
}

// loadSecrets reads the two tokens: both, or neither for an agent that
// authenticates by its client certificate (certinel-agent enroll), which
// main checks once it has looked at the state directory.
func loadSecrets(c *Config, src source) error {
	token, _ := src.get("CERTINEL_AGENT_TOKEN")
	key, _ := src.get("CERTINEL_API_KEY")
	if token == "" && key == "" {
		return nil
	}
	for _, s := range []struct {
		key  string
		dest *string
	}{{"CERTINEL_AGENT_TOKEN", &c.AgentToken}, {"CERTINEL_API_KEY", &c.APIKey}} {
		v, origin := src.get(s.key)
		if v == "" {
			return fail(s.key, "", "required with %s (or leave both unset when the agent enrolled with a client certificate)", other(s.key))
		}
		// A stray space or newline would make an invalid HTTP header; say so
		// here instead of as a confusing transport error later. The value
		// itself is never echoed.
		if strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
			return fail(s.key, origin, "contains whitespace or control characters")
		}
		*s.dest = v
	}
	return nil
}

func other(key string) string {
	if key == "CERTINEL_API_KEY" {
		return "CERTINEL_AGENT_TOKEN"
	}
	return "CERTINEL_API_KEY"
}

func loadConcurrency(c *Config, src source) error {
	const key = "CERTINEL_CONCURRENCY"
	raw, origin := src.get(key)
	if raw == "" {
		return nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxConcurrency {
		return fail(key, origin, "want an integer from 1 to %d, got %q", maxConcurrency, raw)
	}
	c.Concurrency = n
	return nil
}

func loadTimeout(c *Config, src source) error {
	const key = "CERTINEL_TIMEOUT"
	raw, origin := src.get(key)
	if raw == "" {
		return nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 || d > maxTimeout {
		return fail(key, origin, "want a duration such as 10s, above 0 and at most %s, got %q", maxTimeout, raw)
	}
	c.Timeout = d
	return nil
}

func loadDiscovery(c *Config, src source) error {
	const conc, connect = "CERTINEL_DISCOVERY_CONCURRENCY", "CERTINEL_DISCOVERY_CONNECT_TIMEOUT"
	if raw, origin := src.get(conc); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxConcurrency {
			return fail(conc, origin, "want an integer from 1 to %d, got %q", maxConcurrency, raw)
		}
		c.DiscoveryConcurrency = n
	}
	if raw, origin := src.get(connect); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 || d > maxConnectTimeout {
			return fail(connect, origin, "want a duration such as 1s or 500ms, above 0 and at most %s, got %q", maxConnectTimeout, raw)
		}
		c.DiscoveryConnectTimeout = d
	}
	return nil
}

func loadCAFile(c *Config, src source) error {
	const key = "CERTINEL_CA_FILE"
	path, origin := src.get(key)
	if path == "" {
		return nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return fail(key, origin, "%v", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		// Without system roots (rare), the extra file alone must do.
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return fail(key, origin, "no PEM certificate found in %s", path)
	}
	c.CAFile, c.RootCAs = path, pool
	return nil
}

func loadSpool(c *Config, src source) error {
	dir, _ := src.get("CERTINEL_SPOOL_DIR")
	if dir == "" {
		dir = defaultSpoolDir()
	}
	c.SpoolDir = dir

	const key = "CERTINEL_SPOOL_MAX_BYTES"
	raw, origin := src.get(key)
	if raw == "" {
		return nil
	}
	n, err := parseSize(raw)
	if err != nil || n < minSpoolMaxBytes {
		return fail(key, origin, "want a size of at least 64KiB such as 64MiB or 1000000, got %q", raw)
	}
	c.SpoolMaxBytes = n
	return nil
}

// defaultSpoolDir keeps unsent results in the user's cache directory
// (~/.cache on Linux, ~/Library/Caches on macOS, %LocalAppData% on Windows),
// or ./spool when the process has no home, as in a bare container.
func defaultSpoolDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "certinel-agent", "spool")
	}
	return "spool"
}

func loadLogging(c *Config, src source) error {
	if raw, origin := src.get("CERTINEL_LOG_LEVEL"); raw != "" {
		levels := map[string]slog.Level{
			"debug": slog.LevelDebug, "info": slog.LevelInfo,
			"warn": slog.LevelWarn, "error": slog.LevelError,
		}
		level, ok := levels[strings.ToLower(raw)]
		if !ok {
			return fail("CERTINEL_LOG_LEVEL", origin, "want debug, info, warn or error, got %q", raw)
		}
		c.LogLevel = level
	}
	if raw, origin := src.get("CERTINEL_LOG_FORMAT"); raw != "" {
		format := strings.ToLower(raw)
		if format != "text" && format != "json" {
			return fail("CERTINEL_LOG_FORMAT", origin, "want text or json, got %q", raw)
		}
		c.LogFormat = format
	}
	return nil
}

// proxyFunc honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case) from the
// environment or the env file, with the rules of http.ProxyFromEnvironment.
func proxyFunc(src source) func(*url.URL) (*url.URL, error) {
	either := func(upper string) string {
		if v, _ := src.get(upper); v != "" {
			return v
		}
		v, _ := src.get(strings.ToLower(upper))
		return v
	}
	cfg := httpproxy.Config{
		HTTPProxy:  either("HTTP_PROXY"),
		HTTPSProxy: either("HTTPS_PROXY"),
		NoProxy:    either("NO_PROXY"),
	}
	return cfg.ProxyFunc()
}
