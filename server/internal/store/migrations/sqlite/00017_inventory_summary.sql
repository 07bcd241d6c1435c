-- +goose Up
-- The inventory is read from org_certificates alone: what lists filter and
-- sort on is copied from certificates, and what the organization's current
-- states say of each certificate is kept up to date at ingest, so that a
-- page never counts over every endpoint.
--   serving:      domains whose current chain holds the certificate
--   leaf_serving: domains whose current chain starts with it
--   trust_status: what the latest state serving it as a leaf said, else
--                 the latest discovery that found it, else ''
--   superseded_by: for a served leaf, the newest other served leaf of the
--                 same subject sharing a name with it and issued after it
--                 and outliving it (the stale-endpoint insight), else ''
-- Each domain's current chain, so that the counts can move from the chain
-- a state held to the one replacing it whatever history keeps.
CREATE TABLE domain_chains (
    domain_id TEXT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    sha256    TEXT NOT NULL,
    PRIMARY KEY (domain_id, position)
);
CREATE INDEX domain_chains_sha256 ON domain_chains (sha256, domain_id);
INSERT INTO domain_chains (domain_id, position, sha256)
SELECT s.domain_id, ocs.position, ocs.sha256 FROM domain_states s
JOIN observation_certificates ocs ON ocs.observation_id = s.observation_id;

ALTER TABLE org_certificates ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE org_certificates ADD COLUMN issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE org_certificates ADD COLUMN key_type TEXT NOT NULL DEFAULT '';
ALTER TABLE org_certificates ADD COLUMN is_ca BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE org_certificates ADD COLUMN not_before DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
ALTER TABLE org_certificates ADD COLUMN not_after DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
ALTER TABLE org_certificates ADD COLUMN serving INTEGER NOT NULL DEFAULT 0;
ALTER TABLE org_certificates ADD COLUMN leaf_serving INTEGER NOT NULL DEFAULT 0;
ALTER TABLE org_certificates ADD COLUMN trust_status TEXT NOT NULL DEFAULT '';
ALTER TABLE org_certificates ADD COLUMN superseded_by TEXT NOT NULL DEFAULT '';

-- Set-based fills: a correlated count per row would scan every state for
-- each certificate.
UPDATE org_certificates SET subject = c.subject, issuer = c.issuer, key_type = c.key_type, is_ca = c.is_ca,
    not_before = c.not_before, not_after = c.not_after
FROM certificates c WHERE c.sha256 = org_certificates.sha256;

UPDATE org_certificates SET serving = x.n FROM (
    SELECT d.organization_id, dc.sha256, COUNT(DISTINCT dc.domain_id) AS n
    FROM domain_chains dc JOIN domains d ON d.id = dc.domain_id
    GROUP BY d.organization_id, dc.sha256) x
WHERE x.organization_id = org_certificates.organization_id AND x.sha256 = org_certificates.sha256;

UPDATE org_certificates SET leaf_serving = x.n FROM (
    SELECT d.organization_id, s.leaf_sha256, COUNT(*) AS n
    FROM domain_states s JOIN domains d ON d.id = s.domain_id
    WHERE s.leaf_sha256 <> '' GROUP BY d.organization_id, s.leaf_sha256) x
WHERE x.organization_id = org_certificates.organization_id AND x.leaf_sha256 = org_certificates.sha256;

UPDATE org_certificates SET trust_status = x.trust_status FROM (
    SELECT organization_id, leaf_sha256, trust_status FROM (
        SELECT d.organization_id, s.leaf_sha256, s.trust_status, ROW_NUMBER() OVER (
            PARTITION BY d.organization_id, s.leaf_sha256 ORDER BY s.checked_at DESC) AS place
        FROM domain_states s JOIN domains d ON d.id = s.domain_id WHERE s.leaf_sha256 <> '') r
    WHERE place = 1) x
WHERE x.organization_id = org_certificates.organization_id AND x.leaf_sha256 = org_certificates.sha256;

UPDATE org_certificates SET trust_status = x.trust_status FROM (
    SELECT organization_id, leaf_sha256, trust_status FROM (
        SELECT e.organization_id, e.leaf_sha256, e.trust_status, ROW_NUMBER() OVER (
            PARTITION BY e.organization_id, e.leaf_sha256 ORDER BY e.last_seen_at DESC) AS place
        FROM discovered_endpoints e WHERE e.leaf_sha256 <> '') r
    WHERE place = 1) x
WHERE x.organization_id = org_certificates.organization_id AND x.leaf_sha256 = org_certificates.sha256
    AND org_certificates.leaf_serving = 0;

UPDATE org_certificates SET superseded_by = COALESCE((
    SELECT newer.sha256 FROM certificate_names mine
    JOIN certificate_names theirs ON theirs.name = mine.name
    JOIN org_certificates newer ON newer.organization_id = org_certificates.organization_id AND newer.sha256 = theirs.sha256
    WHERE mine.sha256 = org_certificates.sha256 AND newer.leaf_serving > 0 AND newer.subject = org_certificates.subject
        AND newer.not_before > org_certificates.not_before AND newer.not_after > org_certificates.not_after
    ORDER BY newer.not_before DESC, newer.not_after DESC, newer.sha256 LIMIT 1), '')
WHERE leaf_serving > 0;

-- The inventory's order (soonest expiry first) and the stale leaves.
CREATE INDEX org_certificates_not_after ON org_certificates (organization_id, not_after, sha256);
CREATE INDEX org_certificates_superseded ON org_certificates (organization_id) WHERE superseded_by <> '';
-- Which states serve a leaf: trust upkeep and the stale-endpoint insight.
CREATE INDEX domain_states_leaf ON domain_states (leaf_sha256, checked_at);

-- +goose Down
DROP INDEX domain_states_leaf;
DROP INDEX org_certificates_superseded;
DROP INDEX org_certificates_not_after;
ALTER TABLE org_certificates DROP COLUMN superseded_by;
ALTER TABLE org_certificates DROP COLUMN trust_status;
ALTER TABLE org_certificates DROP COLUMN leaf_serving;
ALTER TABLE org_certificates DROP COLUMN serving;
ALTER TABLE org_certificates DROP COLUMN not_after;
ALTER TABLE org_certificates DROP COLUMN not_before;
ALTER TABLE org_certificates DROP COLUMN is_ca;
ALTER TABLE org_certificates DROP COLUMN key_type;
ALTER TABLE org_certificates DROP COLUMN issuer;
ALTER TABLE org_certificates DROP COLUMN subject;
DROP TABLE domain_chains;
