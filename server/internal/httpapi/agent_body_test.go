package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"certinel.dev/server/internal/store"
)

// The agent's bodies are decoded by a faster decoder than the API's other
// bodies, with encoding/json's rules: the same statuses and messages, a
// field named with its index in a list.
func TestAgentBodyErrors(t *testing.T) {
	srv := newServer(t, store.SQLite, false)
	a := srv.newTenant(t, "body@example.com")
	agent := srv.agentClient(t, a)
	for _, tc := range []struct {
		body, contentType string
		status            int
		field, message    string
	}{
		{``, "", http.StatusBadRequest, "", "request body is empty: send a JSON object"},
		{`{"batch_id":"cut","results":[`, "", http.StatusBadRequest, "", "malformed JSON: unexpected end of input"},
		{`{"batch_id":x}`, "", http.StatusBadRequest, "", "malformed JSON at byte 13: invalid character 'x' looking for beginning of value"},
		{`{"batch_id":"t","results":[]} {}`, "", http.StatusBadRequest, "", "malformed JSON at byte 31: invalid character '{' after top-level value"},
		{`{"batch_id":"u","results":[],"extra":1}`, "", http.StatusBadRequest, "extra", `unknown field "extra"`},
		{`{"batch_id":"p","results":[{"port":"443"}]}`, "", http.StatusBadRequest, "results.0.port", "results.0.port: want int, got string"},
		{`[1]`, "", http.StatusBadRequest, "", "malformed JSON: want an object, got array"},
		{`{"batch_id":"x"}`, "text/plain", http.StatusUnsupportedMediaType, "", "send Content-Type: application/json"},
	} {
		hdr := map[string]string{}
		if tc.contentType != "" {
			hdr["Content-Type"] = tc.contentType
		}
		r := agent.raw("POST", "/api/v1/agent/results", []byte(tc.body), hdr)
		var e struct {
			Error struct{ Field, Message string } `json:"error"`
		}
		_ = json.Unmarshal(r.Body, &e)
		if r.Status != tc.status || e.Error.Field != tc.field || e.Error.Message != tc.message {
			t.Errorf("%s: %d %q %q, want %d %q %q", tc.body, r.Status, e.Error.Field, e.Error.Message, tc.status, tc.field, tc.message)
		}
	}
	// Field names match whatever their case, and invalid UTF-8 becomes
	// U+FFFD, as encoding/json does: the batch is taken, not refused.
	body := `{"BATCH_ID":"case","results":[{"target_id":"` + strings.Repeat("z", 26) + "\",\"error\":\"bad \xff byte\"}]}"
	if r := agent.raw("POST", "/api/v1/agent/results", []byte(body), nil); r.Status != http.StatusOK {
		t.Errorf("batch with other case and invalid UTF-8: %d %s", r.Status, r.Body)
	}
}
