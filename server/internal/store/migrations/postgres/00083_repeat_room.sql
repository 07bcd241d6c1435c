-- +goose Up
-- A check that changes nothing updates its domain's current sample and its
-- backend's row, neither in an indexed column, so each new version can stay
-- on its page (a heap-only update) when the page has room. A batch updates
-- an agent's domains, which lie next to each other, all at once, and a row
-- version that the batch replaced cannot be reclaimed before the batch
-- commits: a page needs as much room as its rows take. At 80 only about half
-- the samples stayed on their page (a sample is 1.8 kB), and backends had
-- no room at all. Pages written from now on leave half free; those written
-- before keep their fill until rewritten.
ALTER TABLE observations SET (fillfactor = 50);
ALTER TABLE domain_backends SET (fillfactor = 50);

-- +goose Down
ALTER TABLE domain_backends RESET (fillfactor);
ALTER TABLE observations SET (fillfactor = 80);
