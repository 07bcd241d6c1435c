-- +goose Up
-- The count of failures in a row at which the organization's rules next
-- act on the domain (an unreachable rule's unreachable_after), set by the
-- evaluation that computes due_at; NULL when no count does. A failed
-- check that repeats the domain's failure (same error, same kind) and
-- stays below it leaves the domain not due: an endpoint that stays down
-- costs no evaluation at each check once its event is open. 0 (the
-- default, and what making a domain due sets): not known, so every
-- failure makes the domain due, as before this column.
ALTER TABLE evaluation_schedule ADD COLUMN failures_due INTEGER DEFAULT 0;

-- +goose Down
ALTER TABLE evaluation_schedule DROP COLUMN failures_due;
