-- +goose Up
-- What a check must present for ingest to take it as a repeat of the
-- current state without judging it again: chain_key digests the chain as
-- served with who checked and the negotiated parameters, and judged_until
-- is when the stored verdict may first move with the clock (NULL: judge
-- the next check, as after a state stored before this or judged again).
ALTER TABLE domain_states ADD COLUMN chain_key TEXT NOT NULL DEFAULT '';
ALTER TABLE domain_states ADD COLUMN judged_until TIMESTAMPTZ;

-- +goose Down
ALTER TABLE domain_states DROP COLUMN judged_until;
ALTER TABLE domain_states DROP COLUMN chain_key;
