-- +goose Up
-- The domain list sorts and filters by the latest check, so its columns live
-- on domains, next to the organization, where indexes can serve them
-- (copied from domain_states at ingest). state_kind is the part of the
-- status that does not age: pending (never checked), unreachable (an error
-- or no chain), invalid, valid; expired and expiring are not_after ranges
-- taken at query time against the clock and the organization's threshold.
ALTER TABLE domains ADD COLUMN state_kind TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE domains ADD COLUMN state_not_after TIMESTAMPTZ;
ALTER TABLE domains ADD COLUMN state_checked_at TIMESTAMPTZ;
UPDATE domains SET state_checked_at = s.checked_at, state_not_after = s.not_after,
    state_kind = CASE WHEN s.error <> '' OR s.not_after IS NULL THEN 'unreachable'
        WHEN s.verdict_status = 'invalid' THEN 'invalid' ELSE 'valid' END
FROM domain_states s WHERE s.domain_id = domains.id;

-- One index per sort key, ending in the id that breaks ties, so a page is
-- an index range whatever its depth. Lists put never-checked domains last
-- in both directions, hence a second index for the nullable keys.
CREATE INDEX domains_list_host ON domains (organization_id, host, id);
CREATE INDEX domains_list_port ON domains (organization_id, port, id);
CREATE INDEX domains_list_protocol ON domains (organization_id, protocol, id);
CREATE INDEX domains_list_created ON domains (organization_id, created_at, id);
CREATE INDEX domains_list_checked ON domains (organization_id, state_checked_at, id);
CREATE INDEX domains_list_checked_desc ON domains (organization_id, state_checked_at DESC NULLS LAST, id DESC);
CREATE INDEX domains_list_not_after ON domains (organization_id, state_not_after, id);
CREATE INDEX domains_list_not_after_desc ON domains (organization_id, state_not_after DESC NULLS LAST, id DESC);
CREATE INDEX domains_list_status ON domains (organization_id, state_kind, state_not_after);

-- Host substring search uses a trigram index when pg_trgm can be had: it is
-- a trusted extension (a database owner may create it), but a role without
-- that right still migrates, and searches then scan the organization's rows.
-- +goose StatementBegin
DO $$
DECLARE trgm_schema TEXT;
BEGIN
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
            CREATE EXTENSION pg_trgm SCHEMA public;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm unavailable (%); host search will not use an index', SQLERRM;
    END;
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX domains_host_trgm ON domains USING gin (host %I.gin_trgm_ops)', trgm_schema);
    END IF;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS domains_host_trgm;
DROP INDEX domains_list_status;
DROP INDEX domains_list_not_after_desc;
DROP INDEX domains_list_not_after;
DROP INDEX domains_list_checked_desc;
DROP INDEX domains_list_checked;
DROP INDEX domains_list_created;
DROP INDEX domains_list_protocol;
DROP INDEX domains_list_port;
DROP INDEX domains_list_host;
ALTER TABLE domains DROP COLUMN state_checked_at;
ALTER TABLE domains DROP COLUMN state_not_after;
ALTER TABLE domains DROP COLUMN state_kind;
