-- +goose Up
-- Sorting by the latest check moves from domains to domain_states. Every
-- check moved domains.state_checked_at, so every check rewrote the domain's
-- row and every index of domains: the largest write of an unchanged check.
-- The state row is rewritten at each check anyway; its organization column
-- lets an index of its own serve the sort.
ALTER TABLE domain_states ADD COLUMN organization_id TEXT NOT NULL DEFAULT '';
UPDATE domain_states SET organization_id = (SELECT d.organization_id FROM domains d WHERE d.id = domain_states.domain_id);
CREATE INDEX domain_states_checked ON domain_states (organization_id, checked_at, domain_id);
DROP INDEX domains_list_checked;
ALTER TABLE domains DROP COLUMN state_checked_at;

-- +goose Down
ALTER TABLE domains ADD COLUMN state_checked_at DATETIME;
UPDATE domains SET state_checked_at = (SELECT s.checked_at FROM domain_states s WHERE s.domain_id = domains.id);
CREATE INDEX domains_list_checked ON domains (organization_id, state_checked_at, id);
DROP INDEX domain_states_checked;
ALTER TABLE domain_states DROP COLUMN organization_id;
