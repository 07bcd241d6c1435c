-- +goose Up
-- The inventory's other orders, each a range of an index led by the
-- organization, ties broken by fingerprint (see store.CertificateSorts).
CREATE INDEX org_certificates_subject ON org_certificates (organization_id, subject, sha256);
CREATE INDEX org_certificates_issuer ON org_certificates (organization_id, issuer, sha256);
CREATE INDEX org_certificates_serving ON org_certificates (organization_id, serving, sha256);
CREATE INDEX org_certificates_first_seen ON org_certificates (organization_id, first_seen, sha256);

-- A certificate's history: the samples that served it as a leaf, and the
-- changes that replaced it.
CREATE INDEX observations_leaf ON observations (organization_id, leaf_sha256);
CREATE INDEX certificate_changes_old ON certificate_changes (organization_id, old_sha256);

-- +goose Down
DROP INDEX certificate_changes_old;
DROP INDEX observations_leaf;
DROP INDEX org_certificates_first_seen;
DROP INDEX org_certificates_serving;
DROP INDEX org_certificates_issuer;
DROP INDEX org_certificates_subject;
