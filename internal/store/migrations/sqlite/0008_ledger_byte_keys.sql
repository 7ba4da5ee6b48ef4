-- PostgreSQL's migration 8 gives the ledger's keys byte-order collation.
-- SQLite compares TEXT bytewise (BINARY) already; nothing to change.
SELECT 1;
