package storetest

import (
	"slices"
	"testing"

	"certinel.dev/server/internal/store"
)

func TestSelectedDialects(t *testing.T) {
	both := []store.Dialect{store.SQLite, store.Postgres}
	for env, want := range map[string][]store.Dialect{
		"":                   both,
		" ":                  both,
		"postgres":           {store.Postgres},
		"sqlite":             {store.SQLite},
		" sqlite, postgres ": both,
		"postgres,postgres":  {store.Postgres},
	} {
		if got := selectedDialects(env); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", env, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown dialect alone was accepted")
		}
	}()
	selectedDialects("mysql")
}
