-- Registration statistics kept pre-aggregated (domain-rules §3.1), and the deal a
-- filing was pre-filled from.
--
-- One row per registry, registration year (China time), dimension and key: the
-- count, contract amount and certified technology amount of the registered,
-- not cancelled contracts in that group. Registering, amending and cancelling
-- update these rows in the same transaction as the filing, so the statistics
-- page reads a few hundred rows instead of every registered contract.
-- Dimensions: total, type, field, seller_actor, buyer_actor, flow,
-- province_flow ("11>44", "other" for a party without a province), month.
CREATE TABLE registration_stats (
    registry_org_id       TEXT NOT NULL REFERENCES organizations(id),
    year                  INTEGER NOT NULL,
    dimension             TEXT NOT NULL,
    key                   TEXT NOT NULL,
    contracts             BIGINT NOT NULL,
    amount_fen            BIGINT NOT NULL,
    technology_amount_fen BIGINT NOT NULL,
    PRIMARY KEY (registry_org_id, year, dimension, key)
);

-- A draft pre-filled from a concluded platform deal names it; at most one
-- filing per deal, so a replayed conclusion hook creates nothing.
ALTER TABLE registration_filings ADD COLUMN source_deal_id TEXT;
CREATE UNIQUE INDEX registration_filings_source_deal ON registration_filings(source_deal_id);

-- Backfill from the registrations made before this migration.
INSERT INTO registration_stats (registry_org_id, year, dimension, key, contracts, amount_fen, technology_amount_fen)
WITH r AS (
    SELECT registry_org_id,
           CAST(to_char((registered_at AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY') AS INTEGER) AS year,
           to_char((registered_at AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM') AS month,
           (result::jsonb)->'statistics' AS s,
           CAST((result::jsonb)->'statistics'->>'amount_fen' AS BIGINT) AS amount,
           CAST((result::jsonb)->>'technology_amount_fen' AS BIGINT) AS tech
    FROM registration_filings
    WHERE status = 'registered' AND registered_at IS NOT NULL AND result IS NOT NULL
), d AS (
    SELECT registry_org_id, year, 'total' AS dimension, 'total' AS key, amount, tech FROM r
    UNION ALL SELECT registry_org_id, year, 'type', COALESCE(s->>'type', ''), amount, tech FROM r
    UNION ALL SELECT registry_org_id, year, 'field', COALESCE(s->>'tech_field', ''), amount, tech FROM r
    UNION ALL SELECT registry_org_id, year, 'seller_actor', COALESCE(s->>'seller_actor', ''), amount, tech FROM r
    UNION ALL SELECT registry_org_id, year, 'buyer_actor', COALESCE(s->>'buyer_actor', ''), amount, tech FROM r
    UNION ALL SELECT registry_org_id, year, 'flow', COALESCE(s->>'flow', ''), amount, tech FROM r
    UNION ALL SELECT registry_org_id, year, 'province_flow',
        COALESCE(NULLIF(s->>'seller_province', ''), 'other') || '>' || COALESCE(NULLIF(s->>'buyer_province', ''), 'other'), amount, tech FROM r
    UNION ALL SELECT registry_org_id, year, 'month', month, amount, tech FROM r
)
SELECT registry_org_id, year, dimension, key, COUNT(*), COALESCE(SUM(amount), 0), COALESCE(SUM(tech), 0)
FROM d GROUP BY registry_org_id, year, dimension, key;
