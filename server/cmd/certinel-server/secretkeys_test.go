package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"certinel.dev/server/internal/config"
	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

const hookConfig = `{"url":"https://hooks.example.com/T/B/token","secret":"whsec-start-up","format":"json"}`

func testConfig(t *testing.T, keys *secret.Keyring) config.Config {
	return config.Config{DataDir: t.TempDir(), SecretKeys: keys}
}

// withHook makes an organization with a webhook channel, sealed with keys.
func withHook(t *testing.T, st *store.Store, keys *secret.Keyring) (orgID, channelID string) {
	t.Helper()
	ctx := context.Background()
	st = st.WithKeys(keys)
	_, org, err := st.CreateAccount(ctx, "o@example.com", "h", "O")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.CreateChannel(ctx, org.ID, store.Channel{Name: "hook", Type: "webhook", Config: hookConfig})
	if err != nil {
		t.Fatal(err)
	}
	return org.ID, ch.ID
}

// TestSecretKeysFirstStart: with no key configured and nothing sealed yet,
// the first start writes a key file only its owner reads, logs it once, and
// later starts reuse it.
func TestSecretKeysFirstStart(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, d, store.Options{}).WithKeys(nil)
			cfg := testConfig(t, nil)
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))

			first, err := withSecretKeys(ctx, cfg, st, log)
			if err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(cfg.KeyFile())
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("key file: %v, %v", info, err)
			}
			orgID, chID := withHook(t, first, mustReadKeys(t, cfg.KeyFile()))
			written, err := os.ReadFile(cfg.KeyFile())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(logs.String(), "generated a secret key") || strings.Contains(logs.String(), strings.TrimSpace(string(written))) {
				t.Fatalf("the new key file should be logged, never the key: %s", logs.String())
			}

			logs.Reset()
			again, err := withSecretKeys(ctx, cfg, st, log)
			if err != nil {
				t.Fatalf("second start: %v", err)
			}
			if ch, err := again.GetChannel(ctx, orgID, chID); err != nil || ch.Config != hookConfig {
				t.Fatalf("second start reads %q, %v", ch.Config, err)
			}
			if logs.Len() != 0 {
				t.Fatalf("second start logged: %s", logs.String())
			}
		})
	}
}

// TestSecretKeysRefuseWithoutKey: a database holding sealed secrets and a
// server with no key (no variable, no key file) do not start, and no new key
// file is made that could never read them.
func TestSecretKeysRefuseWithoutKey(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			st := storetest.Open(t, d, store.Options{})
			withHook(t, st, storetest.Keys(t))
			cfg := testConfig(t, nil)
			_, err := withSecretKeys(context.Background(), cfg, st.WithKeys(nil), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if !errors.Is(err, errNoSecretKey) || !strings.Contains(err.Error(), "CERTINEL_SECRET_KEY") {
				t.Fatalf("start without the key: %v, want errNoSecretKey", err)
			}
			if _, err := os.Stat(cfg.KeyFile()); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a key file was made: %v", err)
			}
		})
	}
}

// TestSecretKeysWrongKey: a configured key that is not the one the database
// was sealed with stops the start with the missing key's id.
func TestSecretKeysWrongKey(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			st := storetest.Open(t, d, store.Options{})
			sealedWith := storetest.Key()
			withHook(t, st, storetest.Keys(t, sealedWith))
			_, err := withSecretKeys(context.Background(), testConfig(t, storetest.Keys(t)), st, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if !errors.Is(err, secret.ErrUnknownKey) || !strings.Contains(err.Error(), secret.KeyID(sealedWith)) {
				t.Fatalf("start with a wrong key: %v, want ErrUnknownKey naming key %s", err, secret.KeyID(sealedWith))
			}
		})
	}
}

func mustReadKeys(t *testing.T, path string) *secret.Keyring {
	t.Helper()
	k, err := secret.ReadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
