package store_test

import (
	"context"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

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
