-- A version per contract, bumped by every batch that changes the contract, its
-- milestones or its escrow balance. A ledger committer keeps the contracts
-- routed to it in memory between batches and writes a batch without reading
-- them again; the version it remembers is checked in the same UPDATE that
-- writes the contract, so a contract changed meanwhile by another node (or
-- anything else) aborts the batch as a serialization failure and the engine
-- runs it again with locking reads (docs/ledger.md, "Contract state cache").
ALTER TABLE ledger_contracts ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- ledger_next_version returns expected + 1 when the row is still at the
-- version the engine expected, and otherwise raises SQLSTATE 40001 so that the
-- whole batch is rolled back and retried.
CREATE FUNCTION ledger_next_version(contract TEXT, current BIGINT, expected BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
BEGIN
    IF current <> expected THEN
        RAISE EXCEPTION 'ledger: contract % is at version %, not % as cached', contract, current, expected
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN current + 1;
END
$$;
