-- +goose Up
-- Revocation status of each leaf and intermediate an organization serves,
-- as the server last found it from the certificate's OCSP responder or
-- CRL. Kept per organization like renewal_info: the issuer it was checked
-- against is the one the organization's own chains serve.
-- state: good | revoked | unknown | unavailable; source: ocsp | crl, or ''
-- when no source answered. last_error says why a check was unavailable.
CREATE TABLE revocation_status (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sha256          TEXT NOT NULL,
    state           TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    revoked_at      TIMESTAMPTZ,
    reason          TEXT NOT NULL DEFAULT '',
    checked_at      TIMESTAMPTZ,
    this_update     TIMESTAMPTZ,
    next_update     TIMESTAMPTZ,
    next_check_at   TIMESTAMPTZ NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organization_id, sha256)
);
CREATE INDEX revocation_status_due ON revocation_status (next_check_at);

-- +goose Down
DROP TABLE revocation_status;
