-- +goose Up
-- What the agent reported at its latest check-in about the result batches it
-- set aside because the server kept failing on them: how many, and when the
-- oldest was written (NULL when none).
ALTER TABLE agents ADD COLUMN parked_batches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN parked_oldest_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE agents DROP COLUMN parked_oldest_at;
ALTER TABLE agents DROP COLUMN parked_batches;
