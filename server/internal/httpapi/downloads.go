package httpapi

import (
	"errors"
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/downloads"
)

// The agent builds are served without credentials: the install command runs
// on a host that has no dashboard session, the files are the same for every
// customer and hold no secret (the agent token and API key are what grant
// access), and SHA256SUMS lets the host verify what it fetched. Only the
// names SHA256SUMS lists are served; there is no directory listing.

const downloadsPath = "/downloads/agent/"

// downloadTypes are the content types of the offered kinds of file.
var downloadTypes = map[string]string{
	downloads.KindDeb: "application/vnd.debian.binary-package",
	downloads.KindRPM: "application/x-rpm",
}

// agentDownload: GET /downloads/agent/:file. ServeContent answers HEAD,
// Range and the conditional requests (the ETag is the file's SHA-256).
func (h *handler) agentDownload(c echo.Context) error {
	f, info, err := h.downloads.Open(c.Param("file"))
	if errors.Is(err, downloads.ErrNotFound) || errors.Is(err, downloads.ErrUnavailable) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	defer f.Close()
	header := c.Response().Header()
	switch {
	case info.Name == downloads.SumsFile:
		header.Set(echo.HeaderContentType, "text/plain; charset=utf-8")
	case downloadTypes[info.Kind] != "":
		header.Set(echo.HeaderContentType, downloadTypes[info.Kind])
	default:
		header.Set(echo.HeaderContentType, "application/octet-stream")
	}
	if info.SHA256 != "" {
		header.Set("ETag", `"`+info.SHA256+`"`)
	}
	if info.Name != downloads.SumsFile {
		header.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": info.Name}))
	}
	// A rebuild replaces the files under the same names: caches revalidate.
	header.Set("Cache-Control", "no-cache")
	http.ServeContent(c.Response(), c.Request(), info.Name, info.ModTime, f)
	return nil
}

type agentDownloadsJSON struct {
	// Available is false when the server has no agent builds; Hint then
	// says how to make them.
	Available bool                `json:"available"`
	Hint      string              `json:"hint,omitempty"`
	Version   string              `json:"version"`
	ServerURL *string             `json:"server_url"`
	SumsURL   string              `json:"sha256sums_url"`
	Files     []agentDownloadJSON `json:"files"`
}

type agentDownloadJSON struct {
	Name       string    `json:"name"`
	OS         string    `json:"os"`
	Arch       string    `json:"arch"`
	Kind       string    `json:"kind"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	URL        string    `json:"url"`
	ModifiedAt time.Time `json:"modified_at"`
}

const downloadsHint = "This server was built without the agent binaries. Run `make agent-dist` (or `make build`) " +
	"next to the server, or point CERTINEL_AGENT_DOWNLOADS_DIR at a directory holding them and their SHA256SUMS."

// listAgentDownloads: GET /api/v1/agent-downloads, what the dashboard offers
// in its install commands. URLs are paths on this server.
func (h *handler) listAgentDownloads(c echo.Context) error {
	out := agentDownloadsJSON{Version: h.version, SumsURL: downloadsPath + downloads.SumsFile, Files: []agentDownloadJSON{}}
	if h.publicURL != "" {
		out.ServerURL = &h.publicURL
	}
	files, err := h.downloads.List()
	if errors.Is(err, downloads.ErrUnavailable) {
		out.Hint = downloadsHint
		return c.JSON(http.StatusOK, out)
	}
	if err != nil {
		return err
	}
	out.Available = true
	for _, f := range files {
		out.Files = append(out.Files, agentDownloadJSON{Name: f.Name, OS: f.OS, Arch: f.Arch, Kind: f.Kind,
			Size: f.Size, SHA256: f.SHA256, URL: downloadsPath + f.Name, ModifiedAt: f.ModTime.UTC()})
	}
	return c.JSON(http.StatusOK, out)
}
