-- +goose Up
-- Hosts sort naturally (127.0.1.15 before 127.0.1.100) by a key stored on
-- write (see hostKey); the store keys existing rows at start-up. SQLite
-- compares TEXT byte by byte, as the key needs.
ALTER TABLE domains ADD COLUMN host_key TEXT NOT NULL DEFAULT '';
DROP INDEX domains_list_host;
CREATE INDEX domains_list_host_key ON domains (organization_id, host_key, id);

-- +goose Down
DROP INDEX domains_list_host_key;
CREATE INDEX domains_list_host ON domains (organization_id, host, id);
ALTER TABLE domains DROP COLUMN host_key;
