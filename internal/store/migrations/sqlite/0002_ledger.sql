-- Settlement ledger (internal/ledger; design in docs/ledger.md).
-- Money is integer fen. Postings and transactions are immutable (triggers below);
-- balances are a cache rebuilt from postings, guarded by floor CHECKs.

-- Every command the ledger accepted, money-moving or not: the idempotency journal.
CREATE TABLE ledger_transactions (
    id              TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash    TEXT NOT NULL,
    kind            TEXT NOT NULL,
    contract_id     TEXT,
    milestone_seq   INTEGER,
    ref_id          TEXT,
    bank_ref        TEXT,
    amount_fen      INTEGER NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    actor_id        TEXT NOT NULL DEFAULT '',
    memo            TEXT NOT NULL DEFAULT '',
    recorded_at     TEXT NOT NULL
);
CREATE INDEX ledger_transactions_contract ON ledger_transactions(contract_id, recorded_at);
-- A milestone is released at most once, whatever the application does.
CREATE UNIQUE INDEX ledger_transactions_one_release ON ledger_transactions(contract_id, milestone_seq) WHERE kind = 'release';
-- One bank notice credits at most once.
CREATE UNIQUE INDEX ledger_transactions_one_deposit ON ledger_transactions(bank_ref) WHERE kind = 'deposit';
CREATE INDEX ledger_transactions_bank ON ledger_transactions(kind, recorded_at) WHERE kind IN ('deposit', 'withdrawal');

-- One row per movement of money from source to destination: balanced by construction.
CREATE TABLE ledger_postings (
    tx_id       TEXT NOT NULL,
    idx         INTEGER NOT NULL,
    source      TEXT NOT NULL,
    destination TEXT NOT NULL,
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    currency    TEXT NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (tx_id, idx),
    CHECK (source <> destination)
);
CREATE INDEX ledger_postings_source ON ledger_postings(source, recorded_at);
CREATE INDEX ledger_postings_destination ON ledger_postings(destination, recorded_at);

CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are immutable'); END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are immutable'); END;
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are immutable'); END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger transactions are immutable'); END;

-- Cached balances. Hot accounts are split into shards summed on read.
CREATE TABLE ledger_balances (
    account     TEXT NOT NULL,
    shard       INTEGER NOT NULL DEFAULT 0,
    balance_fen INTEGER NOT NULL DEFAULT 0,
    floor_fen   INTEGER,
    PRIMARY KEY (account, shard),
    CHECK (floor_fen IS NULL OR balance_fen >= floor_fen)
);

-- Settlement terms of a signed contract, with running totals the invariants bound.
CREATE TABLE ledger_contracts (
    id                    TEXT PRIMARY KEY,
    buyer_org             TEXT NOT NULL,
    seller_org            TEXT NOT NULL,
    price_fen             INTEGER NOT NULL CHECK (price_fen >= 0),
    terms                 TEXT NOT NULL,
    held_fen              INTEGER NOT NULL DEFAULT 0,
    released_fen          INTEGER NOT NULL DEFAULT 0,
    escrow_refunded_fen   INTEGER NOT NULL DEFAULT 0,
    clawback_refunded_fen INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    CHECK (held_fen >= 0 AND released_fen >= 0 AND escrow_refunded_fen >= 0 AND clawback_refunded_fen >= 0),
    CHECK (held_fen <= price_fen),
    CHECK (released_fen + escrow_refunded_fen <= held_fen),
    CHECK (escrow_refunded_fen + clawback_refunded_fen <= held_fen),
    CHECK (clawback_refunded_fen <= released_fen)
);
CREATE INDEX ledger_contracts_buyer ON ledger_contracts(buyer_org);
CREATE INDEX ledger_contracts_seller ON ledger_contracts(seller_org);

CREATE TABLE ledger_milestones (
    contract_id    TEXT NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    title          TEXT NOT NULL DEFAULT '',
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'disputed', 'released')),
    delivered_at   TEXT,
    deemed_at      TEXT,
    released_fen   INTEGER NOT NULL DEFAULT 0,
    refunded_fen   INTEGER NOT NULL DEFAULT 0,
    clawed_parts   TEXT NOT NULL DEFAULT '',
    release_tx     TEXT,
    PRIMARY KEY (contract_id, seq),
    CHECK (released_fen >= 0 AND released_fen <= amount_fen),
    CHECK (refunded_fen >= 0 AND refunded_fen <= released_fen),
    CHECK ((status = 'released') = (release_tx IS NOT NULL))
);
CREATE INDEX ledger_milestones_deemed ON ledger_milestones(deemed_at) WHERE status = 'delivered';

CREATE TABLE ledger_royalty_reports (
    id           TEXT PRIMARY KEY,
    contract_id  TEXT NOT NULL,
    licence_year INTEGER NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    sales_fen    INTEGER NOT NULL CHECK (sales_fen >= 0),
    chargeable   INTEGER NOT NULL,
    tx_id        TEXT NOT NULL,
    reported_at  TEXT NOT NULL,
    UNIQUE (contract_id, period_start),
    CHECK (period_end >= period_start)
);

CREATE TABLE ledger_royalty_invoices (
    id           TEXT PRIMARY KEY,
    contract_id  TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('entry_fee', 'royalty', 'minimum_topup')),
    licence_year INTEGER NOT NULL,
    report_id    TEXT,
    base_fen     INTEGER NOT NULL DEFAULT 0,
    amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
    due_date     TEXT NOT NULL,
    issued_tx    TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    paid_tx      TEXT,
    paid_at      TEXT
);
CREATE INDEX ledger_royalty_invoices_contract ON ledger_royalty_invoices(contract_id, issued_at);
CREATE UNIQUE INDEX ledger_royalty_invoices_entry ON ledger_royalty_invoices(contract_id) WHERE kind = 'entry_fee';
CREATE UNIQUE INDEX ledger_royalty_invoices_minimum ON ledger_royalty_invoices(contract_id, licence_year) WHERE kind = 'minimum_topup';

-- Bank reconciliation: imported statements and their lines, matched to ledger movements.
CREATE TABLE ledger_bank_statements (
    id          TEXT PRIMARY KEY,
    file_sha256 TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL DEFAULT '',
    line_count  INTEGER NOT NULL,
    report      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE ledger_bank_lines (
    statement_id TEXT NOT NULL,
    line_no      INTEGER NOT NULL,
    value_date   TEXT NOT NULL,
    bank_ref     TEXT NOT NULL DEFAULT '',
    direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    counterparty TEXT NOT NULL DEFAULT '',
    memo         TEXT NOT NULL DEFAULT '',
    matched_tx   TEXT,
    PRIMARY KEY (statement_id, line_no)
);
-- A ledger movement matches at most one bank line.
CREATE UNIQUE INDEX ledger_bank_lines_matched ON ledger_bank_lines(matched_tx) WHERE matched_tx IS NOT NULL;
CREATE INDEX ledger_bank_lines_unmatched ON ledger_bank_lines(value_date) WHERE matched_tx IS NULL;
