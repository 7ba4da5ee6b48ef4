-- Organisation profiles: what an organisation does (经营范围/简介) in Chinese and
-- English, the technology fields it works in and optional IPC symbols. Matching
-- reads them to rank enterprises for an achievement, including enterprises that
-- never posted a need. The code lists are stored as ";"-separated text (IPC symbols
-- may hold a space): they are always read and written whole with the profile and
-- never queried by code.
CREATE TABLE org_profiles (
    org_id     TEXT PRIMARY KEY REFERENCES organizations(id),
    scope_zh   TEXT NOT NULL DEFAULT '',
    scope_en   TEXT NOT NULL DEFAULT '',
    fields     TEXT NOT NULL DEFAULT '',
    ipc_codes  TEXT NOT NULL DEFAULT '',
    updated_by TEXT,
    updated_at TEXT NOT NULL
);
