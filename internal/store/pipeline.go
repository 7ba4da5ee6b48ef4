package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A PipeTx is a PostgreSQL transaction whose statements are queued and sent to
// the server together (a pgx batch: one write, one round trip) instead of one
// round trip each. A writer that already knows everything it will read and
// write — the ledger's batch committers — runs a whole transaction in two or
// three round trips this way. SQL uses `?` placeholders and arguments are
// converted exactly as for DB and Tx.
type PipeTx struct {
	db    *sql.DB
	conn  *pgx.Conn
	batch *pgx.Batch
}

// ErrPipelineRead is returned by Query and QueryRow of a PipeTx: its reads are
// queued with QueueQuery and answered when the pipeline is sent.
var ErrPipelineRead = errors.New("store: read in a pipelined transaction must be queued with QueueQuery")

// Pipelined runs fn in a transaction on one PostgreSQL connection. BEGIN travels
// with the first Send and COMMIT with whatever is still queued when fn returns
// nil; if fn or the commit fails, the transaction is rolled back (and the
// connection discarded if even that fails). Unlike Transact it does not retry:
// the error is returned as is (IsRetryable tells whether to try again).
func (db *DB) Pipelined(ctx context.Context, fn func(p *PipeTx) error) error {
	if db.dialect != Postgres {
		return errors.New("store: pipelined transactions need PostgreSQL")
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	defer conn.Close()
	var txErr error
	rawErr := conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			txErr = fmt.Errorf("store: %T is not a pgx connection", dc)
			return nil
		}
		p := &PipeTx{db: db.sql, conn: sc.Conn(), batch: &pgx.Batch{}}
		p.batch.Queue("BEGIN")
		if txErr = fn(p); txErr == nil {
			p.batch.Queue("COMMIT")
			if txErr = p.Send(ctx); txErr == nil {
				return nil
			}
		}
		// ROLLBACK after a failed statement, after fn's own error, or after a
		// failed COMMIT (harmless then: there is no transaction left).
		if _, err := p.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); err != nil || p.conn.IsClosed() {
			return driver.ErrBadConn
		}
		return nil
	})
	if txErr != nil {
		return txErr
	}
	if rawErr != nil {
		return translate(rawErr)
	}
	return nil
}

// IsRetryable reports whether err is a serialization failure or deadlock
// (PostgreSQL) or a busy database (SQLite): running the transaction again may succeed.
func IsRetryable(err error) bool { return isRetryable(err) }

// Queue adds a statement whose result is not needed.
func (p *PipeTx) Queue(query string, args ...any) {
	p.batch.Queue(rebind(Postgres, query), convertArgs(Postgres, args)...)
}

// QueueQuery adds a query; row is called for each of its rows, with a scan
// function taking the same destinations as sql.Rows.Scan, when the pipeline is sent.
func (p *PipeTx) QueueQuery(query string, args []any, row func(scan func(dest ...any) error) error) {
	p.batch.Queue(rebind(Postgres, query), convertArgs(Postgres, args)...).Query(func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			if err := row(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// Send sends everything queued and waits for all of it. The first statement to
// fail aborts the rest and the transaction.
func (p *PipeTx) Send(ctx context.Context) error {
	if p.batch.Len() == 0 {
		return nil
	}
	b := p.batch
	p.batch = &pgx.Batch{}
	return translate(p.conn.SendBatch(ctx, b).Close())
}

// Dialect is always Postgres.
func (p *PipeTx) Dialect() Dialect { return Postgres }

// Exec queues the statement (see Queue), so that code written against Querier
// — bulk inserts, audit.RecordMany — can write into the pipeline. Its result is
// not known before Send; statement errors are reported by Send.
func (p *PipeTx) Exec(_ context.Context, query string, args ...any) (sql.Result, error) {
	p.Queue(query, args...)
	return driver.ResultNoRows, nil
}

// Query is not available in a pipeline: it returns ErrPipelineRead.
func (p *PipeTx) Query(context.Context, string, ...any) (*sql.Rows, error) {
	return nil, ErrPipelineRead
}

// QueryRow is not available in a pipeline: its Scan fails. (A *sql.Row cannot
// carry an error of our own, so it carries context.Canceled.)
func (p *PipeTx) QueryRow(ctx context.Context, _ string, _ ...any) *sql.Row {
	dead, cancel := context.WithCancel(ctx)
	cancel()
	return p.db.QueryRowContext(dead, "SELECT 1")
}
