-- +goose Up
-- The inventory's text search (a substring of the subject or the issuer)
-- uses trigram indexes when pg_trgm is installed (00018 installs it where
-- the role may); without it, searches scan the organization's summary rows.
-- +goose StatementBegin
DO $$
DECLARE trgm_schema TEXT;
BEGIN
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NULL THEN
        RAISE NOTICE 'pg_trgm not installed; certificate search will not use an index';
        RETURN;
    END IF;
    EXECUTE format('CREATE INDEX org_certificates_subject_trgm ON org_certificates USING gin (subject %I.gin_trgm_ops)', trgm_schema);
    EXECUTE format('CREATE INDEX org_certificates_issuer_trgm ON org_certificates USING gin (issuer %I.gin_trgm_ops)', trgm_schema);
END $$;
-- +goose StatementEnd

-- The domains serving a leaf, in the order the stale-endpoint insight lists
-- them: its page and the first domain serving the newer leaf are ranges of
-- this index, read without touching the rows.
CREATE INDEX domains_leaf ON domains (organization_id, state_leaf_sha256, host, port, id);

-- +goose Down
DROP INDEX domains_leaf;
DROP INDEX IF EXISTS org_certificates_issuer_trgm;
DROP INDEX IF EXISTS org_certificates_subject_trgm;
