-- +goose Up
-- The OCSP response a certificate's server staples: staple_sha256 keys the
-- last one verified (ingest sees the same staple on every check and skips
-- it until staple_recheck_at), staple_error says why it was not trusted
-- ('' when it was, or none was seen). A trusted staple is recorded as the
-- status with source 'stapled'.
ALTER TABLE revocation_status ADD COLUMN staple_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE revocation_status ADD COLUMN staple_error TEXT NOT NULL DEFAULT '';
ALTER TABLE revocation_status ADD COLUMN staple_recheck_at TIMESTAMPTZ;

-- A status row now exists from when the organization first serves a
-- certificate (state 'pending' until checked), so that the refresher finds
-- what is due on the next_check_at index alone: rows for the certificates
-- served before.
INSERT INTO revocation_status (organization_id, sha256, state, next_check_at)
SELECT organization_id, sha256, 'pending', '1970-01-01T00:00:00Z' FROM org_certificates
WHERE serving > 0 AND subject <> issuer AND not_after > now()
ON CONFLICT (organization_id, sha256) DO NOTHING;

-- +goose Down
DELETE FROM revocation_status WHERE state = 'pending';
ALTER TABLE revocation_status DROP COLUMN staple_recheck_at;
ALTER TABLE revocation_status DROP COLUMN staple_error;
ALTER TABLE revocation_status DROP COLUMN staple_sha256;
