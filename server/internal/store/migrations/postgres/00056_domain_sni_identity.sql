-- +goose Up
-- SNI is part of a domain's identity: one address and port may serve many
-- names. An empty SNI sends the host, so an SNI equal to the host is the
-- same endpoint as none: the index compares the effective SNI (the
-- store's endpointSNISQL), leaving the column as the customer wrote it.
DROP INDEX domains_endpoint;
CREATE UNIQUE INDEX domains_endpoint ON domains
    (organization_id, host, port, protocol, COALESCE(NULLIF(sni, host), ''), COALESCE(agent_id, ''));

-- +goose Down
DROP INDEX domains_endpoint;
CREATE UNIQUE INDEX domains_endpoint ON domains (organization_id, host, port, protocol, COALESCE(agent_id, ''));
