-- +goose Up
-- The suffix index (00074) serves every host search the trigram index
-- served, and the searches it did not (short terms, common trigrams); the
-- trigram index only cost storage and a write of each host's trigrams on
-- every update of a domain's row.
DROP INDEX IF EXISTS domains_host_trgm;

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE trgm_schema TEXT;
BEGIN
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX domains_host_trgm ON domains USING gin (host %I.gin_trgm_ops)', trgm_schema);
    END IF;
END $$;
-- +goose StatementEnd
