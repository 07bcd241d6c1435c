-- +goose Up
-- TOTP two-factor authentication. totp_secret is sealed (internal/secret)
-- and set at enrollment; the factor counts only from totp_enabled_at, once
-- a code confirmed it. totp_last_step is the time step of the last code
-- accepted: a code of that step or an earlier one is refused, so a code
-- seen over a shoulder cannot be replayed within its window.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at DATETIME;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Recovery codes, shown once at enrollment, stored as SHA-256 hashes; each
-- works once.
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   DATETIME,
    PRIMARY KEY (user_id, code_hash)
);

-- The second step of a login: after the password, a short-lived token
-- (stored hashed) that is no session and only lets its holder present a
-- code, a few times at most.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);

-- +goose Down
DROP TABLE login_challenges;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
