-- +goose Up
-- One row per periodic job: the replica holding it runs the current tick.
CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE job_leases;
