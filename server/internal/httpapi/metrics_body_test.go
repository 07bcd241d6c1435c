package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestMetricsBodyCutShort: an answer ended incomplete fails to read, in
// plain text as gzipped, even when what was sent ends with a whole line.
func TestMetricsBodyCutShort(t *testing.T) {
	e := echo.New()
	e.GET("/", func(c echo.Context) error {
		out, end := metricsBody(c, "text/plain; version=0.0.4; charset=utf-8")
		for i := range 5000 {
			fmt.Fprintf(out, "certinel_check_success{domain=\"h%05d.example\"} 1\n", i)
		}
		_ = out.Flush()
		return end(false)
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	for _, encoding := range []string{"identity", ""} {
		req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if encoding != "" {
			// Else the client asks for gzip and decompresses the answer.
			req.Header.Set("Accept-Encoding", encoding)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			continue // cut short before the headers: failed too
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Errorf("encoding %q: an answer cut short read whole (%d bytes)", encoding, len(body))
		}
	}
}
