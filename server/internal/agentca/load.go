package agentca

import (
	"context"
	"fmt"
	"os"
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

// Files name an issuing CA to import: its certificate with the chain up to
// the root, and its private key, in PEM (see ParseImport).
type Files struct {
	Cert, Key string
}

// Imported tells what an import changed.
type Imported struct {
	// Replaced: the database held another CA, now replaced; Refused
	// counts the live agent certificates it had issued, which the new CA
	// does not verify: those agents must enroll again.
	Replaced bool
	Refused  int64
}

// Import checks the files and makes their CA the server's agent CA,
// sealed in the database like a generated one. The same CA again is a
// no-op, so the files may stay or be removed once imported.
func Import(ctx context.Context, st *store.Store, f Files, validity time.Duration) (Imported, error) {
	certPEM, err := os.ReadFile(f.Cert)
	if err != nil {
		return Imported{}, fmt.Errorf("agentca: import: %w", err)
	}
	keyPEM, err := os.ReadFile(f.Key)
	if err != nil {
		return Imported{}, fmt.Errorf("agentca: import: %w", err)
	}
	m, err := ParseImport(certPEM, keyPEM, validity, st.Now())
	if err != nil {
		return Imported{}, fmt.Errorf("agentca: import %s, %s: %w", f.Cert, f.Key, err)
	}
	replaced, refused, err := st.ImportAgentCA(ctx, store.AgentCA{RootCert: string(m.RootCert),
		IssuingCert: string(m.IssuingCert), IssuingKey: string(m.IssuingKey)})
	if err != nil {
		return Imported{}, fmt.Errorf("agentca: import: %w", err)
	}
	return Imported{Replaced: replaced, Refused: refused}, nil
}
