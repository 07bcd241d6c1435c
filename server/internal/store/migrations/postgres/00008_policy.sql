-- +goose Up
-- The organization's certificate policy (JSON); empty means the defaults.
ALTER TABLE organizations ADD COLUMN policy TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organizations DROP COLUMN policy;
