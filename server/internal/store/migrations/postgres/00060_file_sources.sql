-- +goose Up
-- Certificates read from files on an agent's host are domains of protocol
-- "file" (port 0, host the agent host's name), so that lists, verdicts,
-- alerts, history and the inventory serve them unchanged. A file item is
-- told apart by its path and its entry in the file (a keystore alias), so
-- both join the endpoint identity; they stay empty for network endpoints.
ALTER TABLE domains ADD COLUMN file_path TEXT NOT NULL DEFAULT '';
ALTER TABLE domains ADD COLUMN file_entry TEXT NOT NULL DEFAULT '';
ALTER TABLE domains ADD COLUMN file_format TEXT NOT NULL DEFAULT '';
DROP INDEX domains_endpoint;
CREATE UNIQUE INDEX domains_endpoint ON domains
    (organization_id, host, port, protocol, COALESCE(NULLIF(sni, host), ''), COALESCE(agent_id, ''), file_path, file_entry);
-- Counting an agent's file items (the bound per agent) and finding the
-- ones no longer reported read this index only.
CREATE INDEX domains_agent_files ON domains (agent_id, protocol) WHERE protocol = 'file';

-- +goose Down
DROP INDEX domains_agent_files;
DROP INDEX domains_endpoint;
CREATE UNIQUE INDEX domains_endpoint ON domains
    (organization_id, host, port, protocol, COALESCE(NULLIF(sni, host), ''), COALESCE(agent_id, ''));
ALTER TABLE domains DROP COLUMN file_format;
ALTER TABLE domains DROP COLUMN file_entry;
ALTER TABLE domains DROP COLUMN file_path;
