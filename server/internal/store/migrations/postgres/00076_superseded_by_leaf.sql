-- +goose Up
-- The stale-endpoint insight and the ingest's stale flag look superseded
-- leaves up one by one, by organization and leaf. Keyed by organization
-- only, the partial index made each lookup read every superseded leaf of
-- the organization: a page of a thousand stale domains read millions of
-- entries whenever the planner chose it.
DROP INDEX org_certificates_superseded;
CREATE INDEX org_certificates_superseded ON org_certificates (organization_id, sha256) WHERE superseded_by <> '';

-- +goose Down
DROP INDEX org_certificates_superseded;
CREATE INDEX org_certificates_superseded ON org_certificates (organization_id) WHERE superseded_by <> '';
