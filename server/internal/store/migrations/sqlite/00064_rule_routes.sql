-- +goose Up
-- A rule's routes: per channel, the least severity it gets and the domain
-- tags it is limited to ([] for every domain). Each channel a rule already
-- names gets every event, as before.
ALTER TABLE alert_rules ADD COLUMN routes TEXT NOT NULL DEFAULT '[]';
UPDATE alert_rules SET routes = (
    SELECT json_group_array(json_object('channel_id', c.value, 'min_severity', 'info', 'tags', json('[]')))
    FROM (SELECT value FROM json_each(alert_rules.channel_ids) ORDER BY key) AS c);

-- +goose Down
ALTER TABLE alert_rules DROP COLUMN routes;
