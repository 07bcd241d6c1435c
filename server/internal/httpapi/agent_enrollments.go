package httpapi

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/agentca"
	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Enrollment approval: in an organization with require_enrollment_approval,
// POST /agent/enroll spends the join token but holds the request until an
// admin approves or rejects it; the agent polls GET /agent/enrollments/:id
// with the same join token, and can only ever receive the certificate for
// the key it submitted.

// enrollmentTTL is how long an enrollment waits for a decision: a working
// day and a night, enough for an admin in another time zone.
const enrollmentTTL = 24 * time.Hour

var (
	errEnrollmentRejected = &apiError{Status: http.StatusForbidden, Code: wire.EnrollmentRejected,
		Message: "an admin rejected this enrollment: ask for a new join token"}
	errEnrollmentExpired = &apiError{Status: http.StatusForbidden, Code: wire.EnrollmentExpired,
		Message: "this enrollment was not approved within 24 hours: ask for a new join token"}
	errEnrollmentDecided = &apiError{Status: http.StatusConflict, Code: "enrollment_decided",
		Message: "this enrollment was already approved or rejected"}
	errEnrollmentLapsed = &apiError{Status: http.StatusConflict, Code: wire.EnrollmentExpired,
		Message: "this enrollment expired before a decision: the agent must enroll again"}
)

var enrollmentStates = map[string]bool{store.EnrollmentPending: true, store.EnrollmentApproved: true,
	store.EnrollmentRejected: true, store.EnrollmentExpired: true}

type enrollmentJSON struct {
	ID                string     `json:"id"`
	AgentID           string     `json:"agent_id"`
	AgentName         string     `json:"agent_name"`
	KeyFingerprint    string     `json:"key_fingerprint"`
	Status            string     `json:"status"`
	CreatedAt         time.Time  `json:"created_at"`
	ExpiresAt         time.Time  `json:"expires_at"`
	DecidedAt         *time.Time `json:"decided_at"`
	DecidedBy         string     `json:"decided_by"`
	CertificateSerial string     `json:"certificate_serial"`
}

func (h *handler) toEnrollmentJSON(e store.AgentEnrollment) enrollmentJSON {
	return enrollmentJSON{ID: e.ID, AgentID: e.AgentID, AgentName: e.AgentName, KeyFingerprint: e.KeyFingerprint,
		Status: e.State(h.store.Now()), CreatedAt: e.CreatedAt, ExpiresAt: e.ExpiresAt, DecidedAt: e.DecidedAt,
		DecidedBy: e.DecidedBy, CertificateSerial: e.CertificateSerial}
}

// holdEnrollment stores the request of an enrollment that needs approval
// and answers 202 with what the agent polls and the admin compares.
func (h *handler) holdEnrollment(c echo.Context, t store.AgentJoinToken, csr *x509.CertificateRequest) error {
	e := store.AgentEnrollment{AgentID: t.AgentID, JoinTokenID: t.ID,
		CSR:            string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr.Raw})),
		KeyFingerprint: wire.KeyFingerprint(csr.RawSubjectPublicKeyInfo)}
	e, err := h.store.CreateAgentEnrollment(c.Request().Context(), t.OrganizationID, e, enrollmentTTL)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, pendingStatus(e))
}

func pendingStatus(e store.AgentEnrollment) wire.EnrollmentStatus {
	return wire.EnrollmentStatus{Status: store.EnrollmentPending, EnrollmentID: e.ID, KeyFingerprint: e.KeyFingerprint}
}

// pollEnrollment: GET /agent/enrollments/:id, public, authenticated by the
// join token the enrollment spent. An unknown id answers like a wrong
// token, so ids cannot be probed.
func (h *handler) pollEnrollment(c echo.Context) error {
	if h.ca == nil {
		return errPKIOff
	}
	secret, ok := bearer(c)
	if !ok {
		return errJoinToken
	}
	e, err := h.store.AgentEnrollmentByToken(c.Request().Context(), c.Param("id"), auth.HashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		return errJoinToken
	}
	if err != nil {
		return err
	}
	switch e.State(h.store.Now()) {
	case store.EnrollmentPending:
		return c.JSON(http.StatusAccepted, pendingStatus(e))
	case store.EnrollmentRejected:
		return errEnrollmentRejected
	case store.EnrollmentExpired:
		return errEnrollmentExpired
	}
	block, _ := pem.Decode([]byte(e.Certificate))
	if block == nil {
		return fmt.Errorf("httpapi: enrollment %s: approved without a certificate", e.ID)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("httpapi: enrollment %s: %w", e.ID, err)
	}
	return c.JSON(http.StatusOK, wire.CertificateResponse{Certificate: e.Certificate, Chain: h.ca.ChainPEM(),
		Serial: e.CertificateSerial, NotAfter: cert.NotAfter})
}

// listEnrollments: GET /agent-enrollments?status=pending (the default),
// approved, rejected or expired.
func (h *handler) listEnrollments(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	state := c.QueryParam("status")
	if state == "" {
		state = store.EnrollmentPending
	}
	if !enrollmentStates[state] {
		return badRequest("status", "must be pending, approved, rejected or expired")
	}
	list, total, err := h.store.ListAgentEnrollments(c.Request().Context(), principalOf(c).OrgID, state, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(mapItems(list, h.toEnrollmentJSON), total, page))
}

// approveEnrollment: POST /agent-enrollments/:id/approve signs the stored
// request, as a direct enrollment would, for the agent to fetch.
func (h *handler) approveEnrollment(c echo.Context) error {
	if h.ca == nil {
		return errPKIOff
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	e, err := h.store.GetAgentEnrollment(ctx, orgID, c.Param("id"))
	if err != nil {
		return err
	}
	if err := decidable(e, h.store.Now()); err != nil {
		return err
	}
	csr, err := agentca.ParseCSR([]byte(e.CSR))
	if err != nil {
		return fmt.Errorf("httpapi: enrollment %s: stored request: %w", e.ID, err)
	}
	issued, err := h.ca.Issue(csr, agentca.Identity{OrgID: orgID, AgentID: e.AgentID}, h.store.Now())
	if err != nil {
		return err
	}
	e, err = h.store.ApproveAgentEnrollment(ctx, orgID, e.ID, certificateRow(issued, e.AgentID), issued.PEM)
	if err != nil {
		return decisionError(err)
	}
	return c.JSON(http.StatusOK, h.toEnrollmentJSON(e))
}

// rejectEnrollment: POST /agent-enrollments/:id/reject.
func (h *handler) rejectEnrollment(c echo.Context) error {
	e, err := h.store.RejectAgentEnrollment(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return decisionError(err)
	}
	return c.JSON(http.StatusOK, h.toEnrollmentJSON(e))
}

// decidable refuses, before any signing, an enrollment no longer pending;
// the store checks again as it decides.
func decidable(e store.AgentEnrollment, now time.Time) error {
	switch e.State(now) {
	case store.EnrollmentPending:
		return nil
	case store.EnrollmentExpired:
		return errEnrollmentLapsed
	}
	return errEnrollmentDecided
}

func decisionError(err error) error {
	switch {
	case errors.Is(err, store.ErrEnrollmentExpired):
		return errEnrollmentLapsed
	case errors.Is(err, store.ErrEnrollmentDecided):
		return errEnrollmentDecided
	}
	return err
}
