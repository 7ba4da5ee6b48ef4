-- Servers sharing a database follow each other's listing changes by reading
-- the listings changed in the last few seconds, twice a second
-- (internal/matching/follow.go): an index on updated_at keeps that read small
-- however many listings there are.
CREATE INDEX listings_updated ON listings(updated_at);
