// Package storetest opens real databases for tests: SQLite always, and PostgreSQL
// when TEST_PG_DSN is set. Each PostgreSQL test gets its own schema, so packages
// can run in parallel against one server. An unreachable PostgreSQL fails the test
// rather than skipping it: CI must not pass on one engine by accident.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/techmarket-org/techmarket/internal/store"
)

// EnvPG names the variable holding the PostgreSQL DSN for tests.
const EnvPG = "TEST_PG_DSN"

// Engines runs fn once per available engine as a subtest named after it.
func Engines(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvPG) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite opens a fresh migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// Postgres opens a fresh migrated schema on the server named by TEST_PG_DSN.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := os.Getenv(EnvPG)
	if dsn == "" {
		t.Fatalf("%s is not set", EnvPG)
	}
	db, _ := PostgresSchema(t, dsn)
	return db
}

// PostgresSchema creates a uniquely named schema and returns a migrated DB whose
// search_path points at it; the schema is dropped when the test ends.
func PostgresSchema(t testing.TB, dsn string) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	admin, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("PostgreSQL at %s is unreachable: %v", EnvPG, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPG, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("open schema: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db, schema
}
