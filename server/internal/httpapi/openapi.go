package httpapi

import (
	"bytes"
	"crypto/sha256"
	_ "embed" // the OpenAPI document
	"encoding/hex"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// openAPIDocument is the OpenAPI 3.1 description of the API, written by hand
// next to the handlers it describes. openapi_test.go fails when a registered
// route is missing from it (or a documented one is not registered) and when
// a real response does not match its schema.
//
//go:embed openapi/openapi.json
var openAPIDocument []byte

// openAPI serves the document to anyone: it describes the API, not any
// customer's data. It changes only with a release, so caches may keep it
// for an hour and then revalidate with the ETag.
func openAPI() echo.HandlerFunc {
	sum := sha256.Sum256(openAPIDocument)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", etag)
		// ServeContent answers If-None-Match with 304, handles HEAD, and
		// takes the content type from the .json name.
		http.ServeContent(c.Response(), c.Request(), "openapi.json", time.Time{}, bytes.NewReader(openAPIDocument))
		return nil
	}
}
