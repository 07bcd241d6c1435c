package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"certinel.dev/agent/internal/filesource"
)

// maxFileSources bounds CERTINEL_FILE_SOURCES; each pattern is bounded in
// turn by the files it reads (filesource.MaxMatches).
const maxFileSources = 100

// loadFiles reads the certificate files to watch: CERTINEL_FILE_SOURCES,
// with CERTINEL_FILE_PASSWORD_<n> for the keystores of its n-th pattern. They are named only
// here, in the agent's own configuration, never by the server: a server
// that was taken over must not be able to make agents read files.
func loadFiles(c *Config, src source) error {
	const hostKey = "CERTINEL_AGENT_HOSTNAME"
	host, hostOrigin := src.get(hostKey)
	if host != "" && (len(host) > 255 || strings.IndexFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0) {
		return fail(hostKey, hostOrigin, "want a host name of at most 255 characters without spaces, got %q", host)
	}

	const key = "CERTINEL_FILE_SOURCES"
	raw, origin := src.get(key)
	if raw == "" {
		return nil
	}
	patterns := strings.Split(raw, ",")
	if len(patterns) > maxFileSources {
		return fail(key, origin, "want at most %d patterns, got %d", maxFileSources, len(patterns))
	}
	for i, p := range patterns {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
			return fail(key, origin, "pattern %d is empty", i+1)
		case !filepath.IsAbs(p):
			return fail(key, origin, "pattern %d: want an absolute path, got %q", i+1, p)
		}
		if _, err := filepath.Match(p, ""); err != nil {
			return fail(key, origin, "pattern %d: %v in %q", i+1, err, p)
		}
		password, _ := src.get(fmt.Sprintf("CERTINEL_FILE_PASSWORD_%d", i+1))
		c.FileSources = append(c.FileSources, filesource.Source{Pattern: p, Password: password})
	}
	if host == "" {
		h, err := os.Hostname()
		if err != nil {
			return fail(hostKey, "", "unset, and the system has no host name (%v): set it for %s", err, key)
		}
		host = h
	}
	c.FileHost = host
	return nil
}

// filePatterns lists the patterns for the start-up log line, without the
// passwords.
func filePatterns(sources []filesource.Source) []string {
	out := make([]string, len(sources))
	for i, s := range sources {
		out[i] = s.Pattern
	}
	return out
}
