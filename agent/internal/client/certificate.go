package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"certinel.dev/shared/wire"
)

// maxCertificateBody bounds the answer carrying a certificate and its chain.
const maxCertificateBody = 64 << 10

// Enrollment is the server's answer to an enrollment: the certificate, or,
// when the organization requires an admin's approval, the enrollment to
// wait for (Pending).
type Enrollment struct {
	wire.CertificateResponse
	wire.EnrollmentStatus
}

// Pending tells whether the enrollment waits for an admin's approval.
func (e Enrollment) Pending() bool { return e.Status == "pending" }

// Enroll trades a join token and a certificate request for the agent's
// client certificate. It is tried once: the server spends the token on the
// first try, so a retry could only be refused.
func (c *Client) Enroll(ctx context.Context, joinToken string, req wire.CertificateRequest) (Enrollment, error) {
	var out Enrollment
	if err := c.certificateCall(ctx, wire.EnrollPath, joinTokenHeader(joinToken), req, &out, false); err != nil {
		return Enrollment{}, fmt.Errorf("client: enroll: %w", err)
	}
	return out, nil
}

// PollEnrollment asks once for the outcome of an enrollment waiting for
// approval, with the join token it spent. A rejected or expired enrollment
// answers a StatusError of code wire.EnrollmentRejected or
// wire.EnrollmentExpired.
func (c *Client) PollEnrollment(ctx context.Context, joinToken, enrollmentID string) (Enrollment, error) {
	var out Enrollment
	path := wire.EnrollmentsPath + url.PathEscape(enrollmentID)
	if _, err := c.attempt(ctx, http.MethodGet, path, joinTokenHeader(joinToken), nil, &out, maxCertificateBody); err != nil {
		return Enrollment{}, fmt.Errorf("client: enrollment %s: %w", enrollmentID, err)
	}
	return out, nil
}

func joinTokenHeader(joinToken string) http.Header {
	return http.Header{"Authorization": {"Bearer " + joinToken}}
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

func (c *Client) certificateCall(ctx context.Context, path string, header http.Header, req wire.CertificateRequest, out any, retry bool) error {
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
