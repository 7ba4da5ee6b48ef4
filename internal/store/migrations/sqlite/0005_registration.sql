-- Technology-contract registration (技术合同认定登记): registries' local rules,
-- filings with their contract and check result, the history of each filing, and
-- gap-free registration-number sequences per registry and year.
-- User ids carry no foreign key, as in audit_log.

-- A registry is an organisation of type contract_registry; a row here holds its
-- local rules. Without a row the defaults apply (registration package presets).
CREATE TABLE registration_registries (
    org_id         TEXT PRIMARY KEY REFERENCES organizations(id),
    deadline_rule  TEXT NOT NULL,
    number_pattern TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL
);

CREATE TABLE registration_filings (
    id                    TEXT PRIMARY KEY,
    registry_org_id       TEXT NOT NULL REFERENCES organizations(id),
    filer_org_id          TEXT NOT NULL REFERENCES organizations(id),
    filer_user_id         TEXT NOT NULL,
    status                TEXT NOT NULL,
    contract              TEXT NOT NULL,
    result                TEXT,
    summary               TEXT NOT NULL,
    content_hash          TEXT NOT NULL,
    seller_key            TEXT NOT NULL DEFAULT '',
    buyer_key             TEXT NOT NULL DEFAULT '',
    amount_fen            INTEGER NOT NULL,
    technology_amount_fen INTEGER NOT NULL,
    override_amount_fen   INTEGER,
    override_reason       TEXT NOT NULL DEFAULT '',
    override_by           TEXT NOT NULL DEFAULT '',
    override_at           TEXT,
    submitted_at          TEXT,
    deadline_due          TEXT,
    claimed_by            TEXT NOT NULL DEFAULT '',
    registration_number   TEXT UNIQUE,
    registered_at         TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX registration_filings_queue ON registration_filings(registry_org_id, status, deadline_due);
CREATE INDEX registration_filings_filer ON registration_filings(filer_org_id, updated_at);
CREATE INDEX registration_filings_hash ON registration_filings(content_hash);
CREATE INDEX registration_filings_seller ON registration_filings(seller_key);
CREATE INDEX registration_filings_buyer ON registration_filings(buyer_key);

-- One row per event in a filing's life: status changes, correction requests with
-- their reason, refusals with coded reasons, amendments and cancellation.
CREATE TABLE registration_filing_events (
    id          TEXT PRIMARY KEY,
    filing_id   TEXT NOT NULL REFERENCES registration_filings(id),
    at          TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    event       TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    codes       TEXT NOT NULL DEFAULT '[]',
    note        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL
);
CREATE INDEX registration_filing_events_filing ON registration_filing_events(filing_id, at);

-- next_seq is the next registration sequence number of a registry in a year. It
-- is taken in the registering transaction, so a rollback returns it: no gaps.
CREATE TABLE registration_sequences (
    registry_org_id TEXT NOT NULL REFERENCES organizations(id),
    year            INTEGER NOT NULL,
    next_seq        INTEGER NOT NULL,
    PRIMARY KEY (registry_org_id, year)
);
