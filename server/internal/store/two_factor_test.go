package store_test

import (
	"context"
	"errors"
	"testing"

	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestTOTPSecretsFollowKeyRotation: a start with a new key listed before
// the old one re-seals the TOTP secrets, after which the old key can go;
// a start without the sealing key fails instead of every two-factor login.
func TestTOTPSecretsFollowKeyRotation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			oldKey, newKey := storetest.Key(), storetest.Key()
			s := storetest.Open(t, d, store.Options{}).WithKeys(storetest.Keys(t, oldKey))
			u, _, err := s.CreateAccount(ctx, "rotate@example.com", "hash", "Rotate Inc")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetTOTPSecret(ctx, u.ID, "JBSWY3DPEHPK3PXP"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.WithKeys(storetest.Keys(t, newKey)).SealTOTPSecrets(ctx); !errors.Is(err, secret.ErrUnknownKey) {
				t.Fatalf("start without the old key: %v", err)
			}
			rotated := s.WithKeys(storetest.Keys(t, newKey, oldKey))
			for i, want := range []int{1, 0} { // idempotent
				if n, err := rotated.SealTOTPSecrets(ctx); err != nil || n != want {
					t.Fatalf("pass %d: resealed %d, %v; want %d", i+1, n, err, want)
				}
			}
			onlyNew := s.WithKeys(storetest.Keys(t, newKey))
			u, err = onlyNew.UserByID(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if plain, err := onlyNew.TOTPSecret(u); err != nil || plain != "JBSWY3DPEHPK3PXP" {
				t.Fatalf("opened with the new key alone: %q, %v", plain, err)
			}
		})
	}
}
