-- +goose Up
-- The domain list sorts and filters by the latest check, so its columns live
-- on domains, next to the organization, where indexes can serve them
-- (copied from domain_states at ingest). state_kind is the part of the
-- status that does not age: pending (never checked), unreachable (an error
-- or no chain), invalid, valid; expired and expiring are not_after ranges
-- taken at query time against the clock and the organization's threshold.
ALTER TABLE domains ADD COLUMN state_kind TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE domains ADD COLUMN state_not_after DATETIME;
ALTER TABLE domains ADD COLUMN state_checked_at DATETIME;
UPDATE domains SET state_checked_at = s.checked_at, state_not_after = s.not_after,
    state_kind = CASE WHEN s.error <> '' OR s.not_after IS NULL THEN 'unreachable'
        WHEN s.verdict_status = 'invalid' THEN 'invalid' ELSE 'valid' END
FROM domain_states s WHERE s.domain_id = domains.id;

-- One index per sort key, ending in the id that breaks ties, so a page is
-- an index range whatever its depth.
CREATE INDEX domains_list_host ON domains (organization_id, host, id);
CREATE INDEX domains_list_port ON domains (organization_id, port, id);
CREATE INDEX domains_list_protocol ON domains (organization_id, protocol, id);
CREATE INDEX domains_list_created ON domains (organization_id, created_at, id);
CREATE INDEX domains_list_checked ON domains (organization_id, state_checked_at, id);
CREATE INDEX domains_list_not_after ON domains (organization_id, state_not_after, id);
CREATE INDEX domains_list_status ON domains (organization_id, state_kind, state_not_after);

-- +goose Down
DROP INDEX domains_list_status;
DROP INDEX domains_list_not_after;
DROP INDEX domains_list_checked;
DROP INDEX domains_list_created;
DROP INDEX domains_list_protocol;
DROP INDEX domains_list_port;
DROP INDEX domains_list_host;
ALTER TABLE domains DROP COLUMN state_checked_at;
ALTER TABLE domains DROP COLUMN state_not_after;
ALTER TABLE domains DROP COLUMN state_kind;
