-- +goose Up
-- The domains serving a leaf, in the order the stale-endpoint insight lists
-- them: its page and the first domain serving the newer leaf are ranges of
-- this index, read without touching the rows.
CREATE INDEX domains_leaf ON domains (organization_id, state_leaf_sha256, host, port, id);

-- +goose Down
DROP INDEX domains_leaf;
