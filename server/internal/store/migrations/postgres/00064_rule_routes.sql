-- +goose Up
-- A rule's routes: per channel, the least severity it gets and the domain
-- tags it is limited to ([] for every domain). Each channel a rule already
-- names gets every event, as before.
ALTER TABLE alert_rules ADD COLUMN routes TEXT NOT NULL DEFAULT '[]';
UPDATE alert_rules SET routes = COALESCE((
    SELECT json_agg(json_build_object('channel_id', c.id, 'min_severity', 'info', 'tags', '[]'::json) ORDER BY c.n)::text
    FROM json_array_elements_text(alert_rules.channel_ids::json) WITH ORDINALITY AS c(id, n)), '[]');

-- +goose Down
ALTER TABLE alert_rules DROP COLUMN routes;
