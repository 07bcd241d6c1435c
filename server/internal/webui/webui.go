// Package webui serves the built dashboard from the binary, with a fallback
// to index.html for client-side routes. `make ui` copies frontend/dist into
// dist/; a binary built without it serves a page that says so.
package webui

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

var (
	//go:embed all:dist
	dist embed.FS
	//go:embed fallback
	fallback embed.FS
)

// Handler serves the dashboard. Hashed assets are cached for a year; the
// index page is revalidated so that a deploy is picked up at once.
func Handler() http.Handler {
	root, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	if _, err := fs.Stat(root, "index.html"); err != nil {
		if root, err = fs.Sub(fallback, "fallback"); err != nil {
			panic(err)
		}
	}
	return Serve(root)
}

// Serve serves the single-page app whose files are in root.
func Serve(root fs.FS) http.Handler {
	files := http.FileServerFS(root)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p != "" && p != "." {
			if _, err := fs.Stat(root, p); err != nil {
				// Unknown paths are client-side routes of the single-page app.
				r = r.Clone(r.Context())
				r.URL.Path = "/"
				p = ""
			}
		}
		if strings.HasPrefix(p, "assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}
