-- +goose Up
-- When an agent must next be evaluated for alerts, as evaluation_schedule
-- says for domains: the instant it turns offline while it checks in, NULL
-- once it is offline (nothing changes until it is back). A check-in of an
-- agent without a time makes it due; a check-in that only moves an
-- online agent's offline instant later leaves the column, and so the
-- index, alone. A pass reads the agents due, not every agent.
ALTER TABLE agents ADD COLUMN eval_due_at TIMESTAMPTZ;
CREATE INDEX agents_eval_due ON agents (eval_due_at, id) WHERE eval_due_at IS NOT NULL;

-- Every agent that checked in is due once, to compute its time.
UPDATE agents SET eval_due_at = last_seen_at WHERE last_seen_at IS NOT NULL;

-- +goose Down
DROP INDEX agents_eval_due;
ALTER TABLE agents DROP COLUMN eval_due_at;
