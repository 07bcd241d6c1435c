package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// maxCRLUpload bounds an uploaded CRL's body: the largest CRL in PEM,
// whose base64 takes a third more, with its armour.
const maxCRLUpload = wire.MaxCRLBytes/3*4 + 64<<10

// uploadCRL: POST /revocation-sources/crls, a CRL (DER or PEM body) of an
// internal CA that publishes it nowhere reachable. Its issuer must be a
// certificate the organization serves and must have signed it; else 422.
func (h *handler) uploadCRL(c echo.Context) error {
	if h.revocation == nil {
		return errNotFound
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxCRLUpload))
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return errTooLarge
	case err != nil:
		return badRequest("", "the body could not be read")
	}
	orgID := principalOf(c).OrgID
	src, err := h.revocation.UploadCRL(c.Request().Context(), orgID, body)
	switch {
	case errors.Is(err, revocation.ErrCRLTooLarge):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Message: "the CRL is " + err.Error()}
	case errors.Is(err, revocation.ErrCRLUnreadable), errors.Is(err, revocation.ErrUnknownIssuer), errors.Is(err, revocation.ErrCRLSignature):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "unusable_crl", Message: err.Error()}
	case err != nil:
		return err
	}
	return c.JSON(http.StatusCreated, toRevocationSourceJSON(store.ListedRevocationSource{RevocationSource: src}, h.store.Now(), h.crlExpiringMargin()))
}
