package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"certinel.dev/shared/wire"
)

// maxCertificateBody bounds the answer carrying a certificate and its chain.
const maxCertificateBody = 64 << 10

// Enroll trades a join token and a certificate request for the agent's
// client certificate. It is tried once: the server spends the token on the
// first try, so a retry could only be refused.
func (c *Client) Enroll(ctx context.Context, joinToken string, req wire.CertificateRequest) (wire.CertificateResponse, error) {
	header := http.Header{"Authorization": {"Bearer " + joinToken}}
	var out wire.CertificateResponse
	if err := c.certificateCall(ctx, wire.EnrollPath, header, req, &out, false); err != nil {
		return wire.CertificateResponse{}, fmt.Errorf("client: enroll: %w", err)
	}
	return out, nil
}

// Renew asks for the next certificate, for a new key, over mutual TLS with
// the current one.
func (c *Client) Renew(ctx context.Context, req wire.CertificateRequest) (wire.CertificateResponse, error) {
	var out wire.CertificateResponse
	if err := c.certificateCall(ctx, wire.RenewPath, http.Header{}, req, &out, true); err != nil {
		return wire.CertificateResponse{}, fmt.Errorf("client: renew certificate: %w", err)
	}
	return out, nil
}

func (c *Client) certificateCall(ctx context.Context, path string, header http.Header, req wire.CertificateRequest, out *wire.CertificateResponse, retry bool) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	header.Set("Content-Type", "application/json") // plain JSON: see attempt
	if retry {
		return c.do(ctx, http.MethodPost, path, header, body, out, maxCertificateBody)
	}
	_, err = c.attempt(ctx, http.MethodPost, path, header, body, out, maxCertificateBody)
	return err
}
