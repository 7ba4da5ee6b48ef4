-- Foundation: organisations, users, roles, sessions, API tokens, audit log, listings.
-- Times are timestamptz (UTC); money is BIGINT fen.

CREATE TABLE organizations (
    id           TEXT PRIMARY KEY,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL,
    uscc         TEXT UNIQUE,
    region_code  TEXT NOT NULL,
    website      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT 'zh',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
    user_id    TEXT NOT NULL REFERENCES users(id),
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    role       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, org_id, role)
);
CREATE INDEX memberships_org ON memberships(org_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT,
    actor_org   TEXT,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, at);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TABLE listings (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('achievement', 'need')),
    status          TEXT NOT NULL,
    owner_org_id    TEXT NOT NULL REFERENCES organizations(id),
    created_by      TEXT NOT NULL REFERENCES users(id),
    title_zh        TEXT NOT NULL DEFAULT '',
    title_en        TEXT NOT NULL DEFAULT '',
    summary_zh      TEXT NOT NULL DEFAULT '',
    summary_en      TEXT NOT NULL DEFAULT '',
    detail_zh       TEXT NOT NULL DEFAULT '',
    detail_en       TEXT NOT NULL DEFAULT '',
    field           TEXT NOT NULL,
    trl             INTEGER NOT NULL DEFAULT 0,
    trl_evidence    TEXT NOT NULL DEFAULT '',
    price_type      TEXT NOT NULL DEFAULT 'negotiable',
    price_fen       BIGINT,
    region_code     TEXT NOT NULL,
    state_owned     BOOLEAN NOT NULL DEFAULT FALSE,
    budget_min_fen  BIGINT,
    budget_max_fen  BIGINT,
    required_trl    INTEGER,
    need_deadline   DATE,
    validity_months INTEGER NOT NULL DEFAULT 12,
    reject_reason   TEXT NOT NULL DEFAULT '',
    submitted_at    TIMESTAMPTZ,
    reviewed_by     TEXT,
    reviewed_at     TIMESTAMPTZ,
    published_at    TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ,
    reminded_at     TIMESTAMPTZ,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX listings_public ON listings(status, published_at DESC);
CREATE INDEX listings_public_kind ON listings(status, kind, published_at DESC);
CREATE INDEX listings_field ON listings(status, field, published_at DESC);
CREATE INDEX listings_owner ON listings(owner_org_id, updated_at DESC);
CREATE INDEX listings_expiry ON listings(status, expires_at);
CREATE INDEX listings_review ON listings(status, submitted_at);

CREATE TABLE listing_modes (
    listing_id TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    mode       TEXT NOT NULL,
    PRIMARY KEY (listing_id, mode)
);
CREATE INDEX listing_modes_mode ON listing_modes(mode, listing_id);

CREATE TABLE listing_ipc (
    listing_id TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    PRIMARY KEY (listing_id, code)
);
CREATE INDEX listing_ipc_code ON listing_ipc(code);

CREATE TABLE listing_ip_items (
    listing_id  TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    type        TEXT NOT NULL,
    number      TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    territory   TEXT NOT NULL DEFAULT 'CN',
    expiry_date DATE,
    PRIMARY KEY (listing_id, seq)
);

CREATE TABLE listing_owners (
    listing_id TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    org_id     TEXT REFERENCES organizations(id),
    share_bp   INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
    PRIMARY KEY (listing_id, seq)
);

-- Parties granted the confidential detail after accepting an NDA (filled by deals).
CREATE TABLE listing_access (
    listing_id TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    granted_at TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (listing_id, org_id)
);

-- Text search: tokens produced in Go (CJK unigrams+bigrams, folded Latin words) so
-- both engines match the same way.
CREATE TABLE listing_fts (
    listing_id TEXT PRIMARY KEY REFERENCES listings(id) ON DELETE CASCADE,
    tokens     TEXT[] NOT NULL
);
CREATE INDEX listing_fts_tokens ON listing_fts USING GIN (tokens);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    subject_id TEXT NOT NULL DEFAULT '',
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications(user_id, created_at DESC);
CREATE UNIQUE INDEX notifications_once ON notifications(user_id, kind, subject_id);
