-- +goose Up
-- Enrollment approval: with require_enrollment_approval set, an enrollment
-- spends its join token but waits here, with the agent's certificate
-- request, until an admin approves or rejects it; the agent polls with the
-- same join token (its id names the row, its hash proves the caller).
ALTER TABLE organizations ADD COLUMN require_enrollment_approval BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE agent_enrollments (
    id                 TEXT PRIMARY KEY,
    organization_id    TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id           TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    join_token_id      TEXT NOT NULL UNIQUE REFERENCES agent_join_tokens(id) ON DELETE CASCADE,
    csr                TEXT NOT NULL,
    key_fingerprint    TEXT NOT NULL,
    status             TEXT NOT NULL,
    certificate        TEXT NOT NULL DEFAULT '',
    certificate_serial TEXT NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL,
    expires_at         DATETIME NOT NULL,
    decided_at         DATETIME,
    decided_by         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agent_enrollments_list ON agent_enrollments (organization_id, status, created_at);

-- +goose Down
DROP TABLE agent_enrollments;
ALTER TABLE organizations DROP COLUMN require_enrollment_approval;
