-- The ledger's journal is its audit trail (see the PostgreSQL migration 10):
-- it keeps the actor's organisation and address as well.
ALTER TABLE ledger_transactions ADD COLUMN actor_org TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_transactions ADD COLUMN actor_ip TEXT NOT NULL DEFAULT '';
