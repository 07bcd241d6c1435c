package httpapi_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

func TestDomainsCSV(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "csv@example.com")
		csvType := map[string]string{"Content-Type": "text/csv"}
		good := "host,port,protocol,agent,tags\nwww.example.com,,,,prod;web\nmail.internal,587,smtp,dc1,mail\n10.0.0.1,8443,tls,dc1,\n"
		// One bad row sinks the import and says where.
		bad := good + "bad host,70000,gopher,nobody,\n"
		r := a.browser.raw("POST", "/api/v1/domains/import", []byte(bad), csvType)
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"row":5`) {
			t.Fatalf("bad import: %d %s", r.Status, r.Body)
		}
		var l listOut[domainOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains", nil, &l)
		if l.Total != 0 {
			t.Fatalf("a failed import wrote %d domains", l.Total)
		}
		var res struct{ Created, Skipped int }
		r = a.browser.raw("POST", "/api/v1/domains/import", []byte(good), csvType)
		r.json(t, &res)
		if r.Status != http.StatusOK || res.Created != 3 {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		// Exporting and importing back changes nothing.
		exp := a.browser.raw("GET", "/api/v1/domains/export", nil, nil)
		rows, err := csv.NewReader(strings.NewReader(string(exp.Body))).ReadAll()
		if err != nil || len(rows) != 4 || rows[0][0] != "host" {
			t.Fatalf("export: %v %q", err, exp.Body)
		}
		r = a.browser.raw("POST", "/api/v1/domains/import", []byte{}, csvType)
		if r.Status != http.StatusBadRequest {
			t.Errorf("empty import: %d", r.Status)
		}
		var back []string
		for _, row := range rows {
			back = append(back, strings.Join(row[:6], ","))
		}
		r = a.browser.raw("POST", "/api/v1/domains/import", []byte(strings.Join(back, "\n")), csvType)
		r.json(t, &res)
		if r.Status != http.StatusOK || res.Created != 0 || res.Skipped != 3 {
			t.Fatalf("re-import: %d %s", r.Status, r.Body)
		}
		if r := a.browser.raw("POST", "/api/v1/domains/import", []byte("hostname,port\nx,1\n"), csvType); r.Status != http.StatusBadRequest {
			t.Errorf("unknown column: %d", r.Status)
		}
		if r := a.browser.raw("POST", "/api/v1/domains/import", []byte(strings.Repeat("a", 5<<20)), csvType); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("huge import: %d", r.Status)
		}
	})
}

// TestExportDefusesFormulas: error text that agents report comes back in
// the export; a cell that a spreadsheet would run as a formula, even after
// leading blanks or line breaks, starts with an apostrophe.
func TestExportDefusesFormulas(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "formula@example.com")
		cells := map[string]string{
			"=1+1":                    "'=1+1",
			" =HYPERLINK(\"x\")":      "' =HYPERLINK(\"x\")",
			"\n=cmd|' /C calc'!A0":    "'\n=cmd|' /C calc'!A0",
			"\n\n@SUM(A1)":            "'\n\n@SUM(A1)",
			" \t +2":                  "' \t +2",
			"\t-3":                    "'\t-3",
			"\rplain":                 "'\rplain",
			"connection refused":      "connection refused",
			" read: connection reset": " read: connection reset",
		}
		agent := srv.agentClient(t, a)
		var results []wire.Result
		byHost := map[string]string{}
		i := 0
		for text, want := range cells {
			i++
			host := fmt.Sprintf("h%d.example", i)
			var d domainOut
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": host, "agent_id": a.agentID}, &d)
			results = append(results, wire.Result{TargetID: d.ID, ObservedAt: time.Now().UTC(), Error: text})
			byHost[host] = want
		}
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "formulas", Results: results}, nil)
		exp := a.browser.raw("GET", "/api/v1/domains/export", nil, nil)
		rows, err := csv.NewReader(strings.NewReader(string(exp.Body))).ReadAll()
		if err != nil || len(rows) != len(cells)+1 {
			t.Fatalf("export: %v %q", err, exp.Body)
		}
		last := len(rows[0]) - 1
		for _, row := range rows[1:] {
			if got, want := row[last], byHost[row[0]]; got != want {
				t.Errorf("%s: last_error cell %q, want %q", row[0], got, want)
			}
		}
	})
}
