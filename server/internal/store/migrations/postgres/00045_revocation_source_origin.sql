-- +goose Up
-- Where a CRL or responder answer came from: 'fetched' by the server,
-- pushed by an 'agent' (agent_id names it) or 'uploaded' by a user. An
-- uploaded CRL is kept whole (der), since nothing can fetch it again; its
-- row is keyed by the pseudo-URL 'upload:<issuer key id>' (issuer_key_id
-- in hex), one per issuing key.
ALTER TABLE revocation_sources ADD COLUMN origin TEXT NOT NULL DEFAULT 'fetched';
ALTER TABLE revocation_sources ADD COLUMN agent_id TEXT NOT NULL DEFAULT '';
ALTER TABLE revocation_sources ADD COLUMN der BYTEA;

-- +goose Down
ALTER TABLE revocation_sources DROP COLUMN der;
ALTER TABLE revocation_sources DROP COLUMN agent_id;
ALTER TABLE revocation_sources DROP COLUMN origin;
