// Package store is the database plumbing shared by every capability: one *DB over
// embedded SQLite (default) or PostgreSQL, with portable SQL written once using
// `?` placeholders, a transaction helper that retries serialization failures,
// driver-error translation to apperr kinds, and embedded forward-only migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect tells the two engines apart where SQL must differ.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	sql     *sql.DB
	dialect Dialect
}

// Open connects to PostgreSQL when dsn starts with postgres:// or postgresql://;
// otherwise dsn is a SQLite file path (created if missing).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{sql: db, dialect: Postgres}, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
	}
	// WAL lets readers run beside the single writer; _txlock=immediate takes the
	// write lock at BEGIN so two writers never deadlock upgrading a read lock.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate" +
		// 16 MB page cache per connection and memory-mapped reads: the default 2 MB
		// cache thrashes on a market of 100,000 listings.
		"&_pragma=cache_size(-16384)&_pragma=mmap_size(1073741824)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{sql: db, dialect: SQLite}, nil
}

// Dialect returns the engine in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL exposes the underlying pool for tools that need it (benchmarks, backups).
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the pool.
func (db *DB) Close() error { return db.sql.Close() }

// Ping checks the connection, for readiness probes.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Querier is what repository functions take: the DB itself or a transaction.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// Exec runs a statement outside a transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.sql.ExecContext(ctx, rebind(db.dialect, query), convertArgs(db.dialect, args)...)
	return res, translate(err)
}

// Query runs a query outside a transaction.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := db.sql.QueryContext(ctx, rebind(db.dialect, query), convertArgs(db.dialect, args)...)
	return rows, translate(err)
}

// QueryRow runs a single-row query outside a transaction.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.sql.QueryRowContext(ctx, rebind(db.dialect, query), convertArgs(db.dialect, args)...)
}

// Tx is a transaction with the same query methods as DB.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

func (tx *Tx) Dialect() Dialect { return tx.dialect }

func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, rebind(tx.dialect, query), convertArgs(tx.dialect, args)...)
	return res, translate(err)
}

func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, rebind(tx.dialect, query), convertArgs(tx.dialect, args)...)
	return rows, translate(err)
}

func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, rebind(tx.dialect, query), convertArgs(tx.dialect, args)...)
}

// ErrNoRows is returned by QueryRow().Scan when nothing matched.
var ErrNoRows = sql.ErrNoRows

// IsNoRows reports whether err means no row matched.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// rebind turns `?` placeholders into PostgreSQL's $1, $2, … Our SQL never puts a
// literal question mark inside a string constant, so a plain scan is enough.
func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	if r, ok := rebound.Load(query); ok {
		return r.(string)
	}
	r := rebindPostgres(query)
	if rebindCached.Add(1) <= maxRebound {
		rebound.Store(query, r)
	}
	return r
}

// rebound caches rebind's answers: the same few hundred query texts are
// rebound thousands of times a second (the ledger's batch statements). It
// stops growing at maxRebound entries in case some caller builds its SQL
// text from data.
var (
	rebound      sync.Map
	rebindCached atomic.Int64
)

const maxRebound = 4096

func rebindPostgres(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// timeLayout is fixed-width so that SQLite's text comparison orders times correctly.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// convertArgs stores times in UTC: as fixed-width RFC 3339 text in SQLite and as
// timestamptz in PostgreSQL.
func convertArgs(d Dialect, args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = timeArg(d, v)
		case *time.Time:
			if v == nil {
				args[i] = nil
			} else {
				args[i] = timeArg(d, *v)
			}
		}
	}
	return args
}

func timeArg(d Dialect, t time.Time) any {
	if d == SQLite {
		return t.UTC().Format(timeLayout)
	}
	return t.UTC()
}
