-- +goose Up
-- The host-order index holds the host too, so that a host search (LIKE
-- '%term%') that walks it in the list's order reads no table row: a term
-- most hosts match fills a page, first or deep, from the index alone. A
-- term few hosts match stays with the trigram index of 00018 when it has a
-- rare trigram; one whose trigrams every host holds, or shorter than three
-- characters, costs one pass over the organization's hosts either way.
DROP INDEX domains_list_host_key;
CREATE INDEX domains_list_host_key ON domains (organization_id, host_key, id) INCLUDE (host);

-- +goose Down
DROP INDEX domains_list_host_key;
CREATE INDEX domains_list_host_key ON domains (organization_id, host_key, id);
