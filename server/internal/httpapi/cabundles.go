package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/store"
)

// maxBundleCerts bounds one uploaded bundle.
const maxBundleCerts = 500

type caBundleRequest struct {
	Name string `json:"name"`
	PEM  string `json:"pem"`
}

type caBundleJSON struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Certificates int          `json:"certificates"`
	Subjects     []caCertJSON `json:"subjects"`
	CreatedAt    time.Time    `json:"created_at"`
	PEM          string       `json:"pem,omitempty"`
}

type caCertJSON struct {
	Subject  string    `json:"subject"`
	SHA256   string    `json:"sha256"`
	NotAfter time.Time `json:"not_after"`
}

func toCABundleJSON(b store.CABundle) caBundleJSON {
	out := caBundleJSON{ID: b.ID, Name: b.Name, Certificates: b.Certificates, CreatedAt: b.CreatedAt, Subjects: []caCertJSON{}}
	// Stored bundles were validated on upload.
	if cs, err := certs.ParsePEMBundle([]byte(b.PEM), 0); err == nil {
		for _, c := range cs {
			out.Subjects = append(out.Subjects, caCertJSON{Subject: c.Facts.Subject, SHA256: c.Facts.SHA256, NotAfter: c.Facts.NotAfter})
		}
	}
	return out
}

func (h *handler) createCABundle(c echo.Context) error {
	var req caBundleRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var errs []fieldError
	name := strings.TrimSpace(req.Name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		errs = append(errs, fieldError{"name", "must be 1 to 100 characters long"})
	}
	parsed, err := certs.ParsePEMBundle([]byte(req.PEM), maxBundleCerts)
	if err != nil {
		msg := err.Error()
		switch {
		case errors.Is(err, certs.ErrNoCertificates):
			msg = "holds no PEM certificate"
		case errors.Is(err, certs.ErrTooMany):
			msg = "holds more than 500 certificates"
		}
		errs = append(errs, fieldError{"pem", msg})
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	orgID := principalOf(c).OrgID
	b, err := h.store.CreateCABundle(c.Request().Context(), orgID, store.CABundle{Name: name, PEM: req.PEM, Certificates: len(parsed)})
	if err != nil {
		return err
	}
	if err := h.rejudge(c.Request().Context(), orgID); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toCABundleJSON(b))
}

func (h *handler) listCABundles(c echo.Context) error {
	bundles, err := h.store.ListCABundles(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(mapItems(bundles, toCABundleJSON)))
}

func (h *handler) getCABundle(c echo.Context) error {
	b, err := h.store.GetCABundle(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	out := toCABundleJSON(b)
	out.PEM = b.PEM
	return c.JSON(http.StatusOK, out)
}

func (h *handler) deleteCABundle(c echo.Context) error {
	orgID := principalOf(c).OrgID
	if err := h.store.DeleteCABundle(c.Request().Context(), orgID, c.Param("id")); err != nil {
		return err
	}
	if err := h.rejudge(c.Request().Context(), orgID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// rejudge has the organization's stored chains judged again, in the
// background, after what judging depends on changed; without a rejudger,
// its domains' next checks are judged.
func (h *handler) rejudge(ctx context.Context, orgID string) error {
	if h.rejudger == nil {
		return h.store.ExpireVerdicts(ctx, orgID)
	}
	return h.rejudger.Request(ctx, orgID)
}
