package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"certinel.dev/server/internal/config"
	"certinel.dev/server/internal/secret"
	"certinel.dev/server/internal/store"
)

// errNoSecretKey stops a start that would leave stored secrets unreadable.
var errNoSecretKey = errors.New("the database holds channel secrets, the agent CA's keys or two-factor secrets but no secret key is configured: " +
	"set CERTINEL_SECRET_KEY or CERTINEL_SECRET_KEY_FILE to the key that sealed them, or to a new key " +
	"(openssl rand -base64 32) if they were stored before encryption (see environment.example)")

// withSecretKeys returns the store sealing channel configs, after bringing
// every stored config, two-factor secret and SMTP password under the current key (sealing
// configs from before encryption, re-sealing values of a rotated-out key).
func withSecretKeys(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*store.Store, error) {
	keys, err := secretKeys(ctx, cfg, st, log)
	if err != nil {
		return nil, err
	}
	st = st.WithKeys(keys)
	for _, seal := range []struct {
		what string
		run  func(context.Context) (int, error)
	}{{"channel configs", st.SealChannels}, {"two-factor secrets", st.SealTOTPSecrets},
		{"SMTP relay passwords", st.SealSMTPPasswords}} {
		n, err := seal.run(ctx)
		if errors.Is(err, secret.ErrUnknownKey) {
			return nil, fmt.Errorf("secret key %s: %w; to change keys, list the old key after the new one until this start has re-sealed every value", keys.Current(), err)
		}
		if err != nil {
			return nil, fmt.Errorf("secret key %s: %w", keys.Current(), err)
		}
		if n > 0 {
			log.Info(seal.what+" sealed with the current secret key", "count", n, "key_id", keys.Current())
		}
	}
	return st, nil
}

// secretKeys returns the configured keys, else those of the key file in the
// data directory, else a new key file: only while the database holds no
// secret, since a new key could not read them.
func secretKeys(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*secret.Keyring, error) {
	if cfg.SecretKeys != nil {
		return cfg.SecretKeys, nil
	}
	path := cfg.KeyFile()
	keys, err := secret.ReadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return keys, err
	}
	holds, err := st.HoldsSecrets(ctx)
	if err != nil {
		return nil, err
	}
	if holds {
		return nil, errNoSecretKey
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", cfg.DataDir, err)
	}
	if keys, err = secret.GenerateKeyFile(path); err != nil {
		return nil, err
	}
	if st.Dialect() == store.Postgres {
		// Replicas share the database, not this directory.
		log.Warn("generated a secret key for channel secrets and the agent CA in the data directory; with several replicas, "+
			"give them all one key with CERTINEL_SECRET_KEY or CERTINEL_SECRET_KEY_FILE (a replica without it refuses to start)", "file", path, "key_id", keys.Current())
	} else {
		log.Info("generated a secret key for channel secrets and the agent CA; back it up with the database", "file", path, "key_id", keys.Current())
	}
	return keys, nil
}
