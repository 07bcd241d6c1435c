package scalebench

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"certinel.dev/server/internal/webui"
)

// A binary built without the dashboard is reported at once, not after
// Chromium waited a minute for a login form.
func TestServesDashboard(t *testing.T) {
	for name, tc := range map[string]struct {
		index string
		ok    bool
	}{
		"built":     {`<!doctype html><html><body><div id="root"></div></body></html>`, true},
		"not built": {`<!doctype html><html><body><p>built without the dashboard</p></body></html>`, false},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(webui.Serve(fstest.MapFS{"index.html": {Data: []byte(tc.index)}}))
			defer srv.Close()
			err := servesDashboard(context.Background(), srv.URL)
			if tc.ok && err != nil {
				t.Fatalf("servesDashboard: %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "no dashboard built in")) {
				t.Fatalf("servesDashboard = %v, want the missing dashboard named", err)
			}
		})
	}
}
