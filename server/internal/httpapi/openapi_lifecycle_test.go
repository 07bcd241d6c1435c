package httpapi_test

import (
	"encoding/json"
	"slices"
	"testing"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// TestOpenAPIEnumsAreLifecycles: the statuses, problems and rule events the
// document lists are exactly lifecycle's, so a new one cannot be served
// undocumented or documented without existing.
func TestOpenAPIEnumsAreLifecycles(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(fetchOpenAPI(t, newTestServer(t, store.SQLite)), &doc); err != nil {
		t.Fatal(err)
	}
	enum := func(schema string, path ...string) []string {
		var v any
		if err := json.Unmarshal(doc.Components.Schemas[schema], &v); err != nil {
			t.Fatalf("%s: %v", schema, err)
		}
		for _, p := range path {
			v = v.(map[string]any)[p]
		}
		var out []string
		for _, e := range v.(map[string]any)["enum"].([]any) {
			out = append(out, e.(string))
		}
		return out
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"DomainStatus", enum("DomainStatus"), lifecycle.Names(lifecycle.Statuses...)},
		{"Problem", enum("Problem"), lifecycle.Names(lifecycle.Problems...)},
		{"RuleRequest events", enum("RuleRequest", "properties", "events", "items"), lifecycle.Names(lifecycle.RuleEvents...)},
		{"RenewalWindow source", enum("RenewalWindow", "properties", "source"), []string{lifecycle.SourceEstimate, lifecycle.SourceARI}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: the document lists %v, lifecycle %v", c.what, c.got, c.want)
		}
	}
}
