-- +goose Up
-- When each domain must next be evaluated for alerts: set to the time of a
-- check that stored its state, or of a change to its organization's rules,
-- and otherwise to the next instant a rule's outcome changes by itself
-- (a threshold crossing, expiry); NULL when no time alone changes it. A
-- pass claims only the rows due, so its cost follows change, not size.
CREATE TABLE evaluation_schedule (
    domain_id       TEXT PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    due_at          TIMESTAMPTZ
);
CREATE INDEX evaluation_schedule_due ON evaluation_schedule (due_at);
CREATE INDEX evaluation_schedule_org_due ON evaluation_schedule (organization_id, due_at, domain_id);
-- Each pass moves the rows it evaluates: vacuum them early, so that the
-- index scans for due rows do not walk over many dead entries.
ALTER TABLE evaluation_schedule SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- A pass reads the open alerts of its domains, or of agents, only.
CREATE INDEX alerts_domain_open ON alerts (domain_id) WHERE state = 'open';
CREATE INDEX alerts_agent_open ON alerts (agent_id) WHERE state = 'open';

-- Every domain checked so far is due once, to compute its next time.
INSERT INTO evaluation_schedule (domain_id, organization_id, due_at)
SELECT ds.domain_id, d.organization_id, ds.checked_at
FROM domain_states ds JOIN domains d ON d.id = ds.domain_id;

-- +goose Down
DROP INDEX alerts_agent_open;
DROP INDEX alerts_domain_open;
DROP TABLE evaluation_schedule;
