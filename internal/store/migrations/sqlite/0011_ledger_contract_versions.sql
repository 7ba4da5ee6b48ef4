-- A version per contract, bumped by every batch that changes the contract, its
-- milestones or its escrow balance (see the PostgreSQL migration 11, where the
-- ledger checks it before writing from its cache; SQLite's single writer does
-- not cache contracts, but keeps the same schema).
ALTER TABLE ledger_contracts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
