-- +goose Up
-- A host holds a term exactly when one of its suffixes starts with it. The
-- suffixes of each host, as the lexemes of a tsvector, make a GIN index in
-- which a search is a prefix match ('term':*): a range of the index's sorted
-- entries, however common the term's trigrams. Suffixes that many hosts
-- share (".scale.example") are one entry each, with a compressed list of
-- rows. The index follows the host through every insert, rename and delete
-- with no code of ours; SQLite, for small installations, keeps LIKE.
-- +goose StatementBegin
CREATE FUNCTION host_suffixes(host TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT array_to_tsvector(ARRAY(SELECT substr(host, i) FROM generate_series(1, length(host)) AS i)) $$;
-- +goose StatementEnd
-- New entries wait in the index's pending list, which every search reads
-- in full until a vacuum merges it; kept small (256 kB, not 4 MB), a search
-- stays cheap between vacuums, and a state change's row update (31 entries
-- for a 30-character host) still costs an append, not a tree insert each.
CREATE INDEX domains_host_suffixes ON domains USING gin (host_suffixes(host)) WITH (gin_pending_list_limit = 256);
-- Until the planner has statistics of the indexed expression it takes a
-- search to match most hosts and pages along the host-order index,
-- computing every host's suffixes.
ANALYZE domains;

-- +goose Down
DROP INDEX domains_host_suffixes;
DROP FUNCTION host_suffixes(TEXT);
