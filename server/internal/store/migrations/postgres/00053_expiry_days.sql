-- +goose Up
-- The expiry-cluster insight's counts, kept at ingest: per organization and
-- UTC calendar day (YYYY-MM-DD), the domains whose list columns say their
-- chain ends that day, and, one row per leaf below it, how many of them
-- serve each leaf, so a day's distinct leaves are counted when a leaf's row
-- appears or goes. The insight reads one row a day instead of every deadline.
CREATE TABLE expiry_leaves (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    expires_on      TEXT NOT NULL,
    leaf_sha256     TEXT NOT NULL,
    endpoints       INTEGER NOT NULL,
    PRIMARY KEY (organization_id, expires_on, leaf_sha256)
);
CREATE TABLE expiry_days (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    expires_on      TEXT NOT NULL,
    endpoints       INTEGER NOT NULL,
    certificates    INTEGER NOT NULL,
    PRIMARY KEY (organization_id, expires_on)
);
INSERT INTO expiry_leaves (organization_id, expires_on, leaf_sha256, endpoints)
    SELECT organization_id, to_char(state_not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD'), state_leaf_sha256, COUNT(*)
    FROM domains WHERE state_not_after IS NOT NULL
    GROUP BY organization_id, to_char(state_not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD'), state_leaf_sha256;
INSERT INTO expiry_days (organization_id, expires_on, endpoints, certificates)
    SELECT organization_id, expires_on, SUM(endpoints), COUNT(*)
    FROM expiry_leaves GROUP BY organization_id, expires_on;

-- +goose Down
DROP TABLE expiry_days;
DROP TABLE expiry_leaves;
