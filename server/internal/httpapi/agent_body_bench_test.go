package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/shared/wire"
)

// BenchmarkDecodeAgentResults decodes a batch of 100 results, each with a
// chain of three 1,300-byte certificates, as an agent sends them, plain
// and gzipped.
func BenchmarkDecodeAgentResults(b *testing.B) {
	req := wire.ResultsRequest{BatchID: "bench", AgentVersion: "1.0.0"}
	for i := range 100 {
		r := wire.Result{TargetID: fmt.Sprintf("%026d", i), Address: "10.0.0.1:443", Port: 443, Protocol: "tls",
			SNI: fmt.Sprintf("host%d.example.com", i), ObservedAt: time.Now(), DurationMS: 12, TLSVersion: "TLS 1.3",
			CipherSuite: "TLS_AES_128_GCM_SHA256", KeyExchange: "X25519MLKEM768"}
		for range 3 {
			der := make([]byte, 1300)
			_, _ = rand.Read(der)
			r.Chain = append(r.Chain, base64.StdEncoding.EncodeToString(der))
		}
		req.Results = append(req.Results, r)
	}
	body, err := json.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	if _, err := zw.Write(body); err != nil || zw.Close() != nil {
		b.Fatal("gzip the body")
	}
	e := echo.New()
	for _, enc := range []struct {
		name, header string
		body         []byte
	}{{"plain", "", body}, {"gzip", "gzip", zipped.Bytes()}} {
		b.Run(enc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				hr := httptest.NewRequest(http.MethodPost, "/api/v1/agent/results", bytes.NewReader(enc.body))
				hr.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
				hr.Header.Set(echo.HeaderContentEncoding, enc.header)
				var got wire.ResultsRequest
				if err := decodeAgentJSON(e.NewContext(hr, httptest.NewRecorder()), maxResultsJSON, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
