package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"certinel.dev/shared/wire"
)

// TestMetrics scrapes an organization with a real Prometheus parser: values
// per domain and agent, label escaping of a hostile agent name, tenant
// isolation and who may scrape.
func TestMetrics(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "metrics@example.com")
		weird := "dc \"one\" \\ west\nrack"
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/agents/"+a.agentID, map[string]string{"name": weird}, nil)
		var good, down, pending domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "api.internal", "agent_id": a.agentID}, &good)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "down.internal", "port": 8443, "agent_id": a.agentID}, &down)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "pending.example"}, &pending)

		agent := srv.agentClient(t, a)
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		_, inter, rootDER, interDER := newCA(t)
		chain := leafChain(t, inter, rootDER, interDER, "api.internal", 20)
		now := time.Now().UTC()
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "m-1", Results: []wire.Result{
			{TargetID: good.ID, Address: "10.0.0.1:443", ObservedAt: now, Chain: chain.base64()},
			{TargetID: down.ID, Address: "10.0.0.2:8443", ObservedAt: now, Error: "connection refused", ErrorKind: "refused"},
		}}, nil)

		// Another organization's domains and agents must never show.
		other := srv.newTenant(t, "other@example.com")
		other.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "secret.other", "agent_id": other.agentID}, nil)
		srv.agentClient(t, other).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		var write created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "prometheus", "scope": "write"}, &write)
		r := srv.bearerClient(t, write.Token).must(http.StatusOK, "GET", "/api/v1/metrics", nil, nil)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
			t.Errorf("content type %q", ct)
		}
		for _, leak := range []string{"secret.other", other.agentID} {
			if bytes.Contains(r.Body, []byte(leak)) {
				t.Errorf("scrape shows %q of another organization:\n%s", leak, r.Body)
			}
		}
		if !bytes.Contains(r.Body, []byte(`agent="dc \"one\" \\ west\nrack"`)) {
			t.Errorf("agent label not escaped as the text format wants:\n%s", r.Body)
		}

		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("parse exposition: %v\n%s", err, r.Body)
		}
		leafNotAfter := float64(now.Add(20*24*time.Hour + time.Hour).Unix())
		// leafChain issues a day before now: renewal is expected after two
		// thirds of the 21-day life, overdue a quarter of the rest later.
		born := now.Add(-24 * time.Hour)
		windowStart := born.Add(2 * (21*24*time.Hour + time.Hour) / 3)
		windowEnd := windowStart.Add(now.Add(20*24*time.Hour+time.Hour).Sub(windowStart) / 4)
		checks := []struct {
			family string
			labels map[string]string
			want   float64
			slack  float64
		}{
			{"certinel_certificate_days_left", map[string]string{"domain": "api.internal", "port": "443", "protocol": "tls", "agent": weird, "domain_id": good.ID}, 20, 0},
			{"certinel_certificate_not_after_seconds", map[string]string{"domain": "api.internal", "agent": weird}, leafNotAfter, 120},
			{"certinel_check_success", map[string]string{"domain": "api.internal"}, 1, 0},
			{"certinel_check_success", map[string]string{"domain": "down.internal", "port": "8443"}, 0, 0},
			{"certinel_check_timestamp_seconds", map[string]string{"domain": "down.internal"}, float64(now.Unix()), 2},
			{"certinel_certificate_renewal_window_start_seconds", map[string]string{"domain": "api.internal"}, float64(windowStart.Unix()), 120},
			{"certinel_certificate_renewal_window_end_seconds", map[string]string{"domain": "api.internal"}, float64(windowEnd.Unix()), 120},
			// Twenty days left of a 21-day life is a healthy window, not "expiring".
			{"certinel_domains", map[string]string{"status": "expiring"}, 0, 0},
			{"certinel_domains", map[string]string{"status": "due"}, 0, 0},
			{"certinel_domains", map[string]string{"status": "unreachable"}, 1, 0},
			{"certinel_domains", map[string]string{"status": "pending"}, 1, 0},
			{"certinel_domains", map[string]string{"status": "ok"}, 1, 0},
			{"certinel_agent_last_seen_timestamp_seconds", map[string]string{"agent": weird, "agent_id": a.agentID}, float64(now.Unix()), 60},
			{"certinel_agents", map[string]string{"status": "online"}, 1, 0},
			{"certinel_agents", map[string]string{"status": "never"}, 0, 0},
		}
		for _, c := range checks {
			got, ok := gaugeValue(families[c.family], c.labels)
			if !ok {
				t.Errorf("%s%v: no such series", c.family, c.labels)
				continue
			}
			if got < c.want-c.slack || got > c.want+c.slack {
				t.Errorf("%s%v = %v, want %v±%v", c.family, c.labels, got, c.want, c.slack)
			}
		}
		// A domain never checked has no check or certificate series.
		for _, fam := range []string{"certinel_check_success", "certinel_certificate_days_left"} {
			if _, ok := gaugeValue(families[fam], map[string]string{"domain": "pending.example"}); ok {
				t.Errorf("%s has a series for a domain never checked", fam)
			}
		}
		if n := len(families["certinel_check_success"].GetMetric()); n != 2 {
			t.Errorf("certinel_check_success has %d series, want 2", n)
		}

		// Split by agent: that agent's domains, counts and series only; an
		// agent of another organization is not found.
		r = srv.bearerClient(t, write.Token).must(http.StatusOK, "GET", "/api/v1/metrics?agent_id="+a.agentID, nil, nil)
		shardParser := expfmt.NewTextParser(model.UTF8Validation)
		shard, err := shardParser.TextToMetricFamilies(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("parse exposition of one agent: %v\n%s", err, r.Body)
		}
		if _, ok := gaugeValue(shard["certinel_certificate_days_left"], map[string]string{"domain": "api.internal"}); !ok {
			t.Errorf("the agent's scrape lacks its domain:\n%s", r.Body)
		}
		for _, c := range []struct {
			family string
			labels map[string]string
			want   float64
		}{
			{"certinel_domains", map[string]string{"status": "pending"}, 0}, // pending.example has no agent
			{"certinel_domains", map[string]string{"status": "ok"}, 1},
			{"certinel_agents", map[string]string{"status": "online"}, 1},
		} {
			if got, ok := gaugeValue(shard[c.family], c.labels); !ok || got != c.want {
				t.Errorf("one agent's %s%v = %v (%v), want %v", c.family, c.labels, got, ok, c.want)
			}
		}
		srv.bearerClient(t, write.Token).must(http.StatusNotFound, "GET", "/api/v1/metrics?agent_id="+other.agentID, nil, nil)

		var read created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/tokens", map[string]string{"name": "ro", "scope": "read"}, &read)
		srv.bearerClient(t, read.Token).must(http.StatusOK, "GET", "/api/v1/metrics", nil, nil)
		a.browser.must(http.StatusOK, "GET", "/api/v1/metrics", nil, nil)
		srv.bearerClient(t, a.apiToken).must(http.StatusForbidden, "GET", "/api/v1/metrics", nil, nil)
		srv.client(t).must(http.StatusUnauthorized, "GET", "/api/v1/metrics", nil, nil)

		om := srv.bearerClient(t, read.Token)
		om.headers["Accept"] = "application/openmetrics-text;version=1.0.0"
		r = om.must(http.StatusOK, "GET", "/api/v1/metrics", nil, nil)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/openmetrics-text") || !bytes.HasSuffix(r.Body, []byte("# EOF\n")) {
			t.Errorf("OpenMetrics negotiation: %q\n%s", r.Header.Get("Content-Type"), r.Body)
		}
	})
}

// gaugeValue finds the one series of a family whose labels include want.
func gaugeValue(fam *dto.MetricFamily, want map[string]string) (float64, bool) {
	for _, m := range fam.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			match = match && have[k] == v
		}
		if match {
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}
