package httpapi

import (
	"path"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// compressMinBytes: below about a kilobyte gzip saves next to nothing, so
// shorter answers go out as they are.
const compressMinBytes = 1024

// compressedTypes are file types that gzip cannot shrink further.
var compressedTypes = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true,
	".woff": true, ".woff2": true, ".gz": true, ".br": true, ".zst": true, ".zip": true,
}

// compress gzips answers (the dashboard's files, JSON, CSV) for clients
// that accept it. There is no streamed answer that buffering the first
// kilobyte could hold up. The Prometheus exposition compresses itself
// (see metricsBody).
func compress() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		MinLength: compressMinBytes,
		Skipper: func(c echo.Context) bool {
			r := c.Request()
			// A byte range of the compressed body is not the range asked for.
			// A held control channel poll would keep a gzip writer for its
			// whole wait, for an answer of a few hundred bytes. Agent
			// downloads go as built: their Content-Length, ETag and ranges
			// describe the file, and gzipping megabytes per request is CPU
			// better spent elsewhere.
			return r.Header.Get("Range") != "" || compressedTypes[strings.ToLower(path.Ext(r.URL.Path))] ||
				r.URL.Path == channelPath || strings.HasPrefix(r.URL.Path, downloadsPath) || r.URL.Path == metricsPath
		},
	})
}
