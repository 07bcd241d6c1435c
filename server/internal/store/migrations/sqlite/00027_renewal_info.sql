-- +goose Up
-- ACME directories an organization adds for its internal CAs, matched to a
-- leaf by the key identifier of the issuing CA certificate (the leaf's
-- authority key identifier), taken from a chain the organization observed.
CREATE TABLE acme_directories (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    directory_url   TEXT NOT NULL,
    issuer_sha256   TEXT NOT NULL,
    issuer_key_id   TEXT NOT NULL,
    created_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX acme_directories_issuer ON acme_directories (organization_id, issuer_key_id);

-- What the issuing CA said of each leaf an organization serves (ACME
-- Renewal Information, RFC 9773). Kept per organization: a directory one
-- organization adds must never speak for another's certificates.
-- directory_url is '' when no known CA issued the certificate (looked at
-- again daily, or at once when a directory is added). previous_* hold the
-- window before the last change, to tell a window moved earlier.
CREATE TABLE renewal_info (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sha256          TEXT NOT NULL,
    directory_url   TEXT NOT NULL DEFAULT '',
    window_start    DATETIME,
    window_end      DATETIME,
    explanation_url TEXT NOT NULL DEFAULT '',
    previous_start  DATETIME,
    previous_end    DATETIME,
    fetched_at      DATETIME,
    next_fetch_at   DATETIME NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organization_id, sha256)
);
CREATE INDEX renewal_info_due ON renewal_info (next_fetch_at);

-- Rules that watch overdue renewals learn of the CA asking for one.
UPDATE alert_rules SET events = REPLACE(events, '"renewal_overdue"', '"renewal_overdue","renewal_window_moved_earlier"')
WHERE events LIKE '%"renewal_overdue"%' AND events NOT LIKE '%"renewal_window_moved_earlier"%';

-- +goose Down
UPDATE alert_rules SET events = REPLACE(REPLACE(REPLACE(events,
    ',"renewal_window_moved_earlier"', ''), '"renewal_window_moved_earlier",', ''), '"renewal_window_moved_earlier"', '');

DROP TABLE renewal_info;
DROP TABLE acme_directories;
