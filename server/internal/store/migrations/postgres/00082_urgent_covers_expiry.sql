-- +goose Up
-- The "expiring" filter without a floor is one range of this index
-- (urgent by now) and a condition on the expiry (not yet expired): with
-- the expiry in the index its count reads the index alone, 120 buffers
-- instead of 2,700 heap pages at 100,000 domains. Ingest rewrites the
-- index entry only when it rewrites the domain's row, as a state change
-- already moves the entries of every index on the expiry.
DROP INDEX domains_list_urgent;
CREATE INDEX domains_list_urgent ON domains (organization_id, state_kind, state_urgent_at) INCLUDE (state_not_after);

-- +goose Down
DROP INDEX domains_list_urgent;
CREATE INDEX domains_list_urgent ON domains (organization_id, state_kind, state_urgent_at);
