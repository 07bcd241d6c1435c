package agentca

import (
	"context"
	"fmt"
	"time"

	"certinel.dev/server/internal/store"
)

// Load returns the server's agent CA from the database, generating it on
// the first start; its keys are sealed there with the server's secret key.
func Load(ctx context.Context, st *store.Store, validity time.Duration) (*Authority, error) {
	row, err := st.EnsureAgentCA(ctx, func() (store.AgentCA, error) {
		m, err := Generate(st.Now())
		if err != nil {
			return store.AgentCA{}, err
		}
		return store.AgentCA{RootCert: string(m.RootCert), RootKey: string(m.RootKey),
			IssuingCert: string(m.IssuingCert), IssuingKey: string(m.IssuingKey)}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("agentca: load: %w", err)
	}
	return New(Material{RootCert: []byte(row.RootCert), RootKey: []byte(row.RootKey),
		IssuingCert: []byte(row.IssuingCert), IssuingKey: []byte(row.IssuingKey)}, validity)
}
