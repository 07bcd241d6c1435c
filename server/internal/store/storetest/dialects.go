package storetest

import (
	"os"
	"slices"
	"strings"
	"testing"

	"certinel.dev/server/internal/store"
)

// DialectsEnv names the dialects a test run covers, comma-separated
// ("sqlite", "postgres"); unset or empty, both. `make test` runs each
// dialect once: PostgreSQL under the race detector, and SQLite without it,
// because under the race detector the SQLite engine (C translated to Go)
// is instrumented too, which made a store test run ten times slower while
// checking none of the project's own code beyond what the PostgreSQL run
// checks.
const DialectsEnv = "CERTINEL_TEST_DIALECTS"

// Dialects lists what every store test runs against.
var Dialects = selectedDialects(os.Getenv(DialectsEnv))

func selectedDialects(env string) []store.Dialect {
	all := []store.Dialect{store.SQLite, store.Postgres}
	if strings.TrimSpace(env) == "" {
		return all
	}
	var out []store.Dialect
	for _, name := range strings.Split(env, ",") {
		d := store.Dialect(strings.TrimSpace(name))
		if slices.Contains(all, d) && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		panic(DialectsEnv + "=" + env + ": name sqlite, postgres or both")
	}
	return out
}

// SkipUnlessSelected skips a test of dialect d when the run does not
// cover it (DialectsEnv).
func SkipUnlessSelected(t testing.TB, d store.Dialect) {
	t.Helper()
	if !slices.Contains(Dialects, d) {
		t.Skipf("%s not among this run's dialects (%s)", d, DialectsEnv)
	}
}
