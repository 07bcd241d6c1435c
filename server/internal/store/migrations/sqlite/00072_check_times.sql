-- +goose Up
-- The last-check sort moves to a narrow table kept with the state, as on
-- PostgreSQL, where it lets an unchanged check update the state in place;
-- one schema keeps one code path.
CREATE TABLE domain_checks (
    domain_id       TEXT PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL,
    checked_at      DATETIME NOT NULL
);
INSERT INTO domain_checks (domain_id, organization_id, checked_at)
    SELECT domain_id, organization_id, checked_at FROM domain_states;
CREATE INDEX domain_checks_order ON domain_checks (organization_id, checked_at, domain_id);
DROP INDEX domain_states_checked;
DROP INDEX domain_states_leaf;
CREATE INDEX domain_states_leaf ON domain_states (leaf_sha256);

-- +goose Down
DROP INDEX domain_states_leaf;
CREATE INDEX domain_states_leaf ON domain_states (leaf_sha256, checked_at);
CREATE INDEX domain_states_checked ON domain_states (organization_id, checked_at, domain_id);
DROP TABLE domain_checks;
