-- Numbered 7: number 8 was reserved for matching, but no migration 7 was ever added and
-- the numbers must be contiguous. Should a migration 7 appear, rename this file to 0008_.
-- Matching in the product: saved needs with their alert threshold and optional
-- webhook, relevance feedback on matches, and the alerts raised. User ids carry
-- no foreign key, as in audit_log.

-- A saved need looks for listings of one kind: either through one of its
-- owner's listings (listing_id; its text and facts are the query) or through a
-- text with filters.
CREATE TABLE saved_needs (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL,
    name           TEXT NOT NULL,
    listing_id     TEXT REFERENCES listings(id),
    query_text     TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    field          TEXT NOT NULL DEFAULT '',
    region_prefix  TEXT NOT NULL DEFAULT '',
    min_trl        INTEGER NOT NULL DEFAULT 0,
    max_price_fen  BIGINT NOT NULL DEFAULT 0,
    min_score      DOUBLE PRECISION NOT NULL,
    webhook_url    TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX saved_needs_user ON saved_needs(user_id, created_at);
CREATE INDEX saved_needs_kind ON saved_needs(kind, created_at);

-- One verdict per (seeker, matched listing); a seeker is a listing (judged by
-- its organisation) or a saved need (judged by its owner).
CREATE TABLE match_feedback (
    id                  TEXT PRIMARY KEY,
    seeker_type         TEXT NOT NULL,
    seeker_id           TEXT NOT NULL,
    target_id           TEXT NOT NULL REFERENCES listings(id),
    target_owner_org_id TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    relevant            BOOLEAN NOT NULL,
    reason              TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (seeker_type, seeker_id, target_id)
);
CREATE INDEX match_feedback_target ON match_feedback(target_id);

-- The unique key is what makes an alert fire exactly once per saved need and
-- listing, however often the listing is evaluated.
CREATE TABLE match_alerts (
    id               TEXT PRIMARY KEY,
    saved_need_id    TEXT NOT NULL REFERENCES saved_needs(id),
    listing_id       TEXT NOT NULL REFERENCES listings(id),
    user_id          TEXT NOT NULL,
    score            DOUBLE PRECISION NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    webhook_status   TEXT NOT NULL DEFAULT '',
    webhook_code     INTEGER NOT NULL DEFAULT 0,
    webhook_error    TEXT NOT NULL DEFAULT '',
    webhook_attempts INTEGER NOT NULL DEFAULT 0,
    webhook_at       TIMESTAMPTZ,
    UNIQUE (saved_need_id, listing_id)
);
CREATE INDEX match_alerts_pending ON match_alerts(webhook_status, created_at);
