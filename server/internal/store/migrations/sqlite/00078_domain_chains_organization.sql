-- +goose Up
-- The organization of each chain entry, so that "which of this
-- organization's domains serve certificate X" is one index range: a CA
-- certificate shared by thousands of organizations otherwise has every
-- organization's entries read and filtered by their domain.
ALTER TABLE domain_chains ADD COLUMN organization_id TEXT NOT NULL DEFAULT '';
UPDATE domain_chains SET organization_id = (SELECT d.organization_id FROM domains d WHERE d.id = domain_chains.domain_id);
CREATE INDEX domain_chains_organization_sha256 ON domain_chains (organization_id, sha256, domain_id);

-- +goose Down
DROP INDEX domain_chains_organization_sha256;
ALTER TABLE domain_chains DROP COLUMN organization_id;
