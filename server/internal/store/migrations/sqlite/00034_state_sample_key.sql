-- +goose Up
-- The state keeps the key of its current sample, so that ingest tells a
-- repeat from a change with the one read of the states it makes anyway,
-- instead of a lookup of every current sample in observations.
ALTER TABLE domain_states ADD COLUMN sample_key TEXT NOT NULL DEFAULT '';
UPDATE domain_states SET sample_key = COALESCE((SELECT o.sample_key FROM observations o WHERE o.id = domain_states.observation_id), '');

-- +goose Down
ALTER TABLE domain_states DROP COLUMN sample_key;
