package store_test

import (
	"context"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// A connection plans each statement for its keys: a plan cached while a
// table was young would scan it once per key of every later batch.
func TestPostgresPlansForTheKeysAtHand(t *testing.T) {
	s := storetest.Open(t, store.Postgres, store.Options{})
	got, err := store.Setting(context.Background(), s, "plan_cache_mode")
	if err != nil {
		t.Fatal(err)
	}
	if got != "force_custom_plan" {
		t.Fatalf("plan_cache_mode = %q, want force_custom_plan", got)
	}
}

// An operator's own choice in the database URL stands.
func TestPostgresKeepsThePlanModeOfTheURL(t *testing.T) {
	s := storetest.OpenPostgresURL(t, storetest.PostgresSchemaURL(t)+"&plan_cache_mode=auto", store.Options{})
	got, err := store.Setting(context.Background(), s, "plan_cache_mode")
	if err != nil {
		t.Fatal(err)
	}
	if got != "auto" {
		t.Fatalf("plan_cache_mode = %q, want auto", got)
	}
}

// The server warns when PostgreSQL keeps no statistics up to date by
// itself; the answer is the server's setting, and SQLite has none.
func TestAutovacuumOff(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		s := storetest.Open(t, d, store.Options{})
		off, err := s.AutovacuumOff(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := false
		if d == store.Postgres {
			setting, err := store.Setting(ctx, s, "autovacuum")
			if err != nil {
				t.Fatal(err)
			}
			want = setting == "off"
		}
		if off != want {
			t.Errorf("%s: AutovacuumOff = %v, want %v", d, off, want)
		}
	}
}
