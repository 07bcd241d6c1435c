// Package config reads the server's settings from the environment. The
// result is passed down from main; nothing else reads the environment.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"certinel.dev/server/internal/secret"
)

// Config is every setting of certinel-server. environment.example documents
// each variable.
type Config struct {
	ListenAddr string
	BaseURL    *url.URL
	// BaseURLSet: CERTINEL_BASE_URL was given, rather than derived from the
	// listen address; only then is it worth handing to agents.
	BaseURLSet          bool
	DataDir             string
	DatabaseURL         string
	LogLevel            slog.Level
	LogFormat           string
	AllowPrivateTargets bool
	// TrustedProxies are the load balancers and reverse proxies whose
	// X-Forwarded-For names the client; empty means clients connect directly.
	TrustedProxies []*net.IPNet
	SMTP           SMTP
	// SecretKeys seal the credentials kept in the database, from
	// CERTINEL_SECRET_KEY or CERTINEL_SECRET_KEY_FILE; nil when neither is
	// set, and main falls back to KeyFile (see its secretkeys.go).
	SecretKeys *secret.Keyring
	Retention  Retention
	// AgentChannels bounds the agents' control channels one replica holds
	// open (CERTINEL_AGENT_CHANNELS); beyond, agents are told to come back
	// later and run on their schedule meanwhile.
	AgentChannels int
	// AgentDownloadsDir holds the agent builds the server offers
	// (CERTINEL_AGENT_DOWNLOADS_DIR); empty means agents/ next to the
	// server's executable, resolved by main.
	AgentDownloadsDir string
	// TLSCertFile and TLSKeyFile make the server serve HTTPS itself
	// (CERTINEL_TLS_CERT_FILE, CERTINEL_TLS_KEY_FILE, both or neither),
	// asking clients for certificates so agents can authenticate by mutual
	// TLS.
	TLSCertFile string
	TLSKeyFile  string
	// AgentCertValidity is the lifetime of agents' client certificates
	// (CERTINEL_AGENT_CERT_VALIDITY).
	AgentCertValidity time.Duration
	// AgentCACertFile and AgentCAKeyFile import an issuing CA signed by the
	// customer's own root (CERTINEL_AGENT_CA_CERT_FILE,
	// CERTINEL_AGENT_CA_KEY_FILE, both or neither); see agentca.Import.
	AgentCACertFile string
	AgentCAKeyFile  string
	// ClientCertHeader is the header in which a TLS-terminating proxy of
	// TrustedProxies relays agents' client certificates
	// (CERTINEL_CLIENT_CERT_HEADER); empty when the server terminates TLS
	// itself or agents use tokens.
	ClientCertHeader string
	// RevocationInterval is how often the server looks for certificates
	// whose revocation status is due (CERTINEL_REVOCATION_INTERVAL): new
	// ones at once, the others when their answer's next update comes, so
	// a short interval finds new certificates sooner without asking CAs
	// more often.
	RevocationInterval time.Duration
	// CRLExpiryMargin is how long before its next update a CRL is
	// reported as expiring (CERTINEL_CRL_EXPIRY_MARGIN).
	CRLExpiryMargin time.Duration
}

// Retention is how long old records are kept before the retention job
// deletes them.
type Retention struct {
	// Samples are past check samples: observations no endpoint shows as
	// its current state any more.
	Samples    time.Duration
	Audit      time.Duration
	Deliveries time.Duration
}

// SMTP configures outgoing mail.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string
	From     string
}

// SQLitePath is where the embedded database lives when DATABASE_URL is unset.
func (c Config) SQLitePath() string {
	return filepath.Join(c.DataDir, "certinel.db")
}

// KeyFile is where the secret key is kept when none is configured: next to
// the data it protects, so only for a single node.
func (c Config) KeyFile() string {
	return filepath.Join(c.DataDir, "secret.key")
}

// SecureCookies tells whether session cookies must carry the Secure flag.
func (c Config) SecureCookies() bool {
	return c.BaseURL.Scheme == "https"
}

// Load builds a Config from getenv (os.Getenv in main, a map in tests).
// The first bad variable stops it with an error naming the variable.
func Load(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		ListenAddr:        get("CERTINEL_LISTEN_ADDR", ":8080"),
		DataDir:           get("CERTINEL_DATA_DIR", "./data"),
		DatabaseURL:       get("DATABASE_URL", ""),
		BaseURLSet:        get("CERTINEL_BASE_URL", "") != "",
		AgentDownloadsDir: get("CERTINEL_AGENT_DOWNLOADS_DIR", ""),
		TLSCertFile:       get("CERTINEL_TLS_CERT_FILE", ""),
		TLSKeyFile:        get("CERTINEL_TLS_KEY_FILE", ""),
		LogFormat:         get("CERTINEL_LOG_FORMAT", "text"),
		SMTP: SMTP{
			Host:     get("CERTINEL_SMTP_HOST", ""),
			Username: get("CERTINEL_SMTP_USERNAME", ""),
			Password: getenv("CERTINEL_SMTP_PASSWORD"),
			TLS:      get("CERTINEL_SMTP_TLS", "starttls"),
			From:     get("CERTINEL_SMTP_FROM", "certinel@localhost"),
		},
	}

	base, err := url.Parse(get("CERTINEL_BASE_URL", localURL(c.ListenAddr, c.TLSCertFile != "")))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return Config{}, fmt.Errorf("CERTINEL_BASE_URL: want an absolute http(s) URL, got %q", getenv("CERTINEL_BASE_URL"))
	}
	c.BaseURL = base

	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return Config{}, fmt.Errorf("DATABASE_URL: want a postgres:// URL (leave it unset for the embedded SQLite database)")
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("CERTINEL_LOG_LEVEL", "info"))); err != nil {
		return Config{}, fmt.Errorf("CERTINEL_LOG_LEVEL: want debug, info, warn or error, got %q", getenv("CERTINEL_LOG_LEVEL"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return Config{}, fmt.Errorf("CERTINEL_LOG_FORMAT: want text or json, got %q", c.LogFormat)
	}
	if c.AllowPrivateTargets, err = strconv.ParseBool(get("CERTINEL_ALLOW_PRIVATE_TARGETS", "false")); err != nil {
		return Config{}, fmt.Errorf("CERTINEL_ALLOW_PRIVATE_TARGETS: want true or false, got %q", getenv("CERTINEL_ALLOW_PRIVATE_TARGETS"))
	}
	if c.TrustedProxies, err = parseNetworks(get("CERTINEL_TRUSTED_PROXIES", "")); err != nil {
		return Config{}, fmt.Errorf("CERTINEL_TRUSTED_PROXIES: want comma-separated IP addresses or CIDR networks: %w", err)
	}
	port := get("CERTINEL_SMTP_PORT", "587")
	if c.SMTP.Port, err = strconv.Atoi(port); err != nil || c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
		return Config{}, fmt.Errorf("CERTINEL_SMTP_PORT: want a port 1-65535, got %q", port)
	}
	switch c.SMTP.TLS {
	case "none", "starttls", "tls":
	default:
		return Config{}, fmt.Errorf("CERTINEL_SMTP_TLS: want none, starttls or tls, got %q", c.SMTP.TLS)
	}
	if c.Retention, err = loadRetention(get); err != nil {
		return Config{}, err
	}
	channels := get("CERTINEL_AGENT_CHANNELS", "5000")
	if c.AgentChannels, err = strconv.Atoi(channels); err != nil || c.AgentChannels < 0 || c.AgentChannels > 1_000_000 {
		return Config{}, fmt.Errorf("CERTINEL_AGENT_CHANNELS: want a number of channels 0-1000000, got %q", channels)
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return Config{}, fmt.Errorf("CERTINEL_TLS_CERT_FILE: set it and CERTINEL_TLS_KEY_FILE, or neither")
	}
	c.ClientCertHeader = get("CERTINEL_CLIENT_CERT_HEADER", "")
	if c.ClientCertHeader != "" && len(c.TrustedProxies) == 0 {
		return Config{}, fmt.Errorf("CERTINEL_CLIENT_CERT_HEADER: set CERTINEL_TRUSTED_PROXIES to the proxies that send it; the header is believed from them only")
	}
	if c.ClientCertHeader != "" && !httpguts.ValidHeaderFieldName(c.ClientCertHeader) {
		return Config{}, fmt.Errorf("CERTINEL_CLIENT_CERT_HEADER: want a header name such as X-SSL-Client-Cert, got %q", c.ClientCertHeader)
	}
	validity := get("CERTINEL_AGENT_CERT_VALIDITY", "168h")
	if c.AgentCertValidity, err = time.ParseDuration(validity); err != nil || c.AgentCertValidity < minAgentCertValidity || c.AgentCertValidity > maxAgentCertValidity {
		return Config{}, fmt.Errorf("CERTINEL_AGENT_CERT_VALIDITY: want a duration from 2m to 2160h (90 days), got %q", validity)
	}
	interval := get("CERTINEL_REVOCATION_INTERVAL", "10m")
	if c.RevocationInterval, err = time.ParseDuration(interval); err != nil || c.RevocationInterval < minRevocationInterval || c.RevocationInterval > maxRevocationInterval {
		return Config{}, fmt.Errorf("CERTINEL_REVOCATION_INTERVAL: want a duration from 10s to 24h, got %q", interval)
	}
	margin := get("CERTINEL_CRL_EXPIRY_MARGIN", "24h")
	if c.CRLExpiryMargin, err = time.ParseDuration(margin); err != nil || c.CRLExpiryMargin < minCRLExpiryMargin || c.CRLExpiryMargin > maxCRLExpiryMargin {
		return Config{}, fmt.Errorf("CERTINEL_CRL_EXPIRY_MARGIN: want a duration from 1h to 720h (30 days), got %q", margin)
	}
	c.AgentCACertFile, c.AgentCAKeyFile = get("CERTINEL_AGENT_CA_CERT_FILE", ""), get("CERTINEL_AGENT_CA_KEY_FILE", "")
	if (c.AgentCACertFile == "") != (c.AgentCAKeyFile == "") {
		return Config{}, fmt.Errorf("CERTINEL_AGENT_CA_CERT_FILE: set it and CERTINEL_AGENT_CA_KEY_FILE, or neither")
	}
	if c.SecretKeys, err = loadKeys(getenv("CERTINEL_SECRET_KEY"), get("CERTINEL_SECRET_KEY_FILE", "")); err != nil {
		return Config{}, err
	}
	return c, nil
}

// loadRetention reads the retention windows, in whole days.
func loadRetention(get func(key, def string) string) (Retention, error) {
	var r Retention
	for _, v := range []struct {
		key, def string
		to       *time.Duration
	}{
		{"CERTINEL_RETENTION_DAYS", "30", &r.Samples},
		{"CERTINEL_AUDIT_RETENTION_DAYS", "365", &r.Audit},
		{"CERTINEL_DELIVERY_RETENTION_DAYS", "90", &r.Deliveries},
	} {
		raw := get(v.key, v.def)
		days, err := strconv.Atoi(raw)
		if err != nil || days < 1 || days > maxRetentionDays {
			return Retention{}, fmt.Errorf("%s: want a number of days 1-%d, got %q", v.key, maxRetentionDays, raw)
		}
		*v.to = time.Duration(days) * 24 * time.Hour
	}
	return r, nil
}

// minAgentCertValidity allows minutes-long agent certificates, for tests of
// renewal; ShortAgentCertValidity is where main warns that agents away
// for a third of it must enroll again.
const (
	minAgentCertValidity   = 2 * time.Minute
	ShortAgentCertValidity = time.Hour
)

// The revocation job's interval is bounded below so that its ticks (each
// a query for due certificates, under a distributed lock held for half the
// interval) never crowd each other, and above so that a new certificate is
// checked within a day.
const (
	minRevocationInterval = 10 * time.Second
	maxRevocationInterval = 24 * time.Hour
	minCRLExpiryMargin    = time.Hour
	maxCRLExpiryMargin    = 30 * 24 * time.Hour
)

// maxAgentCertValidity caps agent certificates at 90 days: they renew on
// their own, and a long life only lengthens a stolen key's.
const maxAgentCertValidity = 90 * 24 * time.Hour

// maxRetentionDays (a century) keeps the windows far from overflowing a
// time.Duration.
const maxRetentionDays = 36500

// loadKeys reads the keyring from the variable or the file it names, and is
// nil when neither is set. Errors never quote the variable: it is a key.
func loadKeys(keys, file string) (*secret.Keyring, error) {
	switch {
	case keys != "" && file != "":
		return nil, fmt.Errorf("CERTINEL_SECRET_KEY: set it or CERTINEL_SECRET_KEY_FILE, not both")
	case keys != "":
		k, err := secret.ParseKeys(keys)
		if err != nil {
			return nil, fmt.Errorf("CERTINEL_SECRET_KEY: %w", err)
		}
		return k, nil
	case file != "":
		k, err := secret.ReadKeyFile(file)
		if err != nil {
			return nil, fmt.Errorf("CERTINEL_SECRET_KEY_FILE: %w", err)
		}
		return k, nil
	}
	return nil, nil
}

// localURL is the default public URL: this machine on the listening port, so
// the URL printed at start-up and put in links works out of the box.
func localURL(listen string, https bool) string {
	scheme := "http://"
	if https {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return scheme + "localhost:8080"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, port)
}

// parseNetworks reads a comma-separated list of CIDR networks; a bare
// address stands for itself alone.
func parseNetworks(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if ip := net.ParseIP(item); ip != nil {
			bits := 8 * len(ip.To16())
			if ip4 := ip.To4(); ip4 != nil {
				ip, bits = ip4, 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither", item)
		}
		out = append(out, n)
	}
	return out, nil
}
