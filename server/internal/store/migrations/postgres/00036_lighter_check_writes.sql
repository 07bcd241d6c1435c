-- +goose Up
-- A check that changes nothing rewrites its domain's state and extends its
-- current sample. The state's index on not_after serves no query (lists
-- read the copy on domains); each check inserted an entry in it.
DROP INDEX domain_states_not_after;
-- A current sample is updated in place at every check, and none of the
-- columns updated is indexed: with room left on its page the new version
-- goes there (a heap-only update) and no index of observations is touched.
ALTER TABLE observations SET (fillfactor = 80);

-- +goose Down
ALTER TABLE observations RESET (fillfactor);
CREATE INDEX domain_states_not_after ON domain_states (not_after);
