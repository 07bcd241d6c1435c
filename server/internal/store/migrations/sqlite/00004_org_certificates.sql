-- +goose Up
-- Which certificates each organization has seen, and when: the tenant's
-- view of the shared certificate table.
CREATE TABLE org_certificates (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sha256          TEXT NOT NULL REFERENCES certificates(sha256),
    first_seen      DATETIME NOT NULL,
    last_seen       DATETIME NOT NULL,
    PRIMARY KEY (organization_id, sha256)
);

-- +goose Down
DROP TABLE org_certificates;
