-- +goose Up
-- The inventory's search (a part of a subject or issuer) as a prefix match
-- on the texts' suffixes, as 00074 does for hosts: a range of the index's
-- sorted entries, however common the term's trigrams. It is an index of
-- certificates, whose rows ingest never updates, rather than of each
-- organization's summary, which changes with every renewal and serving
-- count: ingest writes it once per certificate it has not seen before.
-- A tsvector holds lexemes of up to 2,047 bytes and 1 MB in all, so only
-- the first 256 characters of each text are indexed; the certificates with
-- a longer text (certificate_long_text) are found through their own index
-- and LIKE.
-- +goose StatementBegin
CREATE FUNCTION certificate_text_suffixes(subject TEXT, issuer TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT array_to_tsvector(ARRAY(SELECT substr(t, i)
    FROM unnest(ARRAY[left(subject, 256), left(issuer, 256)]) AS t, generate_series(1, length(t)) AS i)) $$;
-- +goose StatementEnd
-- A function rather than its expression, so that the planner estimates it
-- from the statistics of its index (nearly no rows) rather than by default
-- (a third of them for each length).
-- +goose StatementBegin
CREATE FUNCTION certificate_long_text(subject TEXT, issuer TEXT) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT length(subject) > 256 OR length(issuer) > 256 $$;
-- +goose StatementEnd
-- A small pending list, as for the host suffixes: every search reads it
-- until a vacuum merges it.
CREATE INDEX certificates_text_suffixes ON certificates
    USING gin (certificate_text_suffixes(subject, issuer)) WITH (gin_pending_list_limit = 256);
CREATE INDEX certificates_long_texts ON certificates (certificate_long_text(subject, issuer));
ANALYZE certificates;

-- +goose Down
DROP INDEX certificates_long_texts;
DROP INDEX certificates_text_suffixes;
DROP FUNCTION certificate_long_text(TEXT, TEXT);
DROP FUNCTION certificate_text_suffixes(TEXT, TEXT);
