-- Servers sharing a database follow each other's listing changes (see the
-- PostgreSQL migration 12); SQLite keeps the same index.
CREATE INDEX listings_updated ON listings(updated_at);
