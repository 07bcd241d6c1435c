-- +goose Up
-- Sorting by the latest check moves from domains to domain_states. Every
-- check moved domains.state_checked_at, so every check rewrote the domain's
-- row and every index of domains (the list's sort indexes and the host
-- trigram index among them): the largest write of an unchanged check. The
-- state row is rewritten at each check anyway; its organization column
-- lets an index of its own serve the sort.
ALTER TABLE domain_states ADD COLUMN organization_id TEXT;
UPDATE domain_states s SET organization_id = d.organization_id FROM domains d WHERE d.id = s.domain_id;
ALTER TABLE domain_states ALTER COLUMN organization_id SET NOT NULL;
CREATE INDEX domain_states_checked ON domain_states (organization_id, checked_at, domain_id);
DROP INDEX domains_list_checked;
DROP INDEX domains_list_checked_desc;
ALTER TABLE domains DROP COLUMN state_checked_at;

-- +goose Down
ALTER TABLE domains ADD COLUMN state_checked_at TIMESTAMPTZ;
UPDATE domains SET state_checked_at = s.checked_at FROM domain_states s WHERE s.domain_id = domains.id;
CREATE INDEX domains_list_checked ON domains (organization_id, state_checked_at, id);
CREATE INDEX domains_list_checked_desc ON domains (organization_id, state_checked_at DESC NULLS LAST, id DESC);
DROP INDEX domain_states_checked;
ALTER TABLE domain_states DROP COLUMN organization_id;
