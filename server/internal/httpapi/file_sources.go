package httpapi

import (
	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

// File sources are certificates agents read from files on their hosts:
// domains of protocol "file" (see store.FileSources). They are listed and
// shown like domains; GET /domains lists them too unless ?kind=endpoint.

// fileJSON names a file item; it is null for a network endpoint.
type fileJSON struct {
	Host   string `json:"host"`
	Path   string `json:"path"`
	Entry  string `json:"entry"`
	Format string `json:"format"`
}

func toFileJSON(d store.Domain) *fileJSON {
	if d.Protocol != store.FileProtocol {
		return nil
	}
	return &fileJSON{Host: d.Host, Path: d.FilePath, Entry: d.FileEntry, Format: d.FileFormat}
}

// listFileSources is GET /file-sources: the domain list of file items,
// with the same filters, sorting and paging.
func (h *handler) listFileSources(c echo.Context) error {
	c.QueryParams().Set("kind", store.KindFile)
	return h.listDomains(c)
}

// getFileSource is GET /file-sources/:id: a file item's detail, as a
// domain's; a network endpoint is not found here.
func (h *handler) getFileSource(c echo.Context) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	v, err := h.store.GetDomain(ctx, orgID, c.Param("id"), org.ExpiringThresholdDays)
	if err != nil {
		return err
	}
	if v.Protocol != store.FileProtocol {
		return errNotFound
	}
	return h.getDomain(c)
}
