-- +goose Up
-- The inventory is read from org_certificates alone: what lists filter and
-- sort on is copied from certificates, and what the organization's current
-- states say of each certificate is kept up to date at ingest, so that a
-- page never counts over every endpoint.
--   serving:      domains whose current chain holds the certificate
--   leaf_serving: domains whose current chain starts with it
--   trust_status: what the latest state serving it as a leaf said, else
--                 the latest discovery that found it, else ''
ALTER TABLE org_certificates ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE org_certificates ADD COLUMN issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE org_certificates ADD COLUMN key_type TEXT NOT NULL DEFAULT '';
ALTER TABLE org_certificates ADD COLUMN is_ca BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE org_certificates ADD COLUMN not_before DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
ALTER TABLE org_certificates ADD COLUMN not_after DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
ALTER TABLE org_certificates ADD COLUMN serving INTEGER NOT NULL DEFAULT 0;
ALTER TABLE org_certificates ADD COLUMN leaf_serving INTEGER NOT NULL DEFAULT 0;
ALTER TABLE org_certificates ADD COLUMN trust_status TEXT NOT NULL DEFAULT '';

UPDATE org_certificates SET
    subject = (SELECT c.subject FROM certificates c WHERE c.sha256 = org_certificates.sha256),
    issuer = (SELECT c.issuer FROM certificates c WHERE c.sha256 = org_certificates.sha256),
    key_type = (SELECT c.key_type FROM certificates c WHERE c.sha256 = org_certificates.sha256),
    is_ca = (SELECT c.is_ca FROM certificates c WHERE c.sha256 = org_certificates.sha256),
    not_before = (SELECT c.not_before FROM certificates c WHERE c.sha256 = org_certificates.sha256),
    not_after = (SELECT c.not_after FROM certificates c WHERE c.sha256 = org_certificates.sha256),
    serving = (SELECT COUNT(DISTINCT s.domain_id) FROM domain_states s
        JOIN observation_certificates ocs ON ocs.observation_id = s.observation_id
        JOIN domains d ON d.id = s.domain_id
        WHERE ocs.sha256 = org_certificates.sha256 AND d.organization_id = org_certificates.organization_id),
    leaf_serving = (SELECT COUNT(*) FROM domain_states s JOIN domains d ON d.id = s.domain_id
        WHERE s.leaf_sha256 = org_certificates.sha256 AND d.organization_id = org_certificates.organization_id),
    trust_status = COALESCE((SELECT s.trust_status FROM domain_states s JOIN domains d ON d.id = s.domain_id
        WHERE s.leaf_sha256 = org_certificates.sha256 AND d.organization_id = org_certificates.organization_id
        ORDER BY s.checked_at DESC LIMIT 1), (SELECT e.trust_status FROM discovered_endpoints e
        WHERE e.leaf_sha256 = org_certificates.sha256 AND e.organization_id = org_certificates.organization_id
        ORDER BY e.last_seen_at DESC LIMIT 1), '');

-- The inventory's order (soonest expiry first) and the stale-endpoint
-- insight's set of served leaves.
CREATE INDEX org_certificates_not_after ON org_certificates (organization_id, not_after, sha256);
CREATE INDEX org_certificates_leaves ON org_certificates (organization_id, sha256) WHERE leaf_serving > 0;
-- Which states serve a leaf: trust upkeep and the stale-endpoint insight.
CREATE INDEX domain_states_leaf ON domain_states (leaf_sha256, checked_at);

-- +goose Down
DROP INDEX domain_states_leaf;
DROP INDEX org_certificates_leaves;
DROP INDEX org_certificates_not_after;
ALTER TABLE org_certificates DROP COLUMN trust_status;
ALTER TABLE org_certificates DROP COLUMN leaf_serving;
ALTER TABLE org_certificates DROP COLUMN serving;
ALTER TABLE org_certificates DROP COLUMN not_after;
ALTER TABLE org_certificates DROP COLUMN not_before;
ALTER TABLE org_certificates DROP COLUMN is_ca;
ALTER TABLE org_certificates DROP COLUMN key_type;
ALTER TABLE org_certificates DROP COLUMN issuer;
ALTER TABLE org_certificates DROP COLUMN subject;
