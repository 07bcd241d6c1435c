-- +goose Up
-- How each agent certificate came: 'enrolled' (with a join token) or
-- 'renewed' (over mutual TLS), for the agent's certificate history.
-- Certificates issued before this column keep '' (not recorded).
ALTER TABLE agent_certificates ADD COLUMN origin TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE agent_certificates DROP COLUMN origin;
