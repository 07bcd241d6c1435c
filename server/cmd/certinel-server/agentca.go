package main

import (
	"context"
	"fmt"
	"log/slog"

	"certinel.dev/server/internal/agentca"
	"certinel.dev/server/internal/config"
	"certinel.dev/server/internal/store"
)

// loadAgentCA imports the configured issuing CA, if any, then loads the
// server's agent CA (generated on the first start otherwise).
func loadAgentCA(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*agentca.Authority, error) {
	if cfg.AgentCertValidity < config.ShortAgentCertValidity {
		log.Warn("agent certificates last less than an hour: an agent away from the server for a third of it must enroll again",
			"validity", cfg.AgentCertValidity)
	}
	if cfg.AgentCACertFile != "" {
		files := agentca.Files{Cert: cfg.AgentCACertFile, Key: cfg.AgentCAKeyFile}
		imp, err := agentca.Import(ctx, st, files, cfg.AgentCertValidity)
		if err != nil {
			return nil, fmt.Errorf("CERTINEL_AGENT_CA_CERT_FILE, CERTINEL_AGENT_CA_KEY_FILE: %w", err)
		}
		if imp.Replaced {
			log.Warn("the imported issuing CA replaced the previous agent CA: its live agent certificates are refused from now on, and those agents must enroll again",
				"refused_certificates", imp.Refused)
		}
	}
	return agentca.Load(ctx, st, cfg.AgentCertValidity)
}
