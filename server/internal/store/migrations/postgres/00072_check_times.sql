-- +goose Up
-- A check that changes nothing moves only domain_states.checked_at. While
-- that column was in two of the table's indexes (the last-check sort and the
-- leaf lookup), every such check added an entry to all six indexes of the
-- table: an update that changes an indexed column cannot stay on its page
-- as a heap-only tuple. The last-check sort moves to a narrow table of its
-- own, kept with the state; the leaf index loses a column nothing reads
-- through it; and half of each page of domain_states is left free, because
-- a batch updates an agent's domains, which lie next to each other, all at
-- once.
CREATE TABLE domain_checks (
    domain_id       TEXT PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL,
    checked_at      TIMESTAMPTZ NOT NULL
);
INSERT INTO domain_checks (domain_id, organization_id, checked_at)
    SELECT domain_id, organization_id, checked_at FROM domain_states;
CREATE INDEX domain_checks_order ON domain_checks (organization_id, checked_at, domain_id);
DROP INDEX domain_states_checked;
DROP INDEX domain_states_leaf;
CREATE INDEX domain_states_leaf ON domain_states (leaf_sha256);
ALTER TABLE domain_states SET (fillfactor = 50);

-- +goose Down
ALTER TABLE domain_states RESET (fillfactor);
DROP INDEX domain_states_leaf;
CREATE INDEX domain_states_leaf ON domain_states (leaf_sha256, checked_at);
CREATE INDEX domain_states_checked ON domain_states (organization_id, checked_at, domain_id);
DROP TABLE domain_checks;
