-- +goose Up
CREATE TABLE channels (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    type            TEXT NOT NULL,
    config          TEXT NOT NULL,
    digest          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX channels_org ON channels (organization_id, created_at);

CREATE TABLE alert_rules (
    id                TEXT PRIMARY KEY,
    organization_id   TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    enabled           BOOLEAN NOT NULL DEFAULT TRUE,
    -- JSON lists: thresholds in days, event types, channel IDs.
    thresholds        TEXT NOT NULL,
    events            TEXT NOT NULL,
    channel_ids       TEXT NOT NULL,
    -- Scope: all domains, or those with one of scope_tags / of scope_agent_ids (JSON lists).
    scope_all         BOOLEAN NOT NULL DEFAULT TRUE,
    scope_tags        TEXT NOT NULL DEFAULT '[]',
    scope_agent_ids   TEXT NOT NULL DEFAULT '[]',
    unreachable_after INTEGER NOT NULL DEFAULT 2,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX alert_rules_org ON alert_rules (organization_id, created_at);

-- One row per fired condition; dedup_key makes each fire once.
CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    rule_id         TEXT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    domain_id       TEXT REFERENCES domains(id) ON DELETE CASCADE,
    agent_id        TEXT REFERENCES agents(id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    dedup_key       TEXT NOT NULL,
    state           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    opened_at       TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX alerts_dedup ON alerts (organization_id, dedup_key);
CREATE INDEX alerts_org ON alerts (organization_id, opened_at);
CREATE INDEX alerts_open ON alerts (state, organization_id);

-- Transactional outbox: written with the alert, sent by workers.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    alert_id        TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_by      TEXT NOT NULL DEFAULT '',
    claimed_until   TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_alert ON outbox (alert_id);

CREATE TABLE delivery_attempts (
    id           TEXT PRIMARY KEY,
    outbox_id    TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    attempted_at TIMESTAMPTZ NOT NULL,
    ok           BOOLEAN NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    duration_ms  BIGINT NOT NULL DEFAULT 0,
    claimed_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_attempts_outbox ON delivery_attempts (outbox_id, attempted_at);

-- Unreachable alerts wait for consecutive failures.
ALTER TABLE domain_states ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE domain_states ADD COLUMN failing_since TIMESTAMPTZ;

-- +goose Down
ALTER TABLE domain_states DROP COLUMN failing_since;
ALTER TABLE domain_states DROP COLUMN consecutive_failures;
DROP TABLE delivery_attempts;
DROP TABLE outbox;
DROP TABLE alerts;
DROP TABLE alert_rules;
DROP TABLE channels;
