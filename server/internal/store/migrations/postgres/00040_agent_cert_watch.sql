-- +goose Up
-- When an agent's current certificate should have been renewed by (80% of
-- its lifetime after it was issued): the alert evaluation reads the agents
-- past it through this index, not every agent. Empty without a current
-- certificate. Rows of 00037 are filled in at start (Store.Migrate).
ALTER TABLE agents ADD COLUMN cert_renew_by TIMESTAMPTZ;
CREATE INDEX agents_cert_renew_by ON agents (cert_renew_by) WHERE cert_renew_by IS NOT NULL;

-- Rules that watch agents going offline learn of their certificates not
-- renewed or expired.
UPDATE alert_rules SET events = REPLACE(events, '"agent_offline"', '"agent_offline","agent_certificate"')
WHERE events LIKE '%"agent_offline"%' AND events NOT LIKE '%"agent_certificate"%';

-- +goose Down
UPDATE alert_rules SET events = REPLACE(REPLACE(REPLACE(events,
    ',"agent_certificate"', ''), '"agent_certificate",', ''), '"agent_certificate"', '');

DROP INDEX agents_cert_renew_by;
ALTER TABLE agents DROP COLUMN cert_renew_by;
