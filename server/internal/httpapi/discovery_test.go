package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

type discoveryJobOut struct {
	ID              string   `json:"id"`
	AgentID         string   `json:"agent_id"`
	Hosts           []string `json:"hosts"`
	Ports           string   `json:"ports"`
	IntervalSeconds int      `json:"interval_seconds"`
	RatePerSecond   int      `json:"rate_per_second"`
	AutoAdopt       bool     `json:"auto_adopt"`
}

type discoveredOut struct {
	ID             string   `json:"id"`
	AgentID        string   `json:"agent_id"`
	DiscoveryJobID *string  `json:"discovery_job_id"`
	Address        string   `json:"address"`
	Port           int      `json:"port"`
	Protocol       string   `json:"protocol"`
	SNI            string   `json:"sni"`
	SHA256         string   `json:"sha256"`
	DaysLeft       *int     `json:"days_left"`
	TrustStatus    string   `json:"trust_status"`
	SuggestedNames []string `json:"suggested_names"`
	State          string   `json:"state"`
	DomainID       *string  `json:"domain_id"`
}

type adoptOut struct {
	Adopted []struct {
		ID       string `json:"id"`
		DomainID string `json:"domain_id"`
		Created  bool   `json:"created"`
	} `json:"adopted"`
	NotFound []string `json:"not_found"`
}

func TestDiscoveryJobs(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "dj@example.com")
		var job discoveryJobOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/discovery-jobs",
			map[string]any{"agent_id": a.agentID, "hosts": []string{"10.0.0.0/24", " db.internal "}}, &job)
		if job.IntervalSeconds != 86400 || job.RatePerSecond != 50 || job.AutoAdopt ||
			job.Ports != "25,110,143,389,443,465,587,636,853,989-990,992-993,995,5222,5432,8443" ||
			strings.Join(job.Hosts, " ") != "10.0.0.0/24 db.internal" {
			t.Fatalf("defaults: %+v", job)
		}

		var patched discoveryJobOut
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/discovery-jobs/"+job.ID,
			map[string]any{"add_hosts": []string{"10.0.1.5", "db.internal"}, "add_ports": "8000-8002", "rate_per_second": 200}, &patched)
		if len(patched.Hosts) != 3 || !strings.HasSuffix(patched.Ports, ",5432,8000-8002,8443") || patched.RatePerSecond != 200 {
			t.Fatalf("extended: %+v", patched)
		}
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/discovery-jobs/"+job.ID,
			map[string]any{"hosts": []string{"10.0.2.0/28"}, "ports": "443, 8443", "interval_seconds": 3600, "auto_adopt": true}, &patched)
		if strings.Join(patched.Hosts, " ") != "10.0.2.0/28" || patched.Ports != "443,8443" || patched.IntervalSeconds != 3600 || !patched.AutoAdopt {
			t.Fatalf("replaced: %+v", patched)
		}

		var listed listOut[discoveryJobOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/discovery-jobs?agent_id="+a.agentID, nil, &listed)
		if listed.Total != 1 || listed.Items[0].ID != job.ID {
			t.Fatalf("list: %+v", listed)
		}
		var targets wire.TargetsResponse
		srv.agentClient(t, a).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, &targets)
		if len(targets.Discovery) != 1 || targets.Discovery[0].Ports != "443,8443" || targets.Discovery[0].RatePerSecond != 50 && targets.Discovery[0].RatePerSecond != 200 {
			t.Fatalf("agent discovery: %+v", targets.Discovery)
		}

		b := srv.newTenant(t, "other@example.com")
		b.browser.must(http.StatusNotFound, "GET", "/api/v1/discovery-jobs/"+job.ID, nil, nil)
		b.browser.must(http.StatusNotFound, "PATCH", "/api/v1/discovery-jobs/"+job.ID, map[string]any{"ports": "443"}, nil)
		b.browser.must(http.StatusNotFound, "DELETE", "/api/v1/discovery-jobs/"+job.ID, nil, nil)
		r := b.browser.do("POST", "/api/v1/discovery-jobs", map[string]any{"agent_id": a.agentID, "hosts": []string{"10.0.0.1"}})
		if r.Status != http.StatusBadRequest || r.errorField() != "agent_id" {
			t.Fatalf("foreign agent: %d %s", r.Status, r.Body)
		}

		a.browser.must(http.StatusNoContent, "DELETE", "/api/v1/discovery-jobs/"+job.ID, nil, nil)
		a.browser.must(http.StatusNotFound, "GET", "/api/v1/discovery-jobs/"+job.ID, nil, nil)
	})
}

func TestDiscoveryJobValidation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "djv@example.com")
		cases := []struct {
			name  string
			body  map[string]any
			field string
			text  string
		}{
			{"oversized cidr", map[string]any{"hosts": []string{"10.0.0.0/8"}}, "hosts", "more than the limit of 65536"},
			{"oversized ipv6", map[string]any{"hosts": []string{"fd00::/48"}}, "hosts", "2^80"},
			{"bad cidr", map[string]any{"hosts": []string{"10.0.0.0/40"}}, "hosts", "prefix length"},
			{"empty hosts", map[string]any{"hosts": []string{}}, "hosts", "required"},
			{"missing hosts", map[string]any{}, "hosts", "required"},
			{"bad host", map[string]any{"hosts": []string{"exa mple"}}, "hosts", ""},
			{"malformed address range", map[string]any{"hosts": []string{"10.0.0.1-10.0.0.20"}}, "hosts", "numeric label"},
			{"port zero", map[string]any{"hosts": []string{"10.0.0.1"}, "ports": "0"}, "ports", "out of range"},
			{"port too big", map[string]any{"hosts": []string{"10.0.0.1"}, "ports": "443,70000"}, "ports", "out of range"},
			{"range without end", map[string]any{"hosts": []string{"10.0.0.1"}, "ports": "8000-"}, "ports", "no end"},
			{"reversed range", map[string]any{"hosts": []string{"10.0.0.1"}, "ports": "9000-8000"}, "ports", "reversed"},
			{"range with junk", map[string]any{"hosts": []string{"10.0.0.1"}, "ports": "80-90-100"}, "ports", ""},
			{"too many probes", map[string]any{"hosts": []string{"10.0.0.0/16"}, "ports": "1-1000"}, "ports", "probes"},
			{"rate too high", map[string]any{"hosts": []string{"10.0.0.1"}, "rate_per_second": 5000}, "rate_per_second", ""},
			{"interval too short", map[string]any{"hosts": []string{"10.0.0.1"}, "interval_seconds": 10}, "interval_seconds", ""},
			{"unknown agent", map[string]any{"hosts": []string{"10.0.0.1"}, "agent_id": "nope"}, "agent_id", "no such agent"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if _, ok := tc.body["agent_id"]; !ok {
					tc.body["agent_id"] = a.agentID
				}
				r := a.browser.do("POST", "/api/v1/discovery-jobs", tc.body)
				if r.Status != http.StatusBadRequest || r.errorField() != tc.field || !strings.Contains(string(r.Body), tc.text) {
					t.Fatalf("status %d field %q, want 400 naming %q with %q: %s", r.Status, r.errorField(), tc.field, tc.text, r.Body)
				}
			})
		}
		var job discoveryJobOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/discovery-jobs", map[string]any{"agent_id": a.agentID, "hosts": []string{"10.0.0.0/16"}, "ports": "443"}, &job)
		r := a.browser.do("PATCH", "/api/v1/discovery-jobs/"+job.ID, map[string]any{"add_hosts": []string{"10.1.0.0/24"}})
		if r.Status != http.StatusBadRequest || r.errorField() != "hosts" {
			t.Fatalf("add_hosts over the cap: %d %s", r.Status, r.Body)
		}
	})
}

// TestDiscoveredEndpoints pushes discovery results and follows them through
// the inventory: listed new, certificates judged before adoption, adopted
// into domains, ignored, invisible to another organization.
func TestDiscoveredEndpoints(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "disc@example.com")
		var job discoveryJobOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/discovery-jobs", map[string]any{"agent_id": a.agentID, "hosts": []string{"10.9.0.0/24"}}, &job)

		_, inter, rootDER, interDER := newCA(t)
		fresh := leafChain(t, inter, rootDER, interDER, "app.internal", 60)
		expired := leafChain(t, inter, rootDER, interDER, "old.internal", -1)
		mail := leafChain(t, inter, rootDER, interDER, "mail.internal", 90)
		now := time.Now().UTC()
		agent := srv.agentClient(t, a)
		batch := wire.ResultsRequest{BatchID: "d-1", Results: []wire.Result{
			{DiscoveryJobID: job.ID, Address: "10.9.0.5", Port: 443, Protocol: "tls", ObservedAt: now, TLSVersion: "TLS 1.3", Chain: fresh.base64()},
			{DiscoveryJobID: job.ID, Address: "10.9.0.6", Port: 8443, Protocol: "tls", ObservedAt: now, Chain: expired.base64()},
			{DiscoveryJobID: job.ID, Address: "10.9.0.7", Port: 25, Protocol: "smtp", ObservedAt: now, Chain: mail.base64()},
			{DiscoveryJobID: "not-mine", Address: "10.9.0.8", Port: 443, Protocol: "tls", ObservedAt: now, Chain: fresh.base64()},
			{DiscoveryJobID: job.ID, Address: "10.9.0.9", Port: 443, Protocol: "tls", ObservedAt: now, Error: "refused"},
			{DiscoveryJobID: job.ID, Address: "10.9.0.9", Port: 0, Protocol: "tls", ObservedAt: now, Chain: fresh.base64()},
		}}
		var res wire.ResultsResponse
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", batch, &res)
		if res.Accepted != 3 || len(res.Rejected) != 3 || res.Rejected[0].Index != 3 || !strings.Contains(res.Rejected[0].Error, "not a discovery job of this agent") {
			t.Fatalf("results: %+v", res)
		}
		agent.must(http.StatusConflict, "POST", "/api/v1/agent/results", batch, nil)

		var found listOut[discoveredOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/discovered?state=new&job_id="+job.ID, nil, &found)
		if found.Total != 3 {
			t.Fatalf("discovered: %+v", found)
		}
		byAddr := map[string]discoveredOut{}
		for _, d := range found.Items {
			byAddr[d.Address] = d
		}
		app := byAddr["10.9.0.5"]
		if app.SHA256 != fingerprint(fresh.ders[0]) || app.Port != 443 || app.State != "new" || app.TrustStatus == "" ||
			strings.Join(app.SuggestedNames, ",") != "app.internal" || app.AgentID != a.agentID {
			t.Fatalf("endpoint: %+v", app)
		}
		if byAddr["10.9.0.7"].Protocol != "smtp" {
			t.Fatalf("smtp endpoint: %+v", byAddr["10.9.0.7"])
		}

		// The expired certificate is in the inventory before anyone adopts it.
		var inv listOut[struct {
			SHA256   string `json:"sha256"`
			DaysLeft int    `json:"days_left"`
			Trust    string `json:"trust_status"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates?expires_before="+now.Format(time.RFC3339), nil, &inv)
		if inv.Total != 1 || inv.Items[0].SHA256 != fingerprint(expired.ders[0]) || inv.Items[0].DaysLeft >= 0 || inv.Items[0].Trust == "" {
			t.Fatalf("inventory: %+v", inv)
		}

		// A domain added by hand makes the matching endpoint known.
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "10.9.0.7", "port": 25, "protocol": "smtp", "agent_id": a.agentID}, nil)
		var known listOut[discoveredOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/discovered?state=known", nil, &known)
		if known.Total != 1 || known.Items[0].Address != "10.9.0.7" || known.Items[0].DomainID == nil {
			t.Fatalf("known: %+v", known)
		}

		b := srv.newTenant(t, "intruder@example.com")
		b.browser.must(http.StatusNotFound, "POST", "/api/v1/discovered/adopt", map[string]any{"ids": []string{app.ID}}, nil)
		b.browser.must(http.StatusNotFound, "POST", "/api/v1/discovered/ignore", map[string]any{"ids": []string{app.ID}}, nil)
		var none listOut[discoveredOut]
		b.browser.must(http.StatusOK, "GET", "/api/v1/discovered", nil, &none)
		if none.Total != 0 {
			t.Fatalf("other tenant sees %+v", none)
		}
		bAgent := srv.agentClient(t, b)
		bAgent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "x", Results: []wire.Result{
			{DiscoveryJobID: job.ID, Address: "10.9.0.5", Port: 443, Protocol: "tls", ObservedAt: now, Chain: fresh.base64()}}}, &res)
		if res.Accepted != 0 {
			t.Fatalf("another agent reported on a foreign job: %+v", res)
		}

		var adopted adoptOut
		a.browser.must(http.StatusOK, "POST", "/api/v1/discovered/adopt", map[string]any{"ids": []string{app.ID, byAddr["10.9.0.7"].ID, "unknown-id"}}, &adopted)
		if len(adopted.Adopted) != 2 || strings.Join(adopted.NotFound, ",") != "unknown-id" {
			t.Fatalf("adopt: %+v", adopted)
		}
		for _, ad := range adopted.Adopted {
			var d domainOut
			a.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+ad.DomainID, nil, &d)
			if ad.ID == app.ID && (!ad.Created || d.Host != "10.9.0.5" || d.Port != 443 || d.Protocol != "tls" || d.AgentID == nil || *d.AgentID != a.agentID) {
				t.Fatalf("adopted domain: %+v %+v", ad, d)
			}
			if ad.ID != app.ID && ad.Created {
				t.Fatalf("an already monitored endpoint got a second domain: %+v", ad)
			}
		}

		var ignored struct {
			Ignored  []string `json:"ignored"`
			NotFound []string `json:"not_found"`
		}
		old := byAddr["10.9.0.6"]
		a.browser.must(http.StatusOK, "POST", "/api/v1/discovered/ignore", map[string]any{"ids": []string{old.ID}}, &ignored)
		if len(ignored.Ignored) != 1 || len(ignored.NotFound) != 0 {
			t.Fatalf("ignore: %+v", ignored)
		}
		counts := map[string]int{}
		for _, state := range []string{"new", "known", "ignored"} {
			var l listOut[discoveredOut]
			a.browser.must(http.StatusOK, "GET", "/api/v1/discovered?state="+state+"&agent_id="+a.agentID, nil, &l)
			counts[state] = l.Total
		}
		if counts["new"] != 0 || counts["known"] != 2 || counts["ignored"] != 1 {
			t.Fatalf("states: %v", counts)
		}
		r := a.browser.do("GET", "/api/v1/discovered?state=maybe", nil)
		if r.Status != http.StatusBadRequest || r.errorField() != "state" {
			t.Fatalf("bad state filter: %d %s", r.Status, r.Body)
		}
		r = a.browser.do("POST", "/api/v1/discovered/adopt", map[string]any{"ids": []string{}})
		if r.Status != http.StatusBadRequest || r.errorField() != "ids" {
			t.Fatalf("empty ids: %d %s", r.Status, r.Body)
		}
	})
}

func TestDiscoveryAutoAdopt(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "auto@example.com")
		var job discoveryJobOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/discovery-jobs",
			map[string]any{"agent_id": a.agentID, "hosts": []string{"web.internal"}, "ports": "443", "auto_adopt": true}, &job)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "web.internal", 60)
		var res wire.ResultsResponse
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "auto-1", Results: []wire.Result{
			{DiscoveryJobID: job.ID, Address: "web.internal", Port: 443, Protocol: "tls", SNI: "web.internal", ObservedAt: time.Now(), Chain: chain.base64()}}}, &res)
		if res.Accepted != 1 {
			t.Fatalf("results: %+v", res)
		}
		var domains listOut[domainOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains", nil, &domains)
		if domains.Total != 1 || domains.Items[0].Host != "web.internal" || domains.Items[0].AgentID == nil {
			t.Fatalf("auto-adopted domains: %+v", domains)
		}
		var found listOut[discoveredOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/discovered", nil, &found)
		if found.Total != 1 || found.Items[0].State != "known" || found.Items[0].SNI != "web.internal" || len(found.Items[0].SuggestedNames) != 0 {
			t.Fatalf("discovered: %+v", found)
		}
	})
}
