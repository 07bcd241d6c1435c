-- +goose Up
-- Each CRL and OCSP responder the server fetched for the certificates an
-- organization serves, with what it last found there: the CRL's issuer,
-- number (decimal, '' when the CRL has none), this and next update and
-- size; for both kinds when it last answered and why it last failed.
-- number_since is when the number last increased (or was first seen), so
-- that a CRL that stopped updating is noticed; regressed_from is the
-- higher number recorded before a fetch returned a lower one ('' when the
-- number did not go backwards). attention_at is the earliest time the
-- source may be unhealthy (near or past its next update, stalled, or
-- now when regressed): the alert evaluation reads only the sources past
-- it, through its index. Rows whose URL no served certificate uses any
-- more are pruned with revocation_status.
CREATE TABLE revocation_sources (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    url             TEXT NOT NULL,
    issuer          TEXT NOT NULL DEFAULT '',
    issuer_key_id   TEXT NOT NULL DEFAULT '',
    crl_number      TEXT NOT NULL DEFAULT '',
    number_since    DATETIME,
    regressed_from  TEXT NOT NULL DEFAULT '',
    this_update     DATETIME,
    next_update     DATETIME,
    size_bytes      INTEGER NOT NULL DEFAULT 0,
    answered_at     DATETIME,
    checked_at      DATETIME NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    failures        INTEGER NOT NULL DEFAULT 0,
    attention_at    DATETIME,
    updated_at      DATETIME NOT NULL,
    PRIMARY KEY (organization_id, kind, url)
);
CREATE INDEX revocation_sources_attention ON revocation_sources (attention_at) WHERE attention_at IS NOT NULL;

-- The URLs each certificate's status was last asked of: what keeps a
-- source's row (see above).
ALTER TABLE revocation_status ADD COLUMN crl_url TEXT NOT NULL DEFAULT '';
ALTER TABLE revocation_status ADD COLUMN ocsp_url TEXT NOT NULL DEFAULT '';
CREATE INDEX revocation_status_crl_url ON revocation_status (organization_id, crl_url);
CREATE INDEX revocation_status_ocsp_url ON revocation_status (organization_id, ocsp_url);

-- Rules that watch chains learn of the CRLs their certificates need.
UPDATE alert_rules SET events = REPLACE(events, '"invalid_chain"', '"invalid_chain","crl_health"')
WHERE events LIKE '%"invalid_chain"%' AND events NOT LIKE '%"crl_health"%';

-- +goose Down
UPDATE alert_rules SET events = REPLACE(REPLACE(REPLACE(events,
    ',"crl_health"', ''), '"crl_health",', ''), '"crl_health"', '');

DROP INDEX revocation_status_ocsp_url;
DROP INDEX revocation_status_crl_url;
ALTER TABLE revocation_status DROP COLUMN ocsp_url;
ALTER TABLE revocation_status DROP COLUMN crl_url;
DROP TABLE revocation_sources;
