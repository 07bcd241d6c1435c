package config

import (
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"

	"certinel.dev/agent/internal/filesource"
)

func TestLoadFileSources(t *testing.T) {
	file := map[string]string{"CERTINEL_FILE_PASSWORD_2": "from-file"}
	env := with(
		"CERTINEL_FILE_SOURCES", "/etc/ssl/private/*.pem, /opt/app/keystore.jks ,/opt/app/trust.p12",
		"CERTINEL_FILE_PASSWORD_3", "trust pass",
		"CERTINEL_AGENT_HOSTNAME", "web-1.internal",
	)
	c, err := Load(lookupFrom(env), "environment.txt", file)
	if err != nil {
		t.Fatal(err)
	}
	want := []filesource.Source{
		{Pattern: "/etc/ssl/private/*.pem"},
		{Pattern: "/opt/app/keystore.jks", Password: "from-file"},
		{Pattern: "/opt/app/trust.p12", Password: "trust pass"},
	}
	if !reflect.DeepEqual(c.FileSources, want) || c.FileHost != "web-1.internal" {
		t.Errorf("sources %+v host %q, want %+v web-1.internal", c.FileSources, c.FileHost, want)
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("start", "config", c)
	if strings.Contains(b.String(), "from-file") || strings.Contains(b.String(), "trust pass") {
		t.Errorf("log line leaks a keystore password: %s", b.String())
	}
	if !strings.Contains(b.String(), "/opt/app/keystore.jks") {
		t.Errorf("log line does not list the patterns: %s", b.String())
	}
}

func TestFileHostDefaultsToHostname(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name:", err)
	}
	c, err := Load(lookupFrom(with("CERTINEL_FILE_SOURCES", "/etc/a.pem")), "", nil)
	if err != nil || c.FileHost != host {
		t.Errorf("host %q (%v), want %q", c.FileHost, err, host)
	}
	c, err = Load(lookupFrom(required()), "", nil)
	if err != nil || c.FileSources != nil || c.FileHost != "" {
		t.Errorf("without sources: %+v %q %v", c.FileSources, c.FileHost, err)
	}
}

func TestLoadFileSourcesErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"relative", with("CERTINEL_FILE_SOURCES", "certs/*.pem"),
			`config: CERTINEL_FILE_SOURCES (from environment): pattern 1: want an absolute path, got "certs/*.pem"`},
		{"empty", with("CERTINEL_FILE_SOURCES", "/a.pem,,/b.pem"),
			"config: CERTINEL_FILE_SOURCES (from environment): pattern 2 is empty"},
		{"bad glob", with("CERTINEL_FILE_SOURCES", "/a.pem,/certs/[a.pem"),
			`config: CERTINEL_FILE_SOURCES (from environment): pattern 2: syntax error in pattern in "/certs/[a.pem"`},
		{"too many", with("CERTINEL_FILE_SOURCES", strings.Repeat("/a.pem,", 100)+"/b.pem"),
			"config: CERTINEL_FILE_SOURCES (from environment): want at most 100 patterns, got 101"},
		{"host with space", with("CERTINEL_AGENT_HOSTNAME", "web 1"),
			`config: CERTINEL_AGENT_HOSTNAME (from environment): want a host name of at most 255 characters without spaces, got "web 1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(lookupFrom(tt.env), "environment.txt", nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}
