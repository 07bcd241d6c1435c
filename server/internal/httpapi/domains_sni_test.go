package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// TestVirtualHostsOnOneAddress: one address and port serving several names
// by SNI is monitored once per name, by hand and by import; the same name
// twice is refused with a conflict that names it, and an SNI equal to the
// host is the same endpoint as none.
func TestVirtualHostsOnOneAddress(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "vhosts@example.com")
		for _, sni := range []string{"a.example", "b.example", "c.example"} {
			a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "127.0.0.1", "port": 8443, "sni": sni}, nil)
		}
		wantConflict := func(what string, body map[string]any, field, names string) {
			t.Helper()
			r := a.browser.do("POST", "/api/v1/domains", body)
			var e struct {
				Error struct{ Code, Message, Field string } `json:"error"`
			}
			if err := json.Unmarshal(r.Body, &e); err != nil || r.Status != http.StatusConflict || e.Error.Code != "conflict" ||
				e.Error.Field != field || !strings.Contains(e.Error.Message, names) {
				t.Errorf("%s: %d %s, want 409 on %s naming %q", what, r.Status, r.Body, field, names)
			}
		}
		wantConflict("the same SNI again", map[string]any{"host": "127.0.0.1", "port": 8443, "sni": "B.example."}, "sni", "127.0.0.1:8443 (tls) with SNI b.example")
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "h.example", "port": 8443}, nil)
		wantConflict("an SNI equal to the host", map[string]any{"host": "h.example", "port": 8443, "sni": "h.example"}, "host", "h.example:8443 (tls) is already")

		csvType := map[string]string{"Content-Type": "text/csv"}
		file := "host,port,protocol,sni\n127.0.0.2,8443,tls,a.example\n127.0.0.2,8443,tls,b.example\n127.0.0.1,8443,tls,a.example\n"
		r := a.browser.raw("POST", "/api/v1/domains/import", []byte(file), csvType)
		var counts struct{ Created, Skipped int }
		if err := json.Unmarshal(r.Body, &counts); err != nil || r.Status != http.StatusOK || counts.Created != 2 || counts.Skipped != 1 {
			t.Fatalf("import of two names on one address and one monitored already: %d %s", r.Status, r.Body)
		}
		var l listOut[domainOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains?per_page=100", nil, &l)
		if l.Total != 6 {
			t.Errorf("domains after the writes: %d, want 6", l.Total)
		}
	})
}

// TestDiscoveredNameIsItsOwnEndpoint: an endpoint swept with one SNI at an
// address where the agent already monitors another name is new, and
// adopting it monitors that name instead of pointing at the other domain.
func TestDiscoveredNameIsItsOwnEndpoint(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "swept@example.com")
		var byHand domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains",
			map[string]any{"host": "127.0.0.3", "port": 8443, "sni": "a.example", "agent_id": a.agentID}, &byHand)
		var job discoveryJobOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/discovery-jobs",
			map[string]any{"agent_id": a.agentID, "hosts": []string{"127.0.0.3"}, "ports": "8443"}, &job)
		_, inter, rootDER, interDER := newCA(t)
		var res wire.ResultsResponse
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "sni-1", Results: []wire.Result{
			{DiscoveryJobID: job.ID, Address: "127.0.0.3", Port: 8443, Protocol: "tls", SNI: "b.example", ObservedAt: time.Now(),
				Chain: leafChain(t, inter, rootDER, interDER, "b.example", 60).base64()}}}, &res)
		var found listOut[discoveredOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/discovered", nil, &found)
		if res.Accepted != 1 || found.Total != 1 || found.Items[0].State != "new" || found.Items[0].DomainID != nil {
			t.Fatalf("b.example swept where a.example is monitored: %+v %+v", res, found)
		}
		var adopted adoptOut
		a.browser.must(http.StatusOK, "POST", "/api/v1/discovered/adopt", map[string]any{"ids": []string{found.Items[0].ID}}, &adopted)
		if len(adopted.Adopted) != 1 || !adopted.Adopted[0].Created || adopted.Adopted[0].DomainID == byHand.ID {
			t.Fatalf("adopt: %+v", adopted)
		}
		var d domainOut
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+adopted.Adopted[0].DomainID, nil, &d)
		if d.Host != "127.0.0.3" || d.SNI != "b.example" {
			t.Errorf("adopted domain: %+v", d)
		}
	})
}
