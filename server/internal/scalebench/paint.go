package scalebench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// paintScript times the dashboard's pages in Chromium (playwright-core,
// from the frontend's own node_modules).
const paintScript = "scripts/first-paint.mjs"

// paintTimeout bounds the whole browser run.
const paintTimeout = 5 * time.Minute

// pagePaint is one dashboard page's timings, in milliseconds from the
// start of its navigation, over a few fresh navigations.
type pagePaint struct {
	Page       string
	Runs       int          `json:"runs"`
	FirstPaint *paintFigure `json:"first_paint_ms"`
	Ready      *paintFigure `json:"ready_ms"`
}

type paintFigure struct {
	Median int64 `json:"median"`
	Max    int64 `json:"max"`
}

// measurePaint logs in as the first organization's owner and times the
// overview, the domain list and the inventory. It returns why it could not
// when the frontend's packages or Chromium are missing.
func measurePaint(ctx context.Context, frontend, baseURL string) ([]pagePaint, error) {
	if frontend == "" {
		return nil, fmt.Errorf("skipped (-frontend is empty)")
	}
	if _, err := os.Stat(filepath.Join(frontend, "node_modules", "playwright-core")); err != nil {
		return nil, fmt.Errorf("skipped: no playwright-core in %s/node_modules (run npm ci there)", frontend)
	}
	chromium := os.Getenv("CHROMIUM_PATH")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		return nil, fmt.Errorf("skipped: no Chromium at %s", chromium)
	}
	ctx, cancel := context.WithTimeout(ctx, paintTimeout)
	defer cancel()
	if err := servesDashboard(ctx, baseURL); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", paintScript)
	cmd.Dir = frontend
	cmd.Env = append(os.Environ(), "PAINT_URL="+baseURL, "PAINT_EMAIL="+ownerEmail(0),
		"PAINT_PASSWORD="+ownerPassword, "CHROMIUM_PATH="+chromium)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("first-paint: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var byPage map[string]pagePaint
	if err := json.Unmarshal(stdout.Bytes(), &byPage); err != nil {
		return nil, fmt.Errorf("first-paint: read its answer: %w", err)
	}
	out := make([]pagePaint, 0, len(byPage))
	for name, p := range byPage {
		p.Page = name
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Page < out[j].Page })
	return out, nil
}

// servesDashboard tells whether the server's binary has the dashboard built
// in: one built by `make server` alone serves a page saying it has none,
// which Chromium would wait on for a login form that never comes.
func servesDashboard(ctx context.Context, baseURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/login", nil)
	if err != nil {
		return fmt.Errorf("first-paint: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("first-paint: load the dashboard: %w", err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("first-paint: load the dashboard: %w", err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte(`<div id="root">`)) {
		return fmt.Errorf("skipped: the server binary has no dashboard built in (build it with make build, or make ui before make server)")
	}
	return nil
}

func (r Report) writePaint(w io.Writer) {
	if r.PaintSkipped != "" {
		fmt.Fprintf(w, "Dashboard in Chromium: %s.\n\n", r.PaintSkipped)
		return
	}
	if len(r.Paint) == 0 {
		return
	}
	fmt.Fprintf(w, "| dashboard page (organization 1, Chromium) | navigations | first paint, median / max | data on screen, median / max |\n|---|---|---|---|\n")
	fig := func(f *paintFigure) string {
		if f == nil {
			return "not reported"
		}
		return fmt.Sprintf("%s / %s ms", thousands(f.Median), thousands(f.Max))
	}
	for _, p := range r.Paint {
		fmt.Fprintf(w, "| %s | %d | %s | %s |\n", p.Page, p.Runs, fig(p.FirstPaint), fig(p.Ready))
	}
	fmt.Fprintln(w)
}
