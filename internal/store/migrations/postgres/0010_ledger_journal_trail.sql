-- The ledger's journal is its audit trail: every accepted command is one
-- immutable row (kind, subject, amount, memo, actor, time). It now also keeps
-- the actor's organisation and address, which only the separate audit_log row
-- per command used to hold; the engine no longer writes that duplicate row
-- (docs/ledger.md, "Audit trail"). A constant default adds the columns without
-- rewriting the table or firing its immutability triggers.
ALTER TABLE ledger_transactions
    ADD COLUMN actor_org TEXT NOT NULL DEFAULT '',
    ADD COLUMN actor_ip TEXT NOT NULL DEFAULT '';
