-- +goose Up
-- The least name a stale leaf shares with the leaf superseding it, the name
-- the stale-endpoint insight shows, kept with superseded_by at ingest
-- (supersededNameSQL) instead of looked up for each endpoint listed.
ALTER TABLE org_certificates ADD COLUMN superseded_name TEXT NOT NULL DEFAULT '';
UPDATE org_certificates SET superseded_name = COALESCE((SELECT MIN(mine.name) FROM certificate_names mine
    JOIN certificate_names theirs ON theirs.name = mine.name
    WHERE mine.sha256 = org_certificates.sha256 AND theirs.sha256 = org_certificates.superseded_by), '')
WHERE superseded_by <> '';

-- +goose Down
ALTER TABLE org_certificates DROP COLUMN superseded_name;
