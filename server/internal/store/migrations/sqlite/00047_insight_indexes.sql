-- +goose Up
-- The domains serving a leaf, in the order the stale-endpoint insight lists
-- them. (PostgreSQL also gets trigram indexes for the inventory's search
-- here; SQLite has none and scans the organization's rows.)
CREATE INDEX domains_leaf ON domains (organization_id, state_leaf_sha256, host, port, id);

-- +goose Down
DROP INDEX domains_leaf;
