-- Deals and trading rules: venues and their versioned rule sets, NDA texts, deal
-- rooms (messages, offers, notice objections, contracts, signatures), brokers'
-- mandates, sales (fixed-price listings and auctions) with bidders and bids, and
-- challenges with proposals.
-- User ids carry no foreign key, as in audit_log: system and benchmark actors act
-- without accounts, and the record must outlive an account.

CREATE TABLE deal_venues (
    code            TEXT PRIMARY KEY,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    description_zh  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    operator_org_id TEXT REFERENCES organizations(id),
    current_version INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- Stored versions never change; a change is a new version.
CREATE TABLE deal_rule_sets (
    venue_code TEXT NOT NULL REFERENCES deal_venues(code),
    version    INTEGER NOT NULL,
    rules      TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (venue_code, version)
);

CREATE TABLE deal_nda_texts (
    version    INTEGER PRIMARY KEY,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_zh    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- One deal room per listing and counterparty (the buyer of an achievement, the
-- solver of a need).
CREATE TABLE deals (
    id                  TEXT PRIMARY KEY,
    listing_id          TEXT NOT NULL REFERENCES listings(id),
    seller_org_id       TEXT NOT NULL REFERENCES organizations(id),
    buyer_org_id        TEXT NOT NULL REFERENCES organizations(id),
    counterparty_org_id TEXT NOT NULL REFERENCES organizations(id),
    venue_code          TEXT NOT NULL,
    rule_version        INTEGER NOT NULL,
    method              TEXT NOT NULL,
    state               TEXT NOT NULL,
    sale_id             TEXT,
    challenge_id        TEXT,
    state_owned         BOOLEAN NOT NULL DEFAULT FALSE,
    nda_version         INTEGER,
    nda_sha256          TEXT NOT NULL DEFAULT '',
    nda_accepted_by     TEXT NOT NULL DEFAULT '',
    nda_accepted_at     TIMESTAMPTZ,
    agreed_terms        TEXT,
    agreed_price_fen    BIGINT,
    agreed_at           TIMESTAMPTZ,
    notice_required     BOOLEAN NOT NULL DEFAULT FALSE,
    notice_starts_at    TIMESTAMPTZ,
    notice_ends_at      TIMESTAMPTZ,
    notice_cleared_at   TIMESTAMPTZ,
    contract_version    INTEGER NOT NULL DEFAULT 0,
    concluded_at        TIMESTAMPTZ,
    buyer_fee_fen       BIGINT,
    seller_fee_fen      BIGINT,
    end_reason          TEXT NOT NULL DEFAULT '',
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (listing_id, counterparty_org_id),
    FOREIGN KEY (venue_code, rule_version) REFERENCES deal_rule_sets(venue_code, version)
);
CREATE INDEX deals_seller ON deals(seller_org_id, updated_at);
CREATE INDEX deals_buyer ON deals(buyer_org_id, updated_at);
CREATE INDEX deals_notice ON deals(state, notice_ends_at);
CREATE INDEX deals_sale ON deals(sale_id);

CREATE TABLE deal_messages (
    id            TEXT PRIMARY KEY,
    deal_id       TEXT NOT NULL REFERENCES deals(id),
    author_id     TEXT NOT NULL,
    author_org_id TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX deal_messages_deal ON deal_messages(deal_id, created_at);

CREATE TABLE deal_offers (
    id           TEXT PRIMARY KEY,
    deal_id      TEXT NOT NULL REFERENCES deals(id),
    seq          BIGINT NOT NULL,
    from_side    TEXT NOT NULL CHECK (from_side IN ('seller', 'buyer')),
    terms        TEXT NOT NULL,
    price_fen    BIGINT NOT NULL,
    status       TEXT NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    responded_by TEXT NOT NULL DEFAULT '',
    responded_at TIMESTAMPTZ,
    UNIQUE (deal_id, seq)
);

CREATE TABLE deal_objections (
    id            TEXT PRIMARY KEY,
    deal_id       TEXT NOT NULL REFERENCES deals(id),
    raised_by     TEXT NOT NULL,
    raised_org_id TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
    resolution    TEXT NOT NULL DEFAULT '',
    resolved_by   TEXT NOT NULL DEFAULT '',
    resolved_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX deal_objections_deal ON deal_objections(deal_id, status);

-- The generated document is kept as signed: its hash is what the parties sign.
CREATE TABLE deal_contracts (
    deal_id     TEXT NOT NULL REFERENCES deals(id),
    version     INTEGER NOT NULL,
    terms       TEXT NOT NULL,
    html        TEXT NOT NULL,
    html_sha256 TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deal_id, version)
);

CREATE TABLE deal_signatures (
    deal_id         TEXT NOT NULL,
    version         INTEGER NOT NULL,
    side            TEXT NOT NULL CHECK (side IN ('seller', 'buyer')),
    user_id         TEXT NOT NULL,
    user_name       TEXT NOT NULL DEFAULT '',
    org_id          TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    signed_at       TIMESTAMPTZ NOT NULL,
    ip              TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (deal_id, version, side),
    FOREIGN KEY (deal_id, version) REFERENCES deal_contracts(deal_id, version)
);

CREATE TABLE deal_mandates (
    id                   TEXT PRIMARY KEY,
    broker_user_id       TEXT NOT NULL,
    broker_name          TEXT NOT NULL DEFAULT '',
    party_org_id         TEXT NOT NULL REFERENCES organizations(id),
    side                 TEXT NOT NULL CHECK (side IN ('seller', 'buyer')),
    listing_id           TEXT REFERENCES listings(id),
    can_negotiate        BOOLEAN NOT NULL DEFAULT FALSE,
    commission_kind      TEXT NOT NULL,
    commission_bp        INTEGER NOT NULL DEFAULT 0,
    commission_fixed_fen BIGINT NOT NULL DEFAULT 0,
    expenses_borne_by    TEXT NOT NULL,
    expenses_if_failed   BOOLEAN NOT NULL DEFAULT TRUE,
    starts_on            DATE NOT NULL,
    ends_on              DATE NOT NULL,
    state                TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    decided_at           TIMESTAMPTZ,
    revoked_at           TIMESTAMPTZ
);
CREATE INDEX deal_mandates_party ON deal_mandates(party_org_id, state);
CREATE INDEX deal_mandates_broker ON deal_mandates(broker_user_id, state);

CREATE TABLE deal_brokers (
    deal_id            TEXT NOT NULL REFERENCES deals(id),
    mandate_id         TEXT NOT NULL REFERENCES deal_mandates(id),
    broker_user_id     TEXT NOT NULL,
    side               TEXT NOT NULL,
    attached_at        TIMESTAMPTZ NOT NULL,
    commission_due_fen BIGINT,
    commission_basis   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (deal_id, mandate_id)
);
CREATE INDEX deal_brokers_broker ON deal_brokers(broker_user_id);

-- A sale prices one listing by a fixed-price listing or an auction.
CREATE TABLE deal_sales (
    id                TEXT PRIMARY KEY,
    listing_id        TEXT NOT NULL REFERENCES listings(id),
    seller_org_id     TEXT NOT NULL REFERENCES organizations(id),
    venue_code        TEXT NOT NULL,
    rule_version      INTEGER NOT NULL,
    method            TEXT NOT NULL,
    state             TEXT NOT NULL,
    outcome           TEXT NOT NULL DEFAULT '',
    start_price_fen   BIGINT NOT NULL,
    reserve_fen       BIGINT,
    increment_fen     BIGINT NOT NULL,
    increment_bp      INTEGER NOT NULL DEFAULT 0,
    deposit_fen       BIGINT NOT NULL DEFAULT 0,
    anti_sniping_sec  INTEGER NOT NULL DEFAULT 0,
    extension_sec     INTEGER NOT NULL DEFAULT 0,
    max_extensions    INTEGER NOT NULL DEFAULT 0,
    starts_at         TIMESTAMPTZ NOT NULL,
    ends_at           TIMESTAMPTZ NOT NULL,
    original_ends_at  TIMESTAMPTZ NOT NULL,
    extensions        INTEGER NOT NULL DEFAULT 0,
    current_price_fen BIGINT,
    leader_org_id     TEXT,
    bid_count         INTEGER NOT NULL DEFAULT 0,
    last_seq          BIGINT NOT NULL DEFAULT 0,
    winner_org_id     TEXT,
    winning_bid_fen   BIGINT,
    winning_seq       BIGINT,
    follow_on_sale_id TEXT,
    parent_sale_id    TEXT,
    closed_at         TIMESTAMPTZ,
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (venue_code, rule_version) REFERENCES deal_rule_sets(venue_code, version)
);
CREATE UNIQUE INDEX deal_sales_one_open ON deal_sales(listing_id) WHERE state = 'open';
CREATE INDEX deal_sales_due ON deal_sales(state, ends_at);

CREATE TABLE deal_sale_bidders (
    sale_id       TEXT NOT NULL REFERENCES deal_sales(id),
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    deal_id       TEXT NOT NULL REFERENCES deals(id),
    deposit_fen   BIGINT NOT NULL DEFAULT 0,
    deposit_basis TEXT NOT NULL DEFAULT '',
    registered_by TEXT NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sale_id, org_id)
);

CREATE TABLE deal_sale_deposits (
    sale_id      TEXT NOT NULL REFERENCES deal_sales(id),
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    amount_fen   BIGINT NOT NULL,
    confirmed_by TEXT NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sale_id, org_id)
);

-- Accepted bids only; seq is 1, 2, 3… per sale in the order the bids took the
-- sale's lock. Refused bids change nothing and are not stored.
CREATE TABLE deal_sale_bids (
    sale_id        TEXT NOT NULL REFERENCES deal_sales(id),
    seq            BIGINT NOT NULL,
    bidder_org_id  TEXT NOT NULL,
    bidder_user_id TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL,
    placed_at      TIMESTAMPTZ NOT NULL,
    client_ref     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sale_id, seq)
);
CREATE UNIQUE INDEX deal_sale_bids_ref ON deal_sale_bids(sale_id, bidder_org_id, client_ref) WHERE client_ref <> '';
CREATE INDEX deal_sale_bids_bidder ON deal_sale_bids(sale_id, bidder_org_id);

CREATE TABLE deal_challenges (
    id                TEXT PRIMARY KEY,
    listing_id        TEXT NOT NULL REFERENCES listings(id),
    owner_org_id      TEXT NOT NULL REFERENCES organizations(id),
    venue_code        TEXT NOT NULL,
    rule_version      INTEGER NOT NULL,
    title_zh          TEXT NOT NULL DEFAULT '',
    title_en          TEXT NOT NULL DEFAULT '',
    criteria          TEXT NOT NULL DEFAULT '',
    reward_fen        BIGINT NOT NULL,
    max_winners       INTEGER NOT NULL DEFAULT 1,
    deadline          TIMESTAMPTZ NOT NULL,
    state             TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    decided_at        TIMESTAMPTZ,
    FOREIGN KEY (venue_code, rule_version) REFERENCES deal_rule_sets(venue_code, version)
);
CREATE UNIQUE INDEX deal_challenges_one_open ON deal_challenges(listing_id) WHERE state = 'open';

CREATE TABLE deal_proposals (
    id              TEXT PRIMARY KEY,
    challenge_id    TEXT NOT NULL REFERENCES deal_challenges(id),
    solver_org_id   TEXT NOT NULL REFERENCES organizations(id),
    deal_id         TEXT NOT NULL REFERENCES deals(id),
    summary         TEXT NOT NULL,
    plan            TEXT NOT NULL DEFAULT '',
    price_fen       BIGINT NOT NULL,
    duration_months INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL,
    feedback_code   TEXT NOT NULL DEFAULT '',
    feedback_text   TEXT NOT NULL DEFAULT '',
    submitted_by    TEXT NOT NULL,
    submitted_at    TIMESTAMPTZ NOT NULL,
    decided_at      TIMESTAMPTZ,
    UNIQUE (challenge_id, solver_org_id)
);
