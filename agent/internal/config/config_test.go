package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func lookupFrom(env map[string]string) LookupFunc {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func required() map[string]string {
	return map[string]string{
		"CERTINEL_SERVER_URL":  "https://certinel.example.com/",
		"CERTINEL_AGENT_TOKEN": "agt_123",
		"CERTINEL_API_KEY":     "key_456",
	}
}

func with(kv ...string) map[string]string {
	env := required()
	for i := 0; i < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

func without(key string) map[string]string {
	env := required()
	delete(env, key)
	return env
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no server", without("CERTINEL_SERVER_URL"), "config: CERTINEL_SERVER_URL: required, e.g. https://certinel.example.com"},
		{"no token", without("CERTINEL_AGENT_TOKEN"), "config: CERTINEL_AGENT_TOKEN: required with CERTINEL_API_KEY (or leave both unset when the agent enrolled with a client certificate)"},
		{"no key", without("CERTINEL_API_KEY"), "config: CERTINEL_API_KEY: required with CERTINEL_AGENT_TOKEN (or leave both unset when the agent enrolled with a client certificate)"},
		{"ftp url", with("CERTINEL_SERVER_URL", "ftp://x"), `config: CERTINEL_SERVER_URL (from environment): want an http:// or https:// URL, got "ftp://x"`},
		{"bare host", with("CERTINEL_SERVER_URL", "certinel.example.com"), `config: CERTINEL_SERVER_URL (from environment): want an http:// or https:// URL, got "certinel.example.com"`},
		{"url query", with("CERTINEL_SERVER_URL", "https://x/?a=b"), `config: CERTINEL_SERVER_URL (from environment): want a URL without credentials, query or fragment, got "https://x/?a=b"`},
		{"token space", with("CERTINEL_AGENT_TOKEN", "abc def"), "config: CERTINEL_AGENT_TOKEN (from environment): contains whitespace or control characters"},
		{"key newline", with("CERTINEL_API_KEY", "abc\n"), "config: CERTINEL_API_KEY (from environment): contains whitespace or control characters"},
		{"concurrency word", with("CERTINEL_CONCURRENCY", "many"), `config: CERTINEL_CONCURRENCY (from environment): want an integer from 1 to 10000, got "many"`},
		{"concurrency zero", with("CERTINEL_CONCURRENCY", "0"), `config: CERTINEL_CONCURRENCY (from environment): want an integer from 1 to 10000, got "0"`},
		{"timeout no unit", with("CERTINEL_TIMEOUT", "10"), `config: CERTINEL_TIMEOUT (from environment): want a duration such as 10s, above 0 and at most 10m0s, got "10"`},
		{"timeout negative", with("CERTINEL_TIMEOUT", "-1s"), `config: CERTINEL_TIMEOUT (from environment): want a duration such as 10s, above 0 and at most 10m0s, got "-1s"`},
		{"ca missing", with("CERTINEL_CA_FILE", "/nonexistent/ca.pem"), "config: CERTINEL_CA_FILE (from environment): open /nonexistent/ca.pem: no such file or directory"},
		{"spool size", with("CERTINEL_SPOOL_MAX_BYTES", "lots"), `config: CERTINEL_SPOOL_MAX_BYTES (from environment): want a size of at least 64KiB such as 64MiB or 1000000, got "lots"`},
		{"spool tiny", with("CERTINEL_SPOOL_MAX_BYTES", "1KB"), `config: CERTINEL_SPOOL_MAX_BYTES (from environment): want a size of at least 64KiB such as 64MiB or 1000000, got "1KB"`},
		{"log level", with("CERTINEL_LOG_LEVEL", "verbose"), `config: CERTINEL_LOG_LEVEL (from environment): want debug, info, warn or error, got "verbose"`},
		{"log format", with("CERTINEL_LOG_FORMAT", "xml"), `config: CERTINEL_LOG_FORMAT (from environment): want text or json, got "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(lookupFrom(tt.env), "environment.txt", nil)
			if err == nil {
				t.Fatalf("Load succeeded, want error %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func TestLoadBadCAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(lookupFrom(with("CERTINEL_CA_FILE", path)), "environment.txt", nil)
	want := "config: CERTINEL_CA_FILE (from environment): no PEM certificate found in " + path
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(lookupFrom(required()), "environment.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.ServerURL.String(); got != "https://certinel.example.com" {
		t.Errorf("server URL = %q, trailing slash should be trimmed", got)
	}
	if c.Concurrency != 50 || c.Timeout != 10*time.Second || c.SpoolMaxBytes != 64<<20 {
		t.Errorf("defaults = %d %s %d", c.Concurrency, c.Timeout, c.SpoolMaxBytes)
	}
	if c.LogLevel != slog.LevelInfo || c.LogFormat != "text" || c.SpoolDir == "" || c.RootCAs != nil {
		t.Errorf("defaults = %v %q %q %v", c.LogLevel, c.LogFormat, c.SpoolDir, c.RootCAs)
	}
}

func TestLoadValues(t *testing.T) {
	env := with(
		"CERTINEL_CONCURRENCY", "200",
		"CERTINEL_TIMEOUT", "1500ms",
		"CERTINEL_SPOOL_DIR", "/var/spool/x",
		"CERTINEL_SPOOL_MAX_BYTES", "10MiB",
		"CERTINEL_LOG_LEVEL", "DEBUG",
		"CERTINEL_LOG_FORMAT", "json",
	)
	c, err := Load(lookupFrom(env), "environment.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Concurrency != 200 || c.Timeout != 1500*time.Millisecond || c.SpoolDir != "/var/spool/x" ||
		c.SpoolMaxBytes != 10<<20 || c.LogLevel != slog.LevelDebug || c.LogFormat != "json" {
		t.Errorf("got %+v", c)
	}
}

func TestNoTokensForAnEnrolledAgent(t *testing.T) {
	env := required()
	delete(env, "CERTINEL_AGENT_TOKEN")
	delete(env, "CERTINEL_API_KEY")
	c, err := Load(lookupFrom(env), "environment.txt", nil)
	if err != nil || c.AgentToken != "" || c.APIKey != "" {
		t.Errorf("neither token: %v, %q %q", err, c.AgentToken, c.APIKey)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	file := map[string]string{
		"CERTINEL_SERVER_URL":  "https://from-file.example",
		"CERTINEL_AGENT_TOKEN": "file-token",
		"CERTINEL_API_KEY":     "file-key",
		"CERTINEL_CONCURRENCY": "7",
	}
	env := map[string]string{"CERTINEL_CONCURRENCY": "9", "CERTINEL_API_KEY": ""}
	c, err := Load(lookupFrom(env), "environment.txt", file)
	if err != nil {
		t.Fatal(err)
	}
	if c.Concurrency != 9 {
		t.Errorf("concurrency = %d, want the environment's 9", c.Concurrency)
	}
	if c.APIKey != "file-key" || c.ServerURL.Host != "from-file.example" {
		t.Errorf("file values lost: %q %q (an empty environment value must not hide the file)", c.APIKey, c.ServerURL)
	}
	file["CERTINEL_TIMEOUT"] = "soon"
	_, err = Load(lookupFrom(env), "environment.txt", file)
	want := `config: CERTINEL_TIMEOUT (from environment.txt): want a duration such as 10s, above 0 and at most 10m0s, got "soon"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestProxyFromFile(t *testing.T) {
	file := map[string]string{"HTTPS_PROXY": "http://proxy.internal:3128", "NO_PROXY": "skip.example.com"}
	c, err := Load(lookupFrom(required()), "environment.txt", file)
	if err != nil {
		t.Fatal(err)
	}
	for target, want := range map[string]string{
		"https://certinel.example.com": "http://proxy.internal:3128",
		"https://skip.example.com":     "",
	} {
		u, _ := c.ServerURL.Parse(target)
		got, err := c.Proxy(u)
		if err != nil {
			t.Fatal(err)
		}
		if (got == nil && want != "") || (got != nil && got.String() != want) {
			t.Errorf("proxy for %s = %v, want %q", target, got, want)
		}
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c, err := Load(lookupFrom(required()), "environment.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("start", "config", c)
	if strings.Contains(b.String(), "agt_123") || strings.Contains(b.String(), "key_456") {
		t.Errorf("log line leaks a secret: %s", b.String())
	}
}
