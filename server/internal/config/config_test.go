package config

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/secret"
)

func TestLoad(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := Load(env())
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.DataDir != "./data" || c.DatabaseURL != "" || c.SMTP.Port != 587 || c.SMTP.TLS != "starttls" ||
		c.AllowPrivateTargets || c.SecureCookies() || c.SQLitePath() != "data/certinel.db" ||
		c.Retention != (Retention{Samples: 30 * 24 * time.Hour, Audit: 365 * 24 * time.Hour, Deliveries: 90 * 24 * time.Hour}) {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = Load(env("CERTINEL_BASE_URL", "https://certinel.example.com", "CERTINEL_ALLOW_PRIVATE_TARGETS", "true",
		"DATABASE_URL", "postgres://u@db/x", "CERTINEL_LOG_FORMAT", "json", "CERTINEL_LOG_LEVEL", "debug"))
	if err != nil || !c.SecureCookies() || !c.AllowPrivateTargets || c.DatabaseURL == "" || c.LogFormat != "json" {
		t.Fatalf("set: %+v %v", c, err)
	}
	c, err = Load(env("CERTINEL_RETENTION_DAYS", "7", "CERTINEL_AUDIT_RETENTION_DAYS", "730"))
	if err != nil || c.Retention.Samples != 7*24*time.Hour || c.Retention.Audit != 730*24*time.Hour {
		t.Fatalf("retention: %+v %v", c.Retention, err)
	}
	c, err = Load(env("CERTINEL_TRUSTED_PROXIES", " 10.1.0.0/16, 192.0.2.7,2001:db8::1 ,"))
	var proxies []string
	for _, n := range c.TrustedProxies {
		proxies = append(proxies, n.String())
	}
	if err != nil || strings.Join(proxies, " ") != "10.1.0.0/16 192.0.2.7/32 2001:db8::1/128" {
		t.Fatalf("trusted proxies: %v %v", proxies, err)
	}
	for listen, want := range map[string]string{
		":9000": "http://localhost:9000", "127.0.0.1:18080": "http://127.0.0.1:18080",
		"[::]:8443": "http://localhost:8443", "[::1]:80": "http://[::1]:80",
	} {
		if c, err := Load(env("CERTINEL_LISTEN_ADDR", listen)); err != nil || c.BaseURL.String() != want {
			t.Errorf("listen %s: base URL %v, want %s (%v)", listen, c.BaseURL, want, err)
		}
	}
	bad := map[string][]string{
		"CERTINEL_BASE_URL":                {"CERTINEL_BASE_URL", "localhost:8080"},
		"DATABASE_URL":                     {"DATABASE_URL", "mysql://x"},
		"CERTINEL_LOG_LEVEL":               {"CERTINEL_LOG_LEVEL", "loud"},
		"CERTINEL_LOG_FORMAT":              {"CERTINEL_LOG_FORMAT", "xml"},
		"CERTINEL_ALLOW_PRIVATE_TARGETS":   {"CERTINEL_ALLOW_PRIVATE_TARGETS", "yes please"},
		"CERTINEL_SMTP_PORT":               {"CERTINEL_SMTP_PORT", "70000"},
		"CERTINEL_SMTP_TLS":                {"CERTINEL_SMTP_TLS", "ssl"},
		"CERTINEL_TRUSTED_PROXIES":         {"CERTINEL_TRUSTED_PROXIES", "10.0.0.0/8, lb.internal"},
		"CERTINEL_RETENTION_DAYS":          {"CERTINEL_RETENTION_DAYS", "0"},
		"CERTINEL_AUDIT_RETENTION_DAYS":    {"CERTINEL_AUDIT_RETENTION_DAYS", "a year"},
		"CERTINEL_DELIVERY_RETENTION_DAYS": {"CERTINEL_DELIVERY_RETENTION_DAYS", "36501"},
		"CERTINEL_AGENT_CHANNELS":          {"CERTINEL_AGENT_CHANNELS", "lots"},
		"CERTINEL_TLS_CERT_FILE":           {"CERTINEL_TLS_CERT_FILE", "server.pem"},
		"CERTINEL_AGENT_CERT_VALIDITY":     {"CERTINEL_AGENT_CERT_VALIDITY", "2161h"},
		"CERTINEL_AGENT_CA_CERT_FILE":      {"CERTINEL_AGENT_CA_CERT_FILE", "issuing.pem"},       // no key file
		"CERTINEL_CLIENT_CERT_HEADER":      {"CERTINEL_CLIENT_CERT_HEADER", "X-SSL-Client-Cert"}, // no trusted proxy
		"CERTINEL_REVOCATION_INTERVAL":     {"CERTINEL_REVOCATION_INTERVAL", "9s"},
	}
	if _, err := Load(env("CERTINEL_CLIENT_CERT_HEADER", "X SSL", "CERTINEL_TRUSTED_PROXIES", "10.0.0.1")); err == nil ||
		!strings.HasPrefix(err.Error(), "CERTINEL_CLIENT_CERT_HEADER:") {
		t.Errorf("a header name with a space: %v", err)
	}
	if c, err := Load(env("CERTINEL_CLIENT_CERT_HEADER", "X-SSL-Client-Cert", "CERTINEL_TRUSTED_PROXIES", "10.0.0.1")); err != nil ||
		c.ClientCertHeader != "X-SSL-Client-Cert" {
		t.Errorf("client certificate header behind a proxy: %q, %v", c.ClientCertHeader, err)
	}
	c, err = Load(env("CERTINEL_TLS_CERT_FILE", "s.pem", "CERTINEL_TLS_KEY_FILE", "s.key", "CERTINEL_LISTEN_ADDR", ":8443",
		"CERTINEL_AGENT_CERT_VALIDITY", "24h"))
	if err != nil || c.BaseURL.String() != "https://localhost:8443" || !c.SecureCookies() || c.AgentCertValidity != 24*time.Hour {
		t.Errorf("serving TLS: base URL %v, validity %s, %v", c.BaseURL, c.AgentCertValidity, err)
	}
	if _, err := Load(env("CERTINEL_AGENT_CERT_VALIDITY", "119s")); err == nil {
		t.Error("agent certificates shorter than 2 minutes accepted")
	}
	if c, err := Load(env("CERTINEL_AGENT_CERT_VALIDITY", "2m", "CERTINEL_AGENT_CA_CERT_FILE", "i.pem", "CERTINEL_AGENT_CA_KEY_FILE", "i.key")); err != nil ||
		c.AgentCertValidity != 2*time.Minute || c.AgentCACertFile != "i.pem" || c.AgentCAKeyFile != "i.key" {
		t.Errorf("2-minute agent certificates from an imported CA: %+v, %v", c, err)
	}
	if c, _ := Load(env()); c.AgentCertValidity != 7*24*time.Hour {
		t.Errorf("default agent certificate validity %s, want 7 days", c.AgentCertValidity)
	}
	if c, _ := Load(env()); c.RevocationInterval != 10*time.Minute {
		t.Errorf("default revocation interval %s, want 10 minutes", c.RevocationInterval)
	}
	for v, want := range map[string]time.Duration{"10s": 10 * time.Second, "24h": 24 * time.Hour} {
		if c, err := Load(env("CERTINEL_REVOCATION_INTERVAL", v)); err != nil || c.RevocationInterval != want {
			t.Errorf("revocation interval %s: %s, %v", v, c.RevocationInterval, err)
		}
	}
	if _, err := Load(env("CERTINEL_REVOCATION_INTERVAL", "25h")); err == nil {
		t.Error("a revocation interval over a day accepted")
	}
	if c, _ := Load(env()); c.CRLExpiryMargin != 24*time.Hour {
		t.Errorf("default CRL expiry margin %s, want a day", c.CRLExpiryMargin)
	}
	for v, want := range map[string]time.Duration{"1h": time.Hour, "72h": 72 * time.Hour, "720h": 720 * time.Hour} {
		if c, err := Load(env("CERTINEL_CRL_EXPIRY_MARGIN", v)); err != nil || c.CRLExpiryMargin != want {
			t.Errorf("CRL expiry margin %s: %s, %v", v, c.CRLExpiryMargin, err)
		}
	}
	for _, v := range []string{"59m", "721h", "a week", "-24h"} {
		if _, err := Load(env("CERTINEL_CRL_EXPIRY_MARGIN", v)); err == nil || !strings.HasPrefix(err.Error(), "CERTINEL_CRL_EXPIRY_MARGIN:") {
			t.Errorf("CRL expiry margin %q: error %v, want one naming the variable", v, err)
		}
	}
	for name, kv := range bad {
		_, err := Load(env(kv...))
		if err == nil || !strings.HasPrefix(err.Error(), name+":") {
			t.Errorf("%s: error %v should name the variable", name, err)
		}
	}
}

func TestSecretKeys(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	file := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	c, err := Load(env(nil))
	if err != nil || c.SecretKeys != nil || c.KeyFile() != filepath.Join("data", "secret.key") {
		t.Fatalf("unset: keys %v, key file %s, %v", c.SecretKeys, c.KeyFile(), err)
	}
	want := secret.KeyID(bytes.Repeat([]byte{7}, 32))
	for name, m := range map[string]map[string]string{
		"variable": {"CERTINEL_SECRET_KEY": key},
		"file":     {"CERTINEL_SECRET_KEY_FILE": file},
	} {
		if c, err := Load(env(m)); err != nil || c.SecretKeys == nil || c.SecretKeys.Current() != want {
			t.Errorf("%s: keys %v, %v", name, c.SecretKeys, err)
		}
	}

	short := base64.StdEncoding.EncodeToString([]byte("sixteen byte key"))
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"both":       {map[string]string{"CERTINEL_SECRET_KEY": key, "CERTINEL_SECRET_KEY_FILE": file}, "CERTINEL_SECRET_KEY: set it or CERTINEL_SECRET_KEY_FILE, not both"},
		"not base64": {map[string]string{"CERTINEL_SECRET_KEY": "hunter2!"}, "CERTINEL_SECRET_KEY: key 1 is not base64"},
		"short":      {map[string]string{"CERTINEL_SECRET_KEY": short}, "CERTINEL_SECRET_KEY: key 1 has 16 bytes, want 32"},
		"no file":    {map[string]string{"CERTINEL_SECRET_KEY_FILE": file + ".missing"}, "CERTINEL_SECRET_KEY_FILE: secret: read key file"},
	} {
		_, err := Load(env(tc.env))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to start with %q", name, err, tc.want)
		} else if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), short) {
			t.Errorf("%s: the error quotes the key: %v", name, err)
		}
	}
}
