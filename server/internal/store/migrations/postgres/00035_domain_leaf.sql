-- +goose Up
-- The served leaf joins the domain list's columns, so that the expiry
-- clusters (endpoints and distinct certificates per day) are counted from
-- one index of domains, without joining every state in the range.
ALTER TABLE domains ADD COLUMN state_leaf_sha256 TEXT NOT NULL DEFAULT '';
UPDATE domains SET state_leaf_sha256 = s.leaf_sha256 FROM domain_states s WHERE s.domain_id = domains.id AND s.leaf_sha256 <> '';
DROP INDEX domains_list_not_after;
CREATE INDEX domains_list_not_after ON domains (organization_id, state_not_after, id) INCLUDE (state_leaf_sha256);

-- +goose Down
DROP INDEX domains_list_not_after;
CREATE INDEX domains_list_not_after ON domains (organization_id, state_not_after, id);
ALTER TABLE domains DROP COLUMN state_leaf_sha256;
