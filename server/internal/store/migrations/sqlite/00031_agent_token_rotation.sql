-- +goose Up
-- Rotating an agent's token without deleting the agent. A graceful
-- rotation is first requested (token_rotation_requested_at, told to the
-- agent over its control channel); the agent then asks for its next token,
-- whose hash waits in next_token_hash while the current token still works,
-- and becomes token_hash the first time the agent authenticates with it.
-- Only hashes are stored.
ALTER TABLE agents ADD COLUMN next_token_hash TEXT;
ALTER TABLE agents ADD COLUMN next_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN token_rotation_requested_at DATETIME;
ALTER TABLE agents ADD COLUMN token_rotated_at DATETIME;
CREATE UNIQUE INDEX agents_next_token_hash ON agents (next_token_hash) WHERE next_token_hash IS NOT NULL;

-- +goose Down
DROP INDEX agents_next_token_hash;
ALTER TABLE agents DROP COLUMN token_rotated_at;
ALTER TABLE agents DROP COLUMN token_rotation_requested_at;
ALTER TABLE agents DROP COLUMN next_prefix;
ALTER TABLE agents DROP COLUMN next_token_hash;
