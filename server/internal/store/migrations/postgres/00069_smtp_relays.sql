-- +goose Up
-- An organization's own SMTP relay, set by an owner in the dashboard: it
-- delivers the organization's email channels instead of the server's
-- CERTINEL_SMTP_* relay. password is sealed (internal/secret), bound to the
-- organization, or empty when the relay takes no credentials.
CREATE TABLE smtp_relays (
    organization_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    host            TEXT NOT NULL,
    port            INTEGER NOT NULL,
    tls             TEXT NOT NULL,
    username        TEXT NOT NULL DEFAULT '',
    password        TEXT NOT NULL DEFAULT '',
    from_address    TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE smtp_relays;
