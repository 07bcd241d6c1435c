-- +goose Up
-- state_stale says that the domain serves a leaf the stale-endpoint insight
-- lists: one superseded by a newer served leaf (org_certificates). Kept at
-- ingest (refreshSuperseded), so that the insight's page is the first
-- entries of domains_stale, in its order, instead of every stale leaf's
-- domains looked up and sorted.
ALTER TABLE domains ADD COLUMN state_stale BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE domains SET state_stale = TRUE WHERE EXISTS (SELECT 1 FROM org_certificates oc
    WHERE oc.organization_id = domains.organization_id AND oc.sha256 = domains.state_leaf_sha256
        AND oc.superseded_by <> '' AND oc.leaf_serving > 0);
CREATE INDEX domains_stale ON domains (organization_id, host, port, id) WHERE state_stale;

-- +goose Down
DROP INDEX domains_stale;
ALTER TABLE domains DROP COLUMN state_stale;
