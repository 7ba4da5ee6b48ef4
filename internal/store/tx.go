package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

// maxAttempts bounds retries of a transaction that lost a serialization race. A
// hot row under many writers can lose many times in a row; backoff is capped
// exponential with full jitter, so retrying costs little.
const maxAttempts = 40

// Transact runs fn in a transaction and commits it, retrying the whole function
// when the engine reports a serialization failure or deadlock (PostgreSQL 40001,
// 40P01) or a busy database (SQLite). fn may therefore run more than once and must
// have no side effects outside the transaction.
func (db *DB) Transact(ctx context.Context, fn func(tx *Tx) error) error {
	return db.TransactOpts(ctx, nil, fn)
}

// TransactSerializable is Transact at SERIALIZABLE isolation on PostgreSQL
// (SQLite transactions are always serializable).
func (db *DB) TransactSerializable(ctx context.Context, fn func(tx *Tx) error) error {
	return db.TransactOpts(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}, fn)
}

// TransactOpts is Transact with explicit options (ignored on SQLite).
func (db *DB) TransactOpts(ctx context.Context, opts *sql.TxOptions, fn func(tx *Tx) error) error {
	if db.dialect == SQLite {
		opts = nil
	}
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.transactOnce(ctx, opts, fn)
		if err == nil || !isRetryable(err) {
			return err
		}
		ceiling := time.Millisecond << min(attempt, 7) // 2 ms … 128 ms
		backoff := time.Duration(rand.Int64N(int64(ceiling))) + 100*time.Microsecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return fmt.Errorf("transaction gave up after %d attempts: %w", maxAttempts, err)
}

func (db *DB) transactOnce(ctx context.Context, opts *sql.TxOptions, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.sql.BeginTx(ctx, opts)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{tx: sqlTx, dialect: db.dialect}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// SQLite result codes used below (sqlite3.h).
const (
	sqliteBusy             = 5
	sqliteLocked           = 6
	sqliteConstraintFK     = 787
	sqliteConstraintPK     = 1555
	sqliteConstraintUnique = 2067
	sqliteConstraintCheck  = 275
)

func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		c := sqErr.Code() & 0xff
		return c == sqliteBusy || c == sqliteLocked
	}
	return false
}

// translate maps driver errors to apperr kinds by code, never by message text.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &apperr.Error{Kind: apperr.Conflict, Msg: "already exists", Err: err}
		case "23503":
			return &apperr.Error{Kind: apperr.Invalid, Msg: "refers to something that does not exist", Err: err}
		case "23514":
			return &apperr.Error{Kind: apperr.Invalid, Msg: "violates a rule of the data", Err: err}
		}
		return err
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqliteConstraintUnique, sqliteConstraintPK:
			return &apperr.Error{Kind: apperr.Conflict, Msg: "already exists", Err: err}
		case sqliteConstraintFK:
			return &apperr.Error{Kind: apperr.Invalid, Msg: "refers to something that does not exist", Err: err}
		case sqliteConstraintCheck:
			return &apperr.Error{Kind: apperr.Invalid, Msg: "violates a rule of the data", Err: err}
		}
	}
	return err
}
