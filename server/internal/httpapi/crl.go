package httpapi

import (
	"encoding/pem"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Paths of the agent CA's revocation list: public, like any CRL.
const (
	crlDERPath = "/pki/crl.der"
	crlPEMPath = "/pki/crl.pem"
)

func (h *handler) crlDER(c echo.Context) error {
	der, err := h.currentCRL(c)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/pkix-crl", der)
}

func (h *handler) crlPEM(c echo.Context) error {
	der, err := h.currentCRL(c)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/x-pem-file", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}))
}

func (h *handler) currentCRL(c echo.Context) ([]byte, error) {
	if h.crl == nil {
		return nil, errPKIOff
	}
	return h.crl.CRL(c.Request().Context())
}
