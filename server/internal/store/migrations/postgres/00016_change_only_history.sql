-- +goose Up
-- An observation is now a run of identical checks: observed_at is the first
-- check of the run, last_observed_at the latest, checks how many there were.
-- sample_key digests what makes a check different (see store/samples.go).
-- Rows stored before keep last_observed_at NULL (last seen when first seen)
-- and an empty sample_key: filling them in would rewrite the whole table.
ALTER TABLE observations ADD COLUMN last_observed_at TIMESTAMPTZ;
ALTER TABLE observations ADD COLUMN checks INTEGER NOT NULL DEFAULT 1;
ALTER TABLE observations ADD COLUMN sample_key TEXT NOT NULL DEFAULT '';

-- Retention finds old rows by time, and keeps the samples still referenced.
CREATE INDEX observations_observed_at ON observations (observed_at);
CREATE INDEX domain_states_observation ON domain_states (observation_id);
CREATE INDEX discovered_endpoints_observation ON discovered_endpoints (observation_id);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX delivery_attempts_attempted ON delivery_attempts (attempted_at);
CREATE INDEX result_batches_created ON result_batches (created_at);

-- +goose Down
DROP INDEX result_batches_created;
DROP INDEX delivery_attempts_attempted;
DROP INDEX audit_log_created;
DROP INDEX discovered_endpoints_observation;
DROP INDEX domain_states_observation;
DROP INDEX observations_observed_at;
ALTER TABLE observations DROP COLUMN sample_key;
ALTER TABLE observations DROP COLUMN checks;
ALTER TABLE observations DROP COLUMN last_observed_at;
