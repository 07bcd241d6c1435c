package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certinel.dev/server/internal/downloads"
	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// newDownloadsServer serves the agent builds of dir.
func newDownloadsServer(t *testing.T, dir string) *testServer {
	t.Helper()
	st := storetest.Open(t, store.SQLite, store.Options{})
	e := httpapi.New(httpapi.Deps{Store: st, Log: slog.New(slog.NewTextHandler(testLog{t}, nil)),
		AgentDownloads: downloads.Dir{Path: dir}, Version: "v1.2.3-test"})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, store: st, routes: e.Routes()}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAgentDownloads: the files SHA256SUMS lists are served byte for byte
// without credentials, with their checksum, type, name, validators, HEAD and
// ranges; nothing else of the directory or outside it is, and the listing
// describes each file for the dashboard.
func TestAgentDownloads(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "agents")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Beyond the size the server would gzip, had it not to serve files as built.
	linux := append([]byte("\x7fELF pretend agent for linux/amd64"), bytes.Repeat([]byte(" padding"), 512)...)
	deb := []byte("!<arch> pretend package")
	writeFile(t, filepath.Join(dir, "certinel-agent-linux-amd64"), linux)
	writeFile(t, filepath.Join(dir, "certinel-agent_1.2.3_arm64.deb"), deb)
	writeFile(t, filepath.Join(dir, "unlisted.txt"), []byte("not offered"))
	writeFile(t, filepath.Join(root, "outside.txt"), []byte("private"))
	sums := fmt.Sprintf("%s  certinel-agent-linux-amd64\n%s *certinel-agent_1.2.3_arm64.deb\n%s  ../outside.txt\n%s  certinel-agent-darwin-arm64\n",
		sha256Hex(linux), sha256Hex(deb), sha256Hex([]byte("private")), strings.Repeat("0", 64))
	writeFile(t, filepath.Join(dir, downloads.SumsFile), []byte(sums))
	srv := newDownloadsServer(t, dir)
	anon := srv.client(t)

	r := anon.raw("GET", "/downloads/agent/certinel-agent-linux-amd64", nil, map[string]string{"Accept-Encoding": "gzip"})
	if r.Status != http.StatusOK || !bytes.Equal(r.Body, linux) || r.Header.Get("Content-Encoding") != "" {
		t.Fatalf("binary: %d %q", r.Status, r.Body)
	}
	for k, want := range map[string]string{
		"Content-Type":        "application/octet-stream",
		"Content-Disposition": "attachment; filename=certinel-agent-linux-amd64",
		"ETag":                `"` + sha256Hex(linux) + `"`,
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if r.Header.Get("Last-Modified") == "" {
		t.Error("no Last-Modified")
	}
	if r := anon.raw("GET", "/downloads/agent/certinel-agent_1.2.3_arm64.deb", nil, nil); r.Status != http.StatusOK ||
		!bytes.Equal(r.Body, deb) || r.Header.Get("Content-Type") != "application/vnd.debian.binary-package" {
		t.Errorf("package: %d %q %v", r.Status, r.Body, r.Header)
	}
	if r := anon.raw("GET", "/downloads/agent/SHA256SUMS", nil, nil); r.Status != http.StatusOK || string(r.Body) != sums ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("SHA256SUMS: %d %q %v", r.Status, r.Body, r.Header)
	}
	if r := anon.raw("HEAD", "/downloads/agent/certinel-agent-linux-amd64", nil, nil); r.Status != http.StatusOK ||
		len(r.Body) != 0 || r.Header.Get("Content-Length") != fmt.Sprint(len(linux)) {
		t.Errorf("HEAD: %d %q %v", r.Status, r.Body, r.Header)
	}
	if r := anon.raw("GET", "/downloads/agent/certinel-agent-linux-amd64", nil, map[string]string{"Range": "bytes=1-3"}); r.Status != http.StatusPartialContent ||
		string(r.Body) != "ELF" {
		t.Errorf("range: %d %q", r.Status, r.Body)
	}
	if r := anon.raw("GET", "/downloads/agent/certinel-agent-linux-amd64", nil, map[string]string{"If-None-Match": `"` + sha256Hex(linux) + `"`}); r.Status != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.Status)
	}

	for _, path := range []string{
		"/downloads/agent/unlisted.txt",
		"/downloads/agent/..%2foutside.txt",
		"/downloads/agent/%2e%2e%2foutside.txt",
		"/downloads/agent/certinel-agent-darwin-arm64", // listed, missing
		"/downloads/agent/",
		"/downloads/agent/.",
	} {
		if r := anon.raw("GET", path, nil, nil); r.Status != http.StatusNotFound || bytes.Contains(r.Body, []byte("private")) ||
			bytes.Contains(r.Body, []byte("not offered")) || bytes.Contains(r.Body, []byte("linux-amd64")) {
			t.Errorf("%s: %d %q, want 404", path, r.Status, r.Body)
		}
	}

	anon.must(http.StatusUnauthorized, "GET", "/api/v1/agent-downloads", nil, nil)
	browser, _ := srv.signup(t, "dl@example.com")
	var list struct {
		Available bool   `json:"available"`
		Version   string `json:"version"`
		SumsURL   string `json:"sha256sums_url"`
		Files     []struct {
			Name, OS, Arch, Kind, SHA256, URL string
			Size                              int64
		} `json:"files"`
	}
	browser.must(http.StatusOK, "GET", "/api/v1/agent-downloads", nil, &list)
	if !list.Available || list.Version != "v1.2.3-test" || list.SumsURL != "/downloads/agent/SHA256SUMS" || len(list.Files) != 2 {
		t.Fatalf("listing: %+v", list)
	}
	bin, pkg := list.Files[0], list.Files[1]
	if bin.Name != "certinel-agent-linux-amd64" || bin.OS != "linux" || bin.Arch != "amd64" || bin.Kind != "binary" ||
		bin.SHA256 != sha256Hex(linux) || bin.Size != int64(len(linux)) || bin.URL != "/downloads/agent/certinel-agent-linux-amd64" {
		t.Errorf("binary entry: %+v", bin)
	}
	if pkg.OS != "linux" || pkg.Arch != "arm64" || pkg.Kind != "deb" || pkg.SHA256 != sha256Hex(deb) {
		t.Errorf("package entry: %+v", pkg)
	}
}

// TestAgentDownloadsMissing: a server built without the agents says so and
// how to build them, and serves nothing.
func TestAgentDownloadsMissing(t *testing.T) {
	for name, dir := range map[string]string{
		"missing directory": filepath.Join(t.TempDir(), "agents"),
		"empty directory":   t.TempDir(),
		"unset":             "",
	} {
		t.Run(name, func(t *testing.T) {
			srv := newDownloadsServer(t, dir)
			browser, _ := srv.signup(t, "dl@example.com")
			var list struct {
				Available bool              `json:"available"`
				Hint      string            `json:"hint"`
				Files     []json.RawMessage `json:"files"`
			}
			browser.must(http.StatusOK, "GET", "/api/v1/agent-downloads", nil, &list)
			if list.Available || !strings.Contains(list.Hint, "make agent-dist") || list.Files == nil || len(list.Files) != 0 {
				t.Errorf("listing: %+v", list)
			}
			for _, path := range []string{"/downloads/agent/SHA256SUMS", "/downloads/agent/certinel-agent-linux-amd64"} {
				if r := browser.raw("GET", path, nil, nil); r.Status != http.StatusNotFound {
					t.Errorf("%s: %d", path, r.Status)
				}
			}
		})
	}
}
