package httpapi_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type auditRow struct {
	ActorType  string `json:"actor_type"`
	ActorID    string `json:"actor_id"`
	ActorName  string `json:"actor_name"`
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	TargetName string `json:"target_name"`
}

func auditPage(t *testing.T, c *client, query url.Values) listOut[auditRow] {
	t.Helper()
	var out listOut[auditRow]
	c.must(http.StatusOK, "GET", "/api/v1/audit-log?"+query.Encode(), nil, &out)
	return out
}

// TestAuditLogNamesAndFilters: entries name their actor and target as they
// are called now, filter by actor, action and time, and stay within the
// organization.
func TestAuditLogNamesAndFilters(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "auditor@example.com")
		var script created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "deploy script", "scope": "write"}, &script)
		srv.bearerClient(t, script.Token).must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "by-script.example"}, nil)
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/agents/"+a.agentID, map[string]string{"name": "dc1-renamed"}, nil)

		created := auditPage(t, a.browser, url.Values{"action": {"agent.create"}})
		if created.Total != 1 || created.Items[0].TargetName != "dc1-renamed" || created.Items[0].ActorName != "auditor@example.com" {
			t.Fatalf("agent.create entries: %+v", created)
		}
		byScript := auditPage(t, a.browser, url.Values{"actor_type": {"token"}, "actor_id": {script.ID}})
		if byScript.Total != 1 || byScript.Items[0].Action != "domain.create" || byScript.Items[0].ActorName != "deploy script" ||
			byScript.Items[0].TargetName != "by-script.example" {
			t.Fatalf("entries by the script's token: %+v", byScript)
		}
		all := auditPage(t, a.browser, url.Values{})
		today := time.Now().UTC().Format(time.DateOnly)
		if got := auditPage(t, a.browser, url.Values{"from": {today}, "to": {today}}); got.Total != all.Total {
			t.Errorf("today's entries: %d, want all %d", got.Total, all.Total)
		}
		if got := auditPage(t, a.browser, url.Values{"to": {"2001-01-01"}}); got.Total != 0 {
			t.Errorf("entries before 2001: %d", got.Total)
		}
		if got := auditPage(t, a.browser, url.Values{"from": {time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}}); got.Total != 0 {
			t.Errorf("entries in the next hour: %d", got.Total)
		}
		for q, field := range map[string]string{"from=yesterday": "from", "to=2020-13-01": "to", "from=2021-01-02&to=2021-01-01": "to"} {
			if r := a.browser.do("GET", "/api/v1/audit-log?"+q, nil); r.Status != http.StatusBadRequest || r.errorField() != field {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}

		var facets struct {
			Actors  []struct{ Type, ID, Name string } `json:"actors"`
			Actions []string                          `json:"actions"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/audit-log/facets", nil, &facets)
		names := map[string]bool{}
		for _, f := range facets.Actors {
			names[f.Name] = true
		}
		if !names["auditor@example.com"] || !names["deploy script"] || !strings.Contains(strings.Join(facets.Actions, ","), "agent.update") {
			t.Errorf("facets: %+v", facets)
		}

		// Another organization sees none of it, even asking by actor.
		b := srv.newTenant(t, "other@example.com")
		if got := auditPage(t, b.browser, url.Values{"actor_id": {script.ID}}); got.Total != 0 {
			t.Errorf("other tenant sees %d entries of the script", got.Total)
		}
		b.browser.must(http.StatusOK, "GET", "/api/v1/audit-log/facets", nil, &facets)
		for _, f := range facets.Actors {
			if f.ID == script.ID || f.Name == "auditor@example.com" {
				t.Errorf("other tenant's facets list %+v", f)
			}
		}
		exp := b.browser.raw("GET", "/api/v1/audit-log/export", nil, nil)
		if strings.Contains(string(exp.Body), "deploy script") || strings.Contains(string(exp.Body), script.ID) {
			t.Errorf("other tenant's export holds the first tenant's entries:\n%s", exp.Body)
		}
	})
}

// TestAuditExportDefusesFormulas: names chosen by users come back in the
// audit export; one a spreadsheet would run as a formula starts with an
// apostrophe.
func TestAuditExportDefusesFormulas(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "csv-audit@example.com")
		var tok created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "=HYPERLINK(\"http://x\")", "scope": "write"}, &tok)
		srv.bearerClient(t, tok.Token).must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "csv.example"}, nil)
		exp := a.browser.raw("GET", "/api/v1/audit-log/export?action=token.create", nil, nil)
		if exp.Status != http.StatusOK || !strings.HasPrefix(exp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", exp.Status, exp.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(string(exp.Body))).ReadAll()
		if err != nil {
			t.Fatalf("export: %v %q", err, exp.Body)
		}
		col := map[string]int{}
		for i, name := range rows[0] {
			col[name] = i
		}
		var tokenRows int
		for _, row := range rows[1:] {
			if row[col["action"]] != "token.create" {
				t.Errorf("filtered export holds %q", row[col["action"]])
			}
			if row[col["target_id"]] == tok.ID {
				tokenRows++
				if got := row[col["target"]]; got != "'=HYPERLINK(\"http://x\")" {
					t.Errorf("target cell %q", got)
				}
				if got := row[col["details"]]; !strings.HasPrefix(got, "{") {
					t.Errorf("details cell %q", got)
				}
			}
		}
		if tokenRows != 1 {
			t.Fatalf("export rows for the token: %d\n%s", tokenRows, exp.Body)
		}
		byToken := a.browser.raw("GET", "/api/v1/audit-log/export?actor_id="+tok.ID, nil, nil)
		rows, _ = csv.NewReader(strings.NewReader(string(byToken.Body))).ReadAll()
		if len(rows) != 2 || rows[1][col["actor"]] != "'=HYPERLINK(\"http://x\")" {
			t.Errorf("export by the token: %q", byToken.Body)
		}
	})
}
