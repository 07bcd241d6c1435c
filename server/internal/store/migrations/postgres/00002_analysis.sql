-- +goose Up
-- Facts of each certificate, for the searchable inventory.
ALTER TABLE certificates ADD COLUMN sha1 TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN spki_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN key_type TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN key_bits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN signature_algorithm TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN is_ca BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE certificates ADD COLUMN subject_key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN authority_key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
CREATE INDEX certificates_ski ON certificates (subject_key_id);
CREATE INDEX certificates_not_after ON certificates (not_after);

-- DNS names a certificate covers, to find endpoints serving the same names.
CREATE TABLE certificate_names (
    sha256 TEXT NOT NULL REFERENCES certificates(sha256) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    PRIMARY KEY (sha256, name)
);
CREATE INDEX certificate_names_name ON certificate_names (name);

-- The verdicts of each observation, and a copy on the domain's latest state.
ALTER TABLE observations ADD COLUMN verdict TEXT NOT NULL DEFAULT '';
ALTER TABLE observations ADD COLUMN trust_status TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN verdict_status TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN trust_status TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN problems TEXT NOT NULL DEFAULT '';

-- Per-domain override of when renewal is due, as a fraction of the lifetime.
ALTER TABLE domains ADD COLUMN renew_after_fraction DOUBLE PRECISION;

-- A target started serving another certificate.
CREATE TABLE certificate_changes (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    domain_id       TEXT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    old_sha256      TEXT NOT NULL,
    new_sha256      TEXT NOT NULL,
    observed_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX certificate_changes_domain ON certificate_changes (domain_id, observed_at);
CREATE INDEX certificate_changes_org ON certificate_changes (organization_id, observed_at);

-- Organization-trusted CA certificates (internal PKIs).
CREATE TABLE ca_bundles (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    pem             TEXT NOT NULL,
    certificates    INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX ca_bundles_org ON ca_bundles (organization_id, created_at);

-- +goose Down
DROP TABLE ca_bundles;
DROP TABLE certificate_changes;
ALTER TABLE domains DROP COLUMN renew_after_fraction;
ALTER TABLE domain_states DROP COLUMN problems;
ALTER TABLE domain_states DROP COLUMN trust_status;
ALTER TABLE domain_states DROP COLUMN verdict_status;
ALTER TABLE observations DROP COLUMN trust_status;
ALTER TABLE observations DROP COLUMN verdict;
DROP TABLE certificate_names;
DROP INDEX certificates_not_after;
DROP INDEX certificates_ski;
ALTER TABLE certificates DROP COLUMN facts;
ALTER TABLE certificates DROP COLUMN authority_key_id;
ALTER TABLE certificates DROP COLUMN subject_key_id;
ALTER TABLE certificates DROP COLUMN is_ca;
ALTER TABLE certificates DROP COLUMN signature_algorithm;
ALTER TABLE certificates DROP COLUMN key_bits;
ALTER TABLE certificates DROP COLUMN key_type;
ALTER TABLE certificates DROP COLUMN spki_sha256;
ALTER TABLE certificates DROP COLUMN sha1;
