package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"certinel.dev/server/internal/config"
)

// agentDownloadsDir is where the agent builds are: the configured
// directory, or agents/ next to the executable, so that bin/certinel-server
// finds the bin/agents that make agent-dist writes, and the image's
// /certinel-server its /agents.
func agentDownloadsDir(cfg config.Config, log *slog.Logger) string {
	if cfg.AgentDownloadsDir != "" {
		return cfg.AgentDownloadsDir
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		log.Warn("cannot find the server's executable; no agent downloads", "err", err)
		return ""
	}
	return filepath.Join(filepath.Dir(exe), "agents")
}

// publicURL is the configured public URL, empty when none was given.
func publicURL(cfg config.Config) string {
	if !cfg.BaseURLSet {
		return ""
	}
	return strings.TrimSuffix(cfg.BaseURL.String(), "/")
}
