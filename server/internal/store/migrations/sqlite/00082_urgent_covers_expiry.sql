-- +goose Up
-- The "expiring" filter without a floor reads this index alone (see the
-- PostgreSQL migration); SQLite has no INCLUDE, so the expiry is a last key.
DROP INDEX domains_list_urgent;
CREATE INDEX domains_list_urgent ON domains (organization_id, state_kind, state_urgent_at, state_not_after);

-- +goose Down
DROP INDEX domains_list_urgent;
CREATE INDEX domains_list_urgent ON domains (organization_id, state_kind, state_urgent_at);
