-- Byte-order collation for the keys the settlement ledger writes on every
-- settlement (about 20 B-tree entries each). The database's C.UTF-8 collation
-- makes every comparison go through strcoll; "C" compares bytes. The keys are
-- ASCII identifiers and account names, so their order does not change.
ALTER TABLE ledger_transactions
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN idempotency_key TYPE TEXT COLLATE "C",
    ALTER COLUMN kind TYPE TEXT COLLATE "C",
    ALTER COLUMN contract_id TYPE TEXT COLLATE "C",
    ALTER COLUMN bank_ref TYPE TEXT COLLATE "C";
ALTER TABLE ledger_postings
    ALTER COLUMN tx_id TYPE TEXT COLLATE "C",
    ALTER COLUMN source TYPE TEXT COLLATE "C",
    ALTER COLUMN destination TYPE TEXT COLLATE "C";
ALTER TABLE ledger_balances ALTER COLUMN account TYPE TEXT COLLATE "C";
ALTER TABLE ledger_contracts
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN buyer_org TYPE TEXT COLLATE "C",
    ALTER COLUMN seller_org TYPE TEXT COLLATE "C";
ALTER TABLE ledger_milestones ALTER COLUMN contract_id TYPE TEXT COLLATE "C";
ALTER TABLE audit_log
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN object_type TYPE TEXT COLLATE "C",
    ALTER COLUMN object_id TYPE TEXT COLLATE "C";

-- Room on each page for the next version of a row, so the updates of every
-- settlement (contract totals, balance shards) stay heap-only (HOT) and add no
-- index entries. Applies to pages written from now on.
ALTER TABLE ledger_contracts SET (fillfactor = 80);
ALTER TABLE ledger_balances SET (fillfactor = 70);
