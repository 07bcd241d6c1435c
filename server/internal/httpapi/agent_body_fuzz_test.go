package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/labstack/echo/v4"

	"certinel.dev/shared/wire"
)

// FuzzDecodeAgentBody holds the agents' decoder to encoding/json's rules,
// as the rest of the API applies them: on any body, both take it or both
// refuse it with a client error, and what both take decodes alike.
func FuzzDecodeAgentBody(f *testing.F) {
	for _, seed := range []string{
		`{"batch_id":"b","agent_version":"1","results":[{"target_id":"t","observed_at":"2026-01-02T03:04:05Z","chain":["AAEC"],"port":443}]}`,
		`{"BATCH_ID":"b","results":[{"error":"x\u0000y","duration_ms":-1}]}`,
		"{\"batch_id\":\"\xff\",\"batch_id\":\"again\"}",
		`{"results":[{"port":"443"}]}`, `{"extra":1}`, `[]`, `null`, `{} {}`, `{"results":[{"observed_at":"yesterday"}]}`, ``,
	} {
		f.Add([]byte(seed))
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		hr := httptest.NewRequest(http.MethodPost, "/api/v1/agent/results", bytes.NewReader(body))
		var got wire.ResultsRequest
		err := decodeAgentJSON(e.NewContext(hr, httptest.NewRecorder()), maxResultsJSON, &got)
		var api *apiError
		if err != nil && (!errors.As(err, &api) || api.Status != http.StatusBadRequest) {
			t.Fatalf("%q: %v, want a 400", body, err)
		}

		var want wire.ResultsRequest
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		stdErr := dec.Decode(&want)
		if stdErr == nil {
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				stdErr = errors.New("data after the object")
			}
		}
		switch {
		case (err == nil) != (stdErr == nil):
			t.Fatalf("%q: agent decoder says %v, encoding/json says %v", body, err, stdErr)
		case err == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("%q: decoded %+v, encoding/json %+v", body, got, want)
		}
	})
}
