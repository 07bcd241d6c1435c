-- +goose Up
CREATE TABLE organizations (
    id                      TEXT PRIMARY KEY,
    name                    TEXT NOT NULL,
    expiring_threshold_days INTEGER NOT NULL DEFAULT 30,
    created_at              DATETIME NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    DATETIME NOT NULL
);

CREATE TABLE memberships (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_at      DATETIME NOT NULL,
    expires_at      DATETIME NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    scope           TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at      DATETIME NOT NULL,
    expires_at      DATETIME,
    last_used_at    DATETIME,
    revoked_at      DATETIME
);
CREATE INDEX api_tokens_org ON api_tokens (organization_id, created_at);

CREATE TABLE agents (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    prefix           TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    interval_seconds INTEGER NOT NULL,
    version          TEXT NOT NULL DEFAULT '',
    last_seen_at     DATETIME,
    last_ip          TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX agents_org ON agents (organization_id, created_at);

CREATE TABLE domains (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    host            TEXT NOT NULL,
    port            INTEGER NOT NULL,
    protocol        TEXT NOT NULL,
    sni             TEXT NOT NULL DEFAULT '',
    agent_id        TEXT REFERENCES agents(id) ON DELETE SET NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
-- One endpoint per network: the same private address behind two agents is two domains.
CREATE UNIQUE INDEX domains_endpoint ON domains (organization_id, host, port, protocol, COALESCE(agent_id, ''));
CREATE INDEX domains_agent ON domains (agent_id);

CREATE TABLE domain_tags (
    domain_id       TEXT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL,
    tag             TEXT NOT NULL,
    PRIMARY KEY (domain_id, tag)
);
CREATE INDEX domain_tags_org_tag ON domain_tags (organization_id, tag);

-- The latest check of each domain, upserted on ingest so lists never scan history.
CREATE TABLE domain_states (
    domain_id      TEXT PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    observation_id TEXT NOT NULL,
    checked_at     DATETIME NOT NULL,
    error          TEXT NOT NULL DEFAULT '',
    error_kind     TEXT NOT NULL DEFAULT '',
    leaf_sha256    TEXT NOT NULL DEFAULT '',
    not_after      DATETIME
);
CREATE INDEX domain_states_not_after ON domain_states (not_after);

-- Certificates are public data, stored once per fingerprint for every tenant;
-- a tenant reaches one only through its own observations.
CREATE TABLE certificates (
    sha256      TEXT PRIMARY KEY,
    der         BLOB NOT NULL,
    subject     TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    serial      TEXT NOT NULL,
    not_before  DATETIME NOT NULL,
    not_after   DATETIME NOT NULL,
    created_at  DATETIME NOT NULL
);

CREATE TABLE observations (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    domain_id        TEXT REFERENCES domains(id) ON DELETE CASCADE,
    agent_id         TEXT REFERENCES agents(id) ON DELETE SET NULL,
    batch_id         TEXT NOT NULL DEFAULT '',
    observed_at      DATETIME NOT NULL,
    received_at      DATETIME NOT NULL,
    address          TEXT NOT NULL DEFAULT '',
    duration_ms      INTEGER NOT NULL DEFAULT 0,
    tls_version      TEXT NOT NULL DEFAULT '',
    cipher_suite     TEXT NOT NULL DEFAULT '',
    error            TEXT NOT NULL DEFAULT '',
    error_kind       TEXT NOT NULL DEFAULT '',
    handshake_error  TEXT NOT NULL DEFAULT '',
    leaf_sha256      TEXT NOT NULL DEFAULT '',
    not_after        DATETIME
);
CREATE INDEX observations_domain ON observations (domain_id, observed_at);
CREATE INDEX observations_org ON observations (organization_id, observed_at);

CREATE TABLE observation_certificates (
    observation_id TEXT NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    sha256         TEXT NOT NULL REFERENCES certificates(sha256),
    PRIMARY KEY (observation_id, position)
);
CREATE INDEX observation_certificates_sha256 ON observation_certificates (sha256);

CREATE TABLE result_batches (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    batch_id        TEXT NOT NULL,
    agent_id        TEXT,
    accepted        INTEGER NOT NULL,
    rejected        TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    PRIMARY KEY (organization_id, batch_id)
);

-- +goose Down
DROP TABLE result_batches;
DROP TABLE observation_certificates;
DROP TABLE observations;
DROP TABLE certificates;
DROP TABLE domain_states;
DROP TABLE domain_tags;
DROP TABLE domains;
DROP TABLE agents;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE organizations;
