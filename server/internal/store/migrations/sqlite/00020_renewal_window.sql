-- +goose Up
-- A certificate is judged against when it should have been renewed, not
-- against a fixed number of days: each state keeps its chain's expected
-- renewal window (estimated from the lifetime, or suggested by the CA) and
-- the instant a missing renewal becomes urgent. The domain list filters by
-- them, so they are copied onto domains like state_not_after; the statuses
-- due and expiring are ranges over them taken at query time. Existing
-- states get theirs when the server starts (store.backfillRenewalPlans).
ALTER TABLE domain_states ADD COLUMN window_start DATETIME;
ALTER TABLE domain_states ADD COLUMN window_end DATETIME;
ALTER TABLE domain_states ADD COLUMN window_source TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN urgent_at DATETIME;
ALTER TABLE domains ADD COLUMN state_due_at DATETIME;
ALTER TABLE domains ADD COLUMN state_urgent_at DATETIME;
CREATE INDEX domains_list_due ON domains (organization_id, state_kind, state_due_at);
CREATE INDEX domains_list_urgent ON domains (organization_id, state_kind, state_urgent_at);

-- The organization's expiring threshold becomes an optional absolute floor
-- (0: none). The old default of 30 days made every certificate of 45 days
-- or less "expiring" most of its life, so it becomes none; other values
-- were chosen by someone and stay.
UPDATE organizations SET expiring_threshold_days = 0 WHERE expiring_threshold_days = 30;
-- renew_after_fraction 0 now means "by lifetime" (1/2 under 10 days, else
-- 2/3); the old default of 2/3, stored by any saved policy, becomes that.
UPDATE organizations SET policy = REPLACE(policy, '"renew_after_fraction":0.6666666666666666', '"renew_after_fraction":0');

-- Rules still on the old defaults (every event, 30/14/7/1 days) become the
-- new lifetime-aware default: no fixed thresholds, and a changed
-- certificate recorded in the history without a notification. Their open
-- threshold alerts close quietly: the lifetime-aware alert replaces them.
UPDATE alerts SET state = 'resolved', resolved_at = CURRENT_TIMESTAMP
WHERE state = 'open' AND type = 'expiring' AND rule_id IN (SELECT id FROM alert_rules
    WHERE thresholds = '[30,14,7,1]'
    AND events = '["expiring","expired","changed","unreachable","invalid_chain","hostname_mismatch","weak_crypto","renewal_overdue","agent_offline","resolved"]');
UPDATE alert_rules SET thresholds = '[]',
    events = '["expiring","expired","unreachable","invalid_chain","hostname_mismatch","weak_crypto","renewal_overdue","agent_offline","resolved"]'
WHERE thresholds = '[30,14,7,1]'
    AND events = '["expiring","expired","changed","unreachable","invalid_chain","hostname_mismatch","weak_crypto","renewal_overdue","agent_offline","resolved"]';

-- +goose Down
DROP INDEX domains_list_urgent;
DROP INDEX domains_list_due;
ALTER TABLE domains DROP COLUMN state_urgent_at;
ALTER TABLE domains DROP COLUMN state_due_at;
ALTER TABLE domain_states DROP COLUMN urgent_at;
ALTER TABLE domain_states DROP COLUMN window_source;
ALTER TABLE domain_states DROP COLUMN window_end;
ALTER TABLE domain_states DROP COLUMN window_start;
