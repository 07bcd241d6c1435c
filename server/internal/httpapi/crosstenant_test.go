package httpapi_test

import (
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/httpapi"
	"certinel.dev/shared/wire"
)

// TestCrossTenantEveryRoute: an owner of another organization calls every
// route that names an object, with the IDs of the first organization's
// objects, and gets 404 every time: the same answer as for an ID that
// does not exist, so it learns nothing.
func TestCrossTenantEveryRoute(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "victim@example.com")
		var dom domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "secret.internal", "agent_id": a.agentID}, &dom)
		root, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "secret.internal", 50)
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "x",
			Results: []wire.Result{{TargetID: dom.ID, ObservedAt: time.Now().UTC(), Chain: chain.base64()}}}, nil)
		// A certificate file on their agent's host.
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "file",
			Results: []wire.Result{{ObservedAt: time.Now().UTC(), Chain: chain.base64(),
				File: &wire.FileItem{Host: "build01", Path: "/etc/ssl/secret.pem", Format: wire.FileFormatPEM}}}}, nil)
		var files listOut[created]
		a.browser.must(http.StatusOK, "GET", "/api/v1/file-sources", nil, &files)
		if files.Total != 1 {
			t.Fatal("no file item to probe with")
		}
		// An event and a maintenance window of theirs.
		var soon domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "soon.internal", "agent_id": a.agentID}, &soon)
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "soon",
			Results: []wire.Result{{TargetID: soon.ID, ObservedAt: time.Now().UTC(),
				Chain: overdueChain(t, inter, rootDER, interDER, "soon.internal", 5).base64()}}}, nil)
		var events listOut[created]
		a.browser.must(http.StatusOK, "GET", "/api/v1/events?state=open", nil, &events)
		if events.Total == 0 {
			t.Fatal("no event to probe with")
		}
		var window created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/maintenance-windows", map[string]any{"name": "w",
			"scope": map[string]string{"type": "domain", "value": dom.ID}, "recurrence": "weekly", "weekdays": []string{"sun"},
			"start_time": "02:00", "duration_minutes": 60, "time_zone": "Europe/Berlin"}, &window)
		var bundle, acmeDir, ch, rule, job, inv, tok created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/ca-bundles", map[string]string{"name": "b",
			"pem": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.cert.Raw}))}, &bundle)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/acme-directories", map[string]string{"name": "d",
			"directory_url": "https://acme.internal/directory", "issuer_sha256": fingerprint(chain.ders[1])}, &acmeDir)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/channels", map[string]any{"type": "email", "name": "m",
			"config": map[string]any{"recipients": []string{"a@example.com"}}}, &ch)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/alert-rules", map[string]any{"name": "r", "channel_ids": []string{ch.ID}}, &rule)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/discovery-jobs", map[string]any{"agent_id": a.agentID, "hosts": []string{"10.0.0.0/30"}}, &job)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/invitations", map[string]string{"email": "new@example.com", "role": "viewer"}, &inv)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "t", "scope": "read"}, &tok)
		var check created
		a.browser.must(http.StatusAccepted, "POST", "/api/v1/domains/"+dom.ID+"/check", nil, &check)
		requireApproval(t, a, true)
		_, enrollment := holdEnrollment(t, srv.bearerClient(t, joinToken(t, a)))
		var sessions listOut[created]
		a.browser.must(http.StatusOK, "GET", "/api/v1/account/sessions", nil, &sessions)
		ids := map[string]string{
			"/check-requests/":      check.ID,
			"/domains/":             dom.ID,
			"/file-sources/":        files.Items[0].ID,
			"/agents/":              a.agentID,
			"/tokens/":              tok.ID,
			"/ca-bundles/":          bundle.ID,
			"/acme-directories/":    acmeDir.ID,
			"/channels/":            ch.ID,
			"/alert-rules/":         rule.ID,
			"/discovery-jobs/":      job.ID,
			"/invitations/":         inv.ID,
			"/members/":             a.session.User.ID,
			"/certificates/":        fingerprint(chain.ders[0]),
			"/events/":              events.Items[0].ID,
			"/maintenance-windows/": window.ID,
			"/agent-enrollments/":   enrollment.EnrollmentID,
			"/account/sessions/":    sessions.Items[0].ID,
		}

		b, _ := srv.signup(t, "intruder@example.com")
		e := httpapi.New(httpapi.Deps{Store: srv.store})
		probed := 0
		for _, r := range e.Routes() {
			i := strings.LastIndex(r.Path, "/:")
			// Outside the API only the public agent downloads take a
			// parameter: files, no organization's data.
			if i < 0 || strings.HasPrefix(r.Method, "echo_") || !strings.HasPrefix(r.Path, "/api/v1/") {
				continue
			}
			// An agent polls its enrollment with the join token it spent,
			// not as a member of an organization: any other caller gets 401
			// (TestEnrollmentApprovalIssuesForTheSubmittedKey).
			if strings.HasPrefix(r.Path, "/"+wire.EnrollmentsPath) {
				continue
			}
			prefix := r.Path[:i+1]
			id, matched, ok := "", "", false
			for k, v := range ids {
				if strings.HasSuffix(prefix, k) {
					id, matched, ok = v, k, true
				}
			}
			if !ok {
				t.Errorf("%s %s: no object of the first organization to probe it with", r.Method, r.Path)
				continue
			}
			path := prefix + id
			if j := strings.Index(r.Path[i+2:], "/"); j >= 0 {
				path += r.Path[i+2+j:] // e.g. /channels/:id/test
			}
			body := map[string]string{"/domains/": `{"port":444}`, "/members/": `{"role":"viewer"}`, "/discovery-jobs/": `{"ports":"443"}`}[matched]
			switch {
			case strings.HasSuffix(r.Path, "/token"):
				body = `{"mode":"revoke"}` // the rotation that would take the agent over
			case body == "":
				body = `{"name":"x"}`
			}
			res := b.raw(r.Method, path, []byte(body), map[string]string{"Content-Type": "application/json"})
			probed++
			if res.Status != http.StatusNotFound {
				t.Errorf("%s %s by another organization: %d %s", r.Method, path, res.Status, res.Body)
			}
			if strings.Contains(string(res.Body), "secret.internal") || strings.Contains(string(res.Body), "victim") {
				t.Errorf("%s %s leaks: %s", r.Method, path, res.Body)
			}
		}
		if probed < 20 {
			t.Fatalf("only %d routes probed", probed)
		}
		// Nothing of the first organization changed.
		var got domainOut
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+dom.ID, nil, &got)
		if got.Port != 443 || got.Host != "secret.internal" {
			t.Fatalf("domain changed: %+v", got)
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/channels/"+ch.ID, nil, nil)
		a.browser.must(http.StatusOK, "GET", "/api/v1/discovery-jobs/"+job.ID, nil, nil)
		var ev struct {
			AcknowledgedAt *time.Time `json:"acknowledged_at"`
			SnoozedUntil   *time.Time `json:"snoozed_until"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/events/"+events.Items[0].ID, nil, &ev)
		if ev.AcknowledgedAt != nil || ev.SnoozedUntil != nil {
			t.Fatalf("another organization acknowledged or snoozed the event: %+v", ev)
		}
	})
}
