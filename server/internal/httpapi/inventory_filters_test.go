package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

type inventoryRow struct {
	SHA256    string   `json:"sha256"`
	Subject   string   `json:"subject"`
	Names     []string `json:"names"`
	NameCount int      `json:"name_count"`
	Serving   int      `json:"serving"`
	Endpoints []struct {
		DomainID string `json:"domain_id"`
		Host     string `json:"host"`
	} `json:"endpoints"`
}

// TestInventoryFiltersSortsAndPlaces: the inventory filters by the tag and
// the agent of the domains serving a certificate, sorts by the columns it
// offers, lists each certificate's first names and endpoints, and shows
// nothing of another organization.
func TestInventoryFiltersSortsAndPlaces(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "inventory@example.com")
		var second created
		a.browser.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "dc2"}, &second)
		var prod, dev domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "prod.example", "agent_id": a.agentID, "tags": []string{"prod"}}, &prod)
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "dev.example", "agent_id": second.ID, "tags": []string{"dev"}}, &dev)
		_, inter, rootDER, interDER := newCA(t)
		prodChain := leafChain(t, inter, rootDER, interDER, "prod.example", 60)
		devChain := leafChain(t, inter, rootDER, interDER, "dev.example", 30)
		now := time.Now().UTC()
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "inv-1",
			Results: []wire.Result{{TargetID: prod.ID, ObservedAt: now, Chain: prodChain.base64()}}}, nil)
		secondAgent := a
		secondAgent.agentID, secondAgent.agentToken = second.ID, second.Token
		srv.agentClient(t, secondAgent).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "inv-2",
			Results: []wire.Result{{TargetID: dev.ID, ObservedAt: now, Chain: devChain.base64()}}}, nil)
		prodLeaf, devLeaf := fingerprint(prodChain.ders[0]), fingerprint(devChain.ders[0])

		list := func(c *client, q url.Values) map[string]inventoryRow {
			t.Helper()
			var out listOut[inventoryRow]
			c.must(http.StatusOK, "GET", "/api/v1/certificates?"+q.Encode(), nil, &out)
			m := map[string]inventoryRow{}
			for _, r := range out.Items {
				m[r.SHA256] = r
			}
			return m
		}
		byTag := list(a.browser, url.Values{"tag": {"prod"}})
		if _, ok := byTag[prodLeaf]; !ok || len(byTag) == 0 {
			t.Errorf("tag prod: %v", byTag)
		}
		if _, ok := byTag[devLeaf]; ok {
			t.Errorf("tag prod lists the dev leaf")
		}
		byAgent := list(a.browser, url.Values{"agent_id": {second.ID}})
		if _, ok := byAgent[devLeaf]; !ok {
			t.Errorf("agent dc2 misses its leaf: %v", byAgent)
		}
		if _, ok := byAgent[prodLeaf]; ok {
			t.Errorf("agent dc2 lists the other agent's leaf")
		}
		// The agent filter's count is bounded (estimated past
		// store.ExactCountBound); this one is small, so exact, and says so.
		var counted struct {
			Total      *int64 `json:"total"`
			TotalExact *bool  `json:"total_exact"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/certificates?"+url.Values{"agent_id": {second.ID}}.Encode(), nil, &counted)
		if counted.Total == nil || *counted.Total != int64(len(byAgent)) || counted.TotalExact == nil || !*counted.TotalExact {
			t.Errorf("agent dc2: total %v, total_exact %v; want %d, true", counted.Total, counted.TotalExact, len(byAgent))
		}
		leaf := byTag[prodLeaf]
		if !slices.Equal(leaf.Names, []string{"prod.example"}) || leaf.NameCount != 1 || len(leaf.Endpoints) != 1 ||
			leaf.Endpoints[0].DomainID != prod.ID || leaf.Endpoints[0].Host != "prod.example" {
			t.Errorf("places of the prod leaf: %+v", leaf)
		}

		for _, sort := range []string{"subject", "-subject", "-serving", "first_seen", "-not_after", "issuer"} {
			var out listOut[inventoryRow]
			a.browser.must(http.StatusOK, "GET", "/api/v1/certificates?sort="+sort, nil, &out)
			if len(out.Items) < 4 {
				t.Fatalf("sort %s: %d items", sort, len(out.Items))
			}
			if sort == "subject" || sort == "-subject" {
				subjects := mapSlice(out.Items, func(r inventoryRow) string { return r.Subject })
				sorted := slices.Clone(subjects)
				slices.Sort(sorted)
				if sort == "-subject" {
					slices.Reverse(sorted)
				}
				if !slices.Equal(subjects, sorted) {
					t.Errorf("sort %s: %q", sort, subjects)
				}
			}
			if sort == "-serving" && out.Items[0].Serving != 2 {
				t.Errorf("most served first: %+v", out.Items[0])
			}
		}
		if r := a.browser.do("GET", "/api/v1/certificates?sort=colour", nil); r.Status != http.StatusBadRequest || r.errorField() != "sort" {
			t.Errorf("bad sort: %d %s", r.Status, r.Body)
		}
		if r := a.browser.do("GET", "/api/v1/certificates?tag="+strings.Repeat("x", 300), nil); r.Status != http.StatusBadRequest {
			t.Errorf("long tag: %d", r.Status)
		}

		b := srv.newTenant(t, "inventory-other@example.com")
		if got := list(b.browser, url.Values{"tag": {"prod"}}); len(got) != 0 {
			t.Errorf("another organization's tag filter: %v", got)
		}
		if got := list(b.browser, url.Values{"agent_id": {second.ID}}); len(got) != 0 {
			t.Errorf("another organization by the first one's agent: %v", got)
		}
		if r := b.browser.do("GET", "/api/v1/certificates/"+prodLeaf, nil); r.Status != http.StatusNotFound {
			t.Errorf("another organization's certificate: %d", r.Status)
		}
	})
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
