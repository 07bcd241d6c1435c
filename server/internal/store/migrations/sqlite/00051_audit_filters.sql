-- +goose Up
-- The audit log filters by actor and by action within an organization,
-- newest first: each filter is a range of one of these indexes.
CREATE INDEX audit_log_actor ON audit_log (organization_id, actor_id, created_at);
CREATE INDEX audit_log_action ON audit_log (organization_id, action, created_at);

-- +goose Down
DROP INDEX audit_log_action;
DROP INDEX audit_log_actor;
