package identity

import (
	"context"
	"crypto/tls"
	"fmt"

	"certinel.dev/shared/wire"
)

// Renewer asks the server for a next certificate and switches requests to
// it; the agent's client.Client is one.
type Renewer interface {
	Renew(ctx context.Context, req wire.CertificateRequest) (wire.CertificateResponse, error)
	SetCertificate(cert *tls.Certificate)
}

// Renew gets a certificate for a new key, keeps it, and only then switches
// to it. When anything fails first, the current certificate and key stay on
// disk and in use, and the renewal can be tried again.
func Renew(ctx context.Context, c Renewer, d Dir) (Identity, error) {
	key, req, err := NewKey()
	if err != nil {
		return Identity{}, err
	}
	resp, err := c.Renew(ctx, req)
	if err != nil {
		return Identity{}, err
	}
	id, err := d.Save(key, resp)
	if err != nil {
		return Identity{}, fmt.Errorf("identity: keep the renewed certificate: %w", err)
	}
	c.SetCertificate(&id.Cert)
	return id, nil
}
