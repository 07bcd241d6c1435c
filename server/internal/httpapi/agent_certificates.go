package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

// An agent's certificate history, and revoking one of its certificates:
// after a renewal the previous certificate keeps working until it expires,
// so a leaked old key is revoked on its own, leaving the agent running.

type agentCertificateJSON struct {
	Serial string `json:"serial"`
	// Status is current, superseded, expired or revoked; Origin enrolled,
	// renewed, or empty for certificates issued before it was recorded.
	Status    string     `json:"status"`
	Origin    string     `json:"origin"`
	NotBefore time.Time  `json:"not_before"`
	NotAfter  time.Time  `json:"not_after"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

func toAgentCertificateJSON(c store.AgentCertificate, currentSerial string, now time.Time) agentCertificateJSON {
	return agentCertificateJSON{Serial: c.Serial, Status: c.Status(currentSerial, now), Origin: c.Origin,
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, CreatedAt: c.CreatedAt, RevokedAt: c.RevokedAt}
}

// listAgentCertificates: GET /agents/:id/certificates, newest first.
func (h *handler) listAgentCertificates(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	a, err := h.store.GetAgent(ctx, orgID, c.Param("id"))
	if err != nil {
		return err
	}
	items, total, err := h.store.ListAgentCertificates(ctx, orgID, a.ID, page)
	if err != nil {
		return err
	}
	now := h.store.Now()
	return c.JSON(http.StatusOK, newList(mapItems(items, func(cert store.AgentCertificate) agentCertificateJSON {
		return toAgentCertificateJSON(cert, a.CertSerial, now)
	}), total, page))
}

// revokeOneAgentCertificate: POST /agents/:id/certificates/:serial/revoke.
// The certificate is refused from its next request and listed in the CRL;
// revoking one that is revoked or expired already answers 409.
func (h *handler) revokeOneAgentCertificate(c echo.Context) error {
	serial, ok := certificateSerial(c.Param("serial"))
	if !ok {
		return badRequest("serial", "serial: want the certificate's serial number in hexadecimal, got %q", c.Param("serial"))
	}
	cert, err := h.store.RevokeAgentCertificate(c.Request().Context(), principalOf(c).OrgID, c.Param("id"), serial)
	switch {
	case errors.Is(err, store.ErrCertificateRevoked):
		return conflict("this certificate is revoked already")
	case errors.Is(err, store.ErrCertificateExpired):
		return conflict("this certificate has expired already: it no longer authenticates anyone")
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, toAgentCertificateJSON(cert, "", h.store.Now()))
}

// certificateSerial reads a serial as the server writes it (lower-case
// hex, no leading zeros) from the forms people paste: upper case, and
// byte pairs with colons as openssl prints them.
func certificateSerial(raw string) (string, bool) {
	s := strings.TrimLeft(strings.ToLower(strings.ReplaceAll(raw, ":", "")), "0")
	if s == "" || len(s) > 64 {
		return "", false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return "", false
		}
	}
	return s, true
}
