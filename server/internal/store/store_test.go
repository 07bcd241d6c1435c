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
