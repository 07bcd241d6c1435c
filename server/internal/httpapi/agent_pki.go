package httpapi

import (
	"crypto/x509"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/agentca"
	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Agent identity by mutual TLS: an admin's one-time join token lets an
// agent enroll (POST /agent/enroll) with a certificate request for a key it
// generated; with the certificate it then authenticates by mutual TLS
// (authenticateAgent) and renews (POST /agent/renew) before it expires.

// joinTokenTTL is how long a join token may wait for its agent: long
// enough to install it, short enough that a token seen in a chat or a
// ticket soon opens nothing.
const joinTokenTTL = time.Hour

var (
	errPKIOff = &apiError{Status: http.StatusServiceUnavailable, Code: "agent_pki_unavailable",
		Message: "this server has no agent CA"}
	errClientCert = &apiError{Status: http.StatusUnauthorized, Code: "client_certificate_refused",
		Message: "client certificate refused (expired, revoked or not of this server's agent CA): enroll the agent again"}
	errMTLSRequired = &apiError{Status: http.StatusUnauthorized, Code: "mtls_required",
		Message: "this needs a client certificate of the agent CA (mutual TLS)"}
	errJoinToken = &apiError{Status: http.StatusUnauthorized, Code: "unauthorized",
		Message: "missing, used or expired join token"}
)

type joinTokenJSON struct {
	AgentID   string    `json:"agent_id"`
	Prefix    string    `json:"prefix"`
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
	// Token is the secret, in this answer only.
	Token string `json:"token"`
}

// createJoinToken: POST /agents/:id/join-tokens. The token is shown once
// and works once, within the hour.
func (h *handler) createJoinToken(c echo.Context) error {
	if h.ca == nil {
		return errPKIOff
	}
	secret, hash, display, err := auth.NewToken(auth.PrefixJoinToken)
	if err != nil {
		return err
	}
	t, err := h.store.CreateAgentJoinToken(c.Request().Context(), principalOf(c).OrgID, c.Param("id"), hash, display, joinTokenTTL)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, joinTokenJSON{AgentID: t.AgentID, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt,
		CreatedAt: t.CreatedAt, Token: secret})
}

// revokeAgentCertificate: POST /agents/:id/certificate/revoke. The agent's
// certificates are refused from its next request and listed in the CRL;
// it must enroll again with a new join token.
func (h *handler) revokeAgentCertificate(c echo.Context) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	if err := h.store.RevokeAgentCertificates(ctx, orgID, c.Param("id")); err != nil {
		return err
	}
	a, err := h.store.GetAgent(ctx, orgID, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toAgentJSON(a))
}

// enrollAgent: POST /agent/enroll, public, authenticated by the join token
// as the bearer. The request is checked before the token is spent, so a
// malformed one does not waste it.
func (h *handler) enrollAgent(c echo.Context) error {
	if h.ca == nil {
		return errPKIOff
	}
	secret, ok := bearer(c)
	if !ok {
		return errJoinToken
	}
	csr, err := h.certificateRequest(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, err := h.store.SpendAgentJoinToken(ctx, auth.HashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		return errJoinToken
	}
	if err != nil {
		return err
	}
	setActor(c, store.Actor{Type: store.ActorToken, ID: t.ID, Label: "join token " + t.Prefix})
	o, err := h.store.Organization(ctx, t.OrganizationID)
	if err != nil {
		return err
	}
	if o.RequireEnrollmentApproval {
		return h.holdEnrollment(c, t, csr)
	}
	return h.issueAgentCertificate(c, csr, agentca.Identity{OrgID: t.OrganizationID, AgentID: t.AgentID}, store.CertEnrolled)
}

// renewAgentCertificate: POST /agent/renew, over mutual TLS only, for a new
// key: the agent's current certificate keeps working until it expires.
func (h *handler) renewAgentCertificate(c echo.Context) error {
	caller := agentOf(c)
	if caller.Cert == nil {
		return errMTLSRequired
	}
	csr, err := h.certificateRequest(c)
	if err != nil {
		return err
	}
	if agentca.SameKey(csr, caller.Cert) {
		return badRequest("csr", "%s", agentca.ErrSameKey)
	}
	a := caller.Agent
	setActor(c, store.Actor{Type: store.ActorSystem, Label: "agent " + a.Name})
	return h.issueAgentCertificate(c, csr, agentca.Identity{OrgID: a.OrganizationID, AgentID: a.ID}, store.CertRenewed)
}

func (h *handler) certificateRequest(c echo.Context) (*x509.CertificateRequest, error) {
	var req wire.CertificateRequest
	if err := decodeJSON(c, &req); err != nil {
		return nil, err
	}
	csr, err := agentca.ParseCSR([]byte(req.CSR))
	if err != nil {
		return nil, badRequest("csr", "%s", agentca.ErrBadCSR)
	}
	return csr, nil
}

// issueAgentCertificate signs the agent's certificate, records it as the
// agent's current one and answers it with the CA chain.
func (h *handler) issueAgentCertificate(c echo.Context, csr *x509.CertificateRequest, id agentca.Identity, action string) error {
	issued, err := h.ca.Issue(csr, id, h.store.Now())
	if err != nil {
		return err
	}
	if err := h.store.RecordAgentCertificate(c.Request().Context(), id.OrgID, certificateRow(issued, id.AgentID), action); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wire.CertificateResponse{Certificate: issued.PEM, Chain: h.ca.ChainPEM(),
		Serial: issued.Serial, NotAfter: issued.Cert.NotAfter})
}

// certificateRow is the record of a certificate just issued to the agent.
func certificateRow(issued agentca.Issued, agentID string) store.AgentCertificate {
	return store.AgentCertificate{Serial: issued.Serial, AgentID: agentID, NotBefore: issued.Cert.NotBefore, NotAfter: issued.Cert.NotAfter}
}
