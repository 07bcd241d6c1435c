-- +goose Up
-- CRLs and OCSP answers the server asks an agent to fetch: their URL is at
-- an address the server may not reach (an internal CA's), and the agent
-- checks a domain serving a certificate that names it. The agent finds
-- them in its target list and pushes back what it got, which the server
-- verifies itself. One row per agent, kind, URL and, for OCSP, the
-- certificate asked about (cert_sha256, '' for a CRL); ocsp_request is the
-- DER request the answer must match. A request expires unanswered, so an
-- agent that never pulls again leaves nothing behind.
CREATE TABLE revocation_fetches (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    url             TEXT NOT NULL,
    cert_sha256     TEXT NOT NULL DEFAULT '',
    ocsp_request    BLOB,
    created_at      DATETIME NOT NULL,
    expires_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX revocation_fetches_dedup ON revocation_fetches (agent_id, kind, url, cert_sha256);
CREATE INDEX revocation_fetches_expiry ON revocation_fetches (expires_at);

-- +goose Down
DROP TABLE revocation_fetches;
