-- +goose Up
-- The open outages of agents (events without a domain), which every
-- evaluation reads per organization: the planner found them through
-- alerts_agent_open, whose entries include every open event of an agent's
-- endpoints on the server (50,000 unreachable endpoints at 1,000,000
-- domains), read in full at each evaluation.
CREATE INDEX alerts_outage_open ON alerts (organization_id) WHERE state = 'open' AND type = 'unreachable' AND domain_id IS NULL AND agent_id IS NOT NULL;

-- +goose Down
DROP INDEX alerts_outage_open;
