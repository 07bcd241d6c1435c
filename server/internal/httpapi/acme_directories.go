package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

// maxDirectoryURL bounds an ACME directory URL.
const maxDirectoryURL = 2048

type acmeDirectoryRequest struct {
	Name         string `json:"name"`
	DirectoryURL string `json:"directory_url"`
	IssuerSHA256 string `json:"issuer_sha256"`
}

type acmeDirectoryJSON struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	DirectoryURL string    `json:"directory_url"`
	IssuerSHA256 string    `json:"issuer_sha256"`
	IssuerKeyID  string    `json:"issuer_key_id"`
	CreatedAt    time.Time `json:"created_at"`
}

func toACMEDirectoryJSON(d store.ACMEDirectory) acmeDirectoryJSON {
	return acmeDirectoryJSON{ID: d.ID, Name: d.Name, DirectoryURL: d.DirectoryURL, IssuerSHA256: d.IssuerSHA256,
		IssuerKeyID: d.IssuerKeyID, CreatedAt: d.CreatedAt}
}

// createACMEDirectory adds the ACME directory of an internal CA, for its
// renewal information. The issuer is a CA certificate the organization
// has seen in a chain: leaves it signed are looked up at the directory.
func (h *handler) createACMEDirectory(c echo.Context) error {
	var req acmeDirectoryRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var errs []fieldError
	name := strings.TrimSpace(req.Name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		errs = append(errs, fieldError{"name", "must be 1 to 100 characters long"})
	}
	// ACME is HTTPS only (RFC 8555 section 6.1); where it may connect is
	// the SSRF guard's decision, made on every lookup.
	u, err := url.Parse(strings.TrimSpace(req.DirectoryURL))
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(req.DirectoryURL) > maxDirectoryURL {
		errs = append(errs, fieldError{"directory_url", "must be an https URL without credentials, at most 2048 characters"})
	}
	issuer := strings.ToLower(strings.TrimSpace(req.IssuerSHA256))
	if !sha256Pattern.MatchString(issuer) {
		errs = append(errs, fieldError{"issuer_sha256", "must be the SHA-256 fingerprint of the issuing CA certificate (64 hex digits)"})
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	d, err := h.store.CreateACMEDirectory(c.Request().Context(), principalOf(c).OrgID,
		store.ACMEDirectory{Name: name, DirectoryURL: u.String(), IssuerSHA256: issuer})
	switch {
	case errors.Is(err, store.ErrIssuerUnusable):
		return invalid([]fieldError{{"issuer_sha256", "is not a CA certificate with a key identifier among the certificates your endpoints served"}})
	case errors.Is(err, store.ErrConflict):
		return conflict("this issuing CA has a directory already")
	case err != nil:
		return err
	}
	return c.JSON(http.StatusCreated, toACMEDirectoryJSON(d))
}

func (h *handler) listACMEDirectories(c echo.Context) error {
	list, err := h.store.ListACMEDirectories(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(mapItems(list, toACMEDirectoryJSON)))
}

func (h *handler) deleteACMEDirectory(c echo.Context) error {
	if err := h.store.DeleteACMEDirectory(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
