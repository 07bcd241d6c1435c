package httpapi

import (
	"context"
	"crypto/x509"
	"errors"

	"certinel.dev/server/internal/store"
)

// agentByCertificate authenticates an agent by the client certificate it
// presented in the TLS handshake, which proved it holds the key. The TLS
// layer only requests certificates (the dashboard shares the port), so the
// chain is verified here, against the agent CA at the store's time, and the
// certificate must be one issued to an existing agent and not revoked: the
// store is asked on every request, so a revocation holds from the next one.
func (h *handler) agentByCertificate(ctx context.Context, chain []*x509.Certificate) (*agentCaller, error) {
	if h.ca == nil {
		return nil, errClientCert
	}
	id, serial, err := h.ca.Verify(chain, h.store.Now())
	if err != nil {
		return nil, errClientCert
	}
	agent, err := h.store.AgentByCertificate(ctx, id.OrgID, id.AgentID, serial)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errClientCert
	}
	if err != nil {
		return nil, err
	}
	return &agentCaller{Agent: agent, Cert: chain[0]}, nil
}
