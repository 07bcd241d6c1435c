-- +goose Up
-- Agent identity by mutual TLS. agent_cas holds the server's one agent CA
-- (id 'agent'): a root and an issuing CA, certificates in PEM, private keys
-- sealed with the server's secret key. Replicas starting together insert it
-- with ON CONFLICT DO NOTHING and all read the one that won.
CREATE TABLE agent_cas (
    id           TEXT PRIMARY KEY,
    root_cert    TEXT NOT NULL,
    root_key     TEXT NOT NULL,
    issuing_cert TEXT NOT NULL,
    issuing_key  TEXT NOT NULL,
    crl_number   BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL
);

-- One-time join tokens an admin creates for an agent; only hashes are kept.
CREATE TABLE agent_join_tokens (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    token_hash      TEXT NOT NULL UNIQUE,
    prefix          TEXT NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX agent_join_tokens_agent ON agent_join_tokens (organization_id, agent_id);

-- Every agent certificate issued. Rows outlive their agent (no foreign key
-- on agent_id): the CRL lists a deleted agent's certificates until they
-- expire.
CREATE TABLE agent_certificates (
    serial          TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL,
    not_before      TIMESTAMPTZ NOT NULL,
    not_after       TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX agent_certificates_agent ON agent_certificates (organization_id, agent_id);
CREATE INDEX agent_certificates_revoked ON agent_certificates (not_after) WHERE revoked_at IS NOT NULL;

-- The agent's current certificate, for the agents API.
ALTER TABLE agents ADD COLUMN cert_serial TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN cert_not_after TIMESTAMPTZ;
ALTER TABLE agents ADD COLUMN cert_rotated_at TIMESTAMPTZ;

-- Refuse agents that authenticate by token alone.
ALTER TABLE organizations ADD COLUMN require_agent_mtls BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE organizations DROP COLUMN require_agent_mtls;
ALTER TABLE agents DROP COLUMN cert_rotated_at;
ALTER TABLE agents DROP COLUMN cert_not_after;
ALTER TABLE agents DROP COLUMN cert_serial;
DROP TABLE agent_certificates;
DROP TABLE agent_join_tokens;
DROP TABLE agent_cas;
