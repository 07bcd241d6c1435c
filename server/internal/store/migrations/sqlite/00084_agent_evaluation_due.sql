-- +goose Up
-- When an agent must next be evaluated for alerts, as evaluation_schedule
-- says for domains. eval_due_at follows its state: the instant it turns
-- offline while it checks in, NULL once it is offline (nothing changes
-- until it is back). A check-in of an agent without a time makes it due;
-- a heartbeat that only moves an online agent's offline instant later
-- leaves the column, and so the index, alone. eval_wake_at is when its
-- open events next need a look (a reminder, the end of a snooze or of a
-- maintenance window). A pass reads the agents due, not every agent.
ALTER TABLE agents ADD COLUMN eval_due_at DATETIME;
ALTER TABLE agents ADD COLUMN eval_wake_at DATETIME;
CREATE INDEX agents_eval_due ON agents (eval_due_at) WHERE eval_due_at IS NOT NULL;
CREATE INDEX agents_eval_wake ON agents (eval_wake_at) WHERE eval_wake_at IS NOT NULL;
-- The open CRL events, which every pass reads, apart from the open events
-- of domains: through alerts_open a pass read every open event of the
-- server (130 ms at 1,000,000 domains).
CREATE INDEX alerts_crl_open ON alerts (organization_id) WHERE state = 'open' AND type = 'crl_health' AND agent_id IS NULL;

-- Every agent is due once, to compute its times.
UPDATE agents SET eval_due_at = COALESCE(last_seen_at, created_at);

-- +goose Down
DROP INDEX alerts_crl_open;
DROP INDEX agents_eval_wake;
DROP INDEX agents_eval_due;
ALTER TABLE agents DROP COLUMN eval_wake_at;
ALTER TABLE agents DROP COLUMN eval_due_at;
