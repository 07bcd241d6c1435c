-- +goose Up
-- Host search (a substring, LIKE '%term%') reads hosts from the host-order
-- index alone, which holds the host for that: a term most hosts match is
-- found on the first entries of the page's order, any other in at most one
-- pass over the organization's entries, without the table.
DROP INDEX domains_list_host_key;
CREATE INDEX domains_list_host_key ON domains (organization_id, host_key, id, host);

-- +goose Down
DROP INDEX domains_list_host_key;
CREATE INDEX domains_list_host_key ON domains (organization_id, host_key, id);
