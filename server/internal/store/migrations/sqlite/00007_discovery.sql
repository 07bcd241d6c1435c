-- +goose Up
-- Sweeps an agent runs inside its network: hosts (JSON list of names, IPs
-- and CIDR blocks) × ports (canonical list with ranges).
CREATE TABLE discovery_jobs (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id         TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    hosts            TEXT NOT NULL,
    ports            TEXT NOT NULL,
    interval_seconds INTEGER NOT NULL DEFAULT 86400,
    rate_per_second  INTEGER NOT NULL DEFAULT 50,
    auto_adopt       INTEGER NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX discovery_jobs_org ON discovery_jobs (organization_id, created_at);
CREATE INDEX discovery_jobs_agent ON discovery_jobs (agent_id);

-- TLS endpoints found by sweeps. state holds the customer's decision
-- (new or ignored); "known" is derived at read time from the domains.
CREATE TABLE discovered_endpoints (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id         TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    discovery_job_id TEXT REFERENCES discovery_jobs(id) ON DELETE SET NULL,
    domain_id        TEXT REFERENCES domains(id) ON DELETE SET NULL,
    address          TEXT NOT NULL,
    port             INTEGER NOT NULL,
    protocol         TEXT NOT NULL,
    sni              TEXT NOT NULL DEFAULT '',
    observation_id   TEXT NOT NULL DEFAULT '',
    leaf_sha256      TEXT NOT NULL DEFAULT '',
    not_after        DATETIME,
    verdict_status   TEXT NOT NULL DEFAULT '',
    trust_status     TEXT NOT NULL DEFAULT '',
    problems         TEXT NOT NULL DEFAULT '',
    suggested_names  TEXT NOT NULL DEFAULT '[]',
    state            TEXT NOT NULL DEFAULT 'new',
    first_seen_at    DATETIME NOT NULL,
    last_seen_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX discovered_endpoints_key ON discovered_endpoints (organization_id, agent_id, address, port, protocol);
CREATE INDEX discovered_endpoints_org ON discovered_endpoints (organization_id, last_seen_at);
CREATE INDEX discovered_endpoints_leaf ON discovered_endpoints (leaf_sha256);

-- +goose Down
DROP TABLE discovered_endpoints;
DROP TABLE discovery_jobs;
