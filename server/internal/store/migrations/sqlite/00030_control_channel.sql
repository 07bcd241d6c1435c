-- +goose Up
-- Commands for an agent's control channel (long poll). A row waits here
-- until the agent acknowledges it, so a command made while the agent is
-- between polls, or connected to another replica, is not lost; NOTIFY only
-- wakes the replica holding the poll. delivered_at is when a poll last
-- handed it out (handed out again if no ack follows); rows expire.
CREATE TABLE agent_commands (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL DEFAULT '{}',
    created_at      DATETIME NOT NULL,
    delivered_at    DATETIME,
    expires_at      DATETIME NOT NULL
);
CREATE INDEX agent_commands_agent ON agent_commands (agent_id, created_at);
CREATE INDEX agent_commands_expires ON agent_commands (expires_at);

-- A "check now" request: which domains, and when each got a result after
-- the request was made (completed_at, when ingest stored it).
CREATE TABLE check_requests (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_at      DATETIME NOT NULL
);
CREATE INDEX check_requests_created ON check_requests (created_at);
CREATE TABLE check_request_domains (
    request_id      TEXT NOT NULL REFERENCES check_requests(id) ON DELETE CASCADE,
    domain_id       TEXT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL,
    completed_at    DATETIME,
    PRIMARY KEY (request_id, domain_id)
);
CREATE INDEX check_request_domains_open ON check_request_domains (domain_id) WHERE completed_at IS NULL;

-- An organization whose stored chains must be judged again (its CA bundles
-- or policy changed). One row per organization; requested_at moves on a new
-- request, so a pass that started before it runs once more. claimed_until
-- is the lease of the replica working on it.
CREATE TABLE rejudge_requests (
    organization_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    requested_at    DATETIME NOT NULL,
    claimed_until   DATETIME
);

-- What the agent reports on every poll of its channel.
ALTER TABLE agents ADD COLUMN channel_since DATETIME;
ALTER TABLE agents ADD COLUMN channel_seen_at DATETIME;
ALTER TABLE agents ADD COLUMN platform TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN spool_batches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN last_cycle TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE agents DROP COLUMN last_cycle;
ALTER TABLE agents DROP COLUMN spool_batches;
ALTER TABLE agents DROP COLUMN platform;
ALTER TABLE agents DROP COLUMN channel_seen_at;
ALTER TABLE agents DROP COLUMN channel_since;
DROP TABLE rejudge_requests;
DROP TABLE check_request_domains;
DROP TABLE check_requests;
DROP TABLE agent_commands;
