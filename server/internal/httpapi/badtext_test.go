package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadTextIs400 sends NUL characters and bytes that are not UTF-8 in
// query parameters, path parameters and JSON fields: every one answers 400
// naming the field, on both databases (PostgreSQL used to fail with 500).
func TestBadTextIs400(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "text@example.com")
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "text.example"}, &d)
		params := []struct{ method, path, field string }{
			{"GET", "/api/v1/domains?q=%00", "q"},
			{"GET", "/api/v1/domains?q=caf%E9", "q"},
			{"GET", "/api/v1/domains?tag=a%00b", "tag"},
			{"GET", "/api/v1/domains?agent_id=%FF", "agent_id"},
			{"GET", "/api/v1/domains?status=ok&sort=%00", "sort"},
			{"GET", "/api/v1/domains/export?q=%C3%28", "q"},
			{"GET", "/api/v1/certificates?q=%00", "q"},
			{"GET", "/api/v1/certificates?issuer=%FE", "issuer"},
			{"GET", "/api/v1/events?domain_id=%00", "domain_id"},
			{"GET", "/api/v1/discovered?agent_id=%00", "agent_id"},
			{"GET", "/api/v1/discovery-jobs?agent_id=%80", "agent_id"},
			{"GET", "/api/v1/domains?%00=1", "\uFFFD"},
			{"GET", "/api/v1/domains/%00", "id"},
			{"GET", "/api/v1/domains/" + d.ID + "%FF", "id"},
			{"GET", "/api/v1/agents/%00", "id"},
			{"GET", "/api/v1/certificates/%00", "sha256"},
			{"DELETE", "/api/v1/tokens/%FF", "id"},
			{"DELETE", "/api/v1/members/%00", "user_id"},
		}
		for _, p := range params {
			want400(t, a.browser.do(p.method, p.path, nil), p.field, p.method+" "+p.path)
		}
		bodies := []struct{ method, path, body, field string }{
			{"POST", "/api/v1/agents", `{"name":"dc\u0000two"}`, "name"},
			{"POST", "/api/v1/agents", "{\"name\":\"dc\xfftwo\"}", "name"},
			{"PATCH", "/api/v1/agents/" + a.agentID, `{"name":"\u0000"}`, "name"},
			{"POST", "/api/v1/domains", `{"host":"x.example","tags":["ok","a\u0000"]}`, "tags[1]"},
			{"PATCH", "/api/v1/domains/" + d.ID, `{"sni":"x\u0000.example"}`, "sni"},
			{"POST", "/api/v1/tokens", "{\"name\":\"ci \xc3\x28\",\"scope\":\"read\"}", "name"},
			{"PATCH", "/api/v1/organization", `{"name":"Acme\u0000"}`, "name"},
			{"POST", "/api/v1/channels", `{"type":"email","name":"ops","config":{"recipients":["a@example.com","b\u0000@example.com"]}}`, "config.recipients[1]"},
			{"POST", "/api/v1/channels", `{"type":"webhook","name":"hook","config":{"u\u0000rl":"https://example.com"}}`, "config.u\uFFFDrl"},
			{"POST", "/api/v1/discovery-jobs", `{"agent_id":"` + a.agentID + `","hosts":["10.0.0.0/30","db\u0000"],"ports":"443"}`, "hosts[1]"},
			{"POST", "/api/v1/alert-rules", `{"name":"r\u0000","thresholds_days":[7],"events":["expiring"],"channel_ids":[]}`, "name"},
			{"POST", "/api/v1/invitations", `{"email":"new\u0000@example.com","role":"viewer"}`, "email"},
		}
		for _, b := range bodies {
			want400(t, a.browser.raw(b.method, b.path, []byte(b.body), nil), b.field, b.method+" "+b.path+" "+b.body)
		}
		// CSV import: each cell goes through the domain rules, which
		// refuse these characters too.
		for _, body := range []string{"host,tags\nok.example,a\x00b\n", "host,agent\nok.example,dc\xff\n", "host\nbad\x00.example\n"} {
			r := a.browser.raw("POST", "/api/v1/domains/import", []byte(body), map[string]string{"Content-Type": "text/csv"})
			if r.Status != http.StatusBadRequest || r.errorField() == "" {
				t.Errorf("import %q: %d %s", body, r.Status, r.Body)
			}
		}
		anon := srv.client(t)
		for _, b := range []struct{ path, body, field string }{
			{"/api/v1/auth/login", `{"email":"text\u0000@example.com","password":"correct horse battery"}`, "email"},
			{"/api/v1/auth/signup", "{\"email\":\"n@example.com\",\"password\":\"correct horse battery\",\"organization\":\"N \xff\"}", "organization"},
		} {
			want400(t, anon.raw("POST", b.path, []byte(b.body), nil), b.field, "POST "+b.path)
		}
		// The agent's batch ID is a name too; the text inside results is
		// the ingest's to make storable, one result at a time.
		want400(t, srv.agentClient(t, a).raw("POST", "/api/v1/agent/results",
			[]byte(`{"batch_id":"b\u0000","results":[{"target_id":"x"}]}`), nil), "batch_id", "batch_id with NUL")
		// Nothing above was stored.
		var l listOut[domainOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains", nil, &l)
		if l.Total != 1 || strings.ContainsRune(l.Items[0].Host, 0) {
			t.Errorf("domains after bad requests: %+v", l.Items)
		}
	})
}

func want400(t *testing.T, r response, field, what string) {
	t.Helper()
	if r.Status != http.StatusBadRequest || r.errorField() != field {
		t.Errorf("%s: %d field %q, want 400 field %q: %s", what, r.Status, r.errorField(), field, r.Body)
	}
}
