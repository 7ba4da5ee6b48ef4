-- Saved valuations (issue 7): each is the Input a user gave and the Result the
-- model computed, tied to its listing, so that it can be shown again, re-run with
-- changed assumptions (a new row whose parent_id names the original) and set
-- beside the realised price once a deal closes (accountability).
-- created_by carries no foreign key, as in audit_log: system actors value too.

CREATE TABLE valuations (
    id                 TEXT PRIMARY KEY,
    listing_id         TEXT NOT NULL REFERENCES listings(id),
    parent_id          TEXT REFERENCES valuations(id),
    created_by         TEXT NOT NULL,
    org_id             TEXT NOT NULL DEFAULT '',
    scenario           TEXT NOT NULL,
    method             TEXT NOT NULL,
    model_version      TEXT NOT NULL,
    -- the simulation seed, a uint64 stored bit for bit in a signed BIGINT
    seed               BIGINT NOT NULL,
    input              TEXT NOT NULL,
    result             TEXT NOT NULL,
    p10_fen            BIGINT NOT NULL,
    p50_fen            BIGINT NOT NULL,
    p90_fen            BIGINT NOT NULL,
    realised_price_fen BIGINT,
    realised_at        DATE,
    realised_source    TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE INDEX valuations_listing ON valuations(listing_id, created_at);
CREATE INDEX valuations_realised ON valuations(realised_at);
