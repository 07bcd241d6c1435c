-- +goose Up
-- domain_backends holds the latest check of each address a domain's name
-- resolved to (the agent probes every one: issue 18), so the domain page
-- shows every backend and flags one still serving an older certificate.
-- One row per address, moved in place; rows of addresses no longer seen
-- are deleted at ingest, so the table follows the backends, not the checks.
CREATE TABLE domain_backends (
    domain_id       TEXT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    address         TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    leaf_sha256     TEXT NOT NULL DEFAULT '',
    not_before      DATETIME,
    not_after       DATETIME,
    error_kind      TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    observed_at     DATETIME NOT NULL,
    PRIMARY KEY (domain_id, address)
);
CREATE INDEX domain_backends_org ON domain_backends (organization_id, domain_id);

-- +goose Down
DROP TABLE domain_backends;
