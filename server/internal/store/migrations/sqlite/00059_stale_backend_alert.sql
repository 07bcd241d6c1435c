-- +goose Up
-- Rules that watch overdue renewals learn of renewals a backend of a
-- load-balanced name never took up (stale_backend, "failed uptake").
UPDATE alert_rules SET events = REPLACE(events, '"renewal_overdue"', '"renewal_overdue","stale_backend"')
WHERE events LIKE '%"renewal_overdue"%' AND events NOT LIKE '%"stale_backend"%';

-- +goose Down
UPDATE alert_rules SET events = REPLACE(REPLACE(REPLACE(events,
    ',"stale_backend"', ''), '"stale_backend",', ''), '"stale_backend"', '');
