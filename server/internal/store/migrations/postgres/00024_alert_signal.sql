-- +goose Up
-- One event per subject and problem, whichever rules caught it: the dedup
-- key loses its rule prefix, and rule_ids lists the rules (JSON) whose
-- channels hear of it. Of duplicates left by several rules, the first
-- keeps the key; the others, if open, close without a notice.
ALTER TABLE alerts ADD COLUMN rule_ids TEXT NOT NULL DEFAULT '[]';
UPDATE alerts SET rule_ids = '["' || rule_id || '"]';
UPDATE alerts SET dedup_key = substr(alerts.dedup_key, length(alerts.rule_id) + 2)
FROM (SELECT id, row_number() OVER (PARTITION BY organization_id, substr(dedup_key, length(rule_id) + 2) ORDER BY id) AS n
      FROM alerts WHERE starts_with(dedup_key, rule_id || '|')) ranked
WHERE ranked.id = alerts.id AND ranked.n = 1;
UPDATE alerts SET state = 'resolved', resolved_at = now()
WHERE state = 'open' AND starts_with(dedup_key, rule_id || '|');

-- Notification state: when the event was last sent (NULL: held back by a
-- maintenance window or a snooze, to send when it ends), who acknowledged
-- it, and until when it is snoozed. Members of an agent's outage point to
-- the outage event (group_id), which speaks for them.
ALTER TABLE alerts ADD COLUMN group_id TEXT REFERENCES alerts(id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN notified_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN acknowledged_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN snoozed_until TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN snooze_until_change BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE alerts SET notified_at = opened_at;
CREATE INDEX alerts_group ON alerts (group_id) WHERE group_id IS NOT NULL;

-- A delivery may carry several events (every problem of a domain, found in
-- one evaluation), and an event may go out in several deliveries.
CREATE TABLE outbox_alerts (
    outbox_id TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    alert_id  TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    PRIMARY KEY (outbox_id, alert_id)
);
CREATE INDEX outbox_alerts_alert ON outbox_alerts (alert_id);
INSERT INTO outbox_alerts (outbox_id, alert_id) SELECT id, alert_id FROM outbox;

-- Reminders while an event stays open; 0 sends none.
ALTER TABLE alert_rules ADD COLUMN remind_every_hours INTEGER NOT NULL DEFAULT 0;

-- Maintenance windows silence notifications for a domain, a tag or an
-- agent: once (starts_at to ends_at) or weekly (weekdays, at start_time
-- for duration_minutes), in an IANA time zone.
CREATE TABLE maintenance_windows (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    scope_type       TEXT NOT NULL,
    scope_value      TEXT NOT NULL,
    recurrence       TEXT NOT NULL,
    starts_at        TIMESTAMPTZ,
    ends_at          TIMESTAMPTZ,
    weekdays         TEXT NOT NULL DEFAULT '[]',
    start_time       TEXT NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL DEFAULT 0,
    time_zone        TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX maintenance_windows_org ON maintenance_windows (organization_id, created_at);

-- +goose Down
DROP TABLE maintenance_windows;
ALTER TABLE alert_rules DROP COLUMN remind_every_hours;
DROP TABLE outbox_alerts;
DROP INDEX alerts_group;
ALTER TABLE alerts DROP COLUMN snooze_until_change;
ALTER TABLE alerts DROP COLUMN snoozed_until;
ALTER TABLE alerts DROP COLUMN acknowledged_by;
ALTER TABLE alerts DROP COLUMN acknowledged_at;
ALTER TABLE alerts DROP COLUMN notified_at;
ALTER TABLE alerts DROP COLUMN group_id;
UPDATE alerts SET dedup_key = rule_id || '|' || dedup_key WHERE NOT starts_with(dedup_key, rule_id || '|');
ALTER TABLE alerts DROP COLUMN rule_ids;
