-- +goose Up
-- The negotiated key exchange group of each check, and the protocol version
-- and group of each domain's latest check, with whether the group is
-- post-quantum (decided at ingest by certs.PostQuantum), for the domain list's
-- filter and the post-quantum readiness insight.
ALTER TABLE observations ADD COLUMN key_exchange TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN tls_version TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN key_exchange TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN post_quantum BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE domain_states SET tls_version = COALESCE((SELECT o.tls_version FROM observations o
    WHERE o.id = domain_states.observation_id), '');
CREATE INDEX domain_states_key_exchange ON domain_states (organization_id, key_exchange);

-- +goose Down
DROP INDEX domain_states_key_exchange;
ALTER TABLE domain_states DROP COLUMN post_quantum;
ALTER TABLE domain_states DROP COLUMN key_exchange;
ALTER TABLE domain_states DROP COLUMN tls_version;
ALTER TABLE observations DROP COLUMN key_exchange;
