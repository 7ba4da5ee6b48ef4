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
	err, _ = db.pipelinedOn(ctx, conn, fn)
	return err
}

// pipelinedOn runs fn in a pipelined transaction on conn. broken reports that
// the connection must not be used again (the driver has been told as well).
func (db *DB) pipelinedOn(ctx context.Context, conn *sql.Conn, fn func(p *PipeTx) error) (err error, broken bool) {
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
		return txErr, rawErr != nil
	}
	if rawErr != nil {
		return translate(rawErr), true
	}
	return nil, false
}

// A PipeConn is one PostgreSQL connection kept by a long-lived writer (a
// ledger committer) for all its pipelined transactions: a transaction does not
// go through the pool, and session settings are made once per connection
// instead of once per transaction. It is not safe for concurrent use.
type PipeConn struct {
	db       *DB
	settings string
	conn     *sql.Conn
}

// NewPipeConn returns a PipeConn whose connection, when first opened (and
// again after a failure broke it), runs settings (for example "SET
// enable_seqscan = off"); the settings apply to every transaction on it.
func (db *DB) NewPipeConn(settings string) *PipeConn {
	return &PipeConn{db: db, settings: settings}
}

// Pipelined is DB.Pipelined on the kept connection.
func (pc *PipeConn) Pipelined(ctx context.Context, fn func(p *PipeTx) error) error {
	if pc.db.dialect != Postgres {
		return errors.New("store: pipelined transactions need PostgreSQL")
	}
	if pc.conn == nil {
		conn, err := pc.db.sql.Conn(ctx)
		if err != nil {
			return translate(fmt.Errorf("begin: %w", err))
		}
		if pc.settings != "" {
			if _, err := conn.ExecContext(ctx, pc.settings); err != nil {
				conn.Close()
				return translate(fmt.Errorf("session settings: %w", err))
			}
		}
		pc.conn = conn
	}
	err, broken := pc.db.pipelinedOn(ctx, pc.conn, fn)
	if broken {
		pc.Close()
	}
	return err
}

// Close discards the connection rather than returning it to the pool, where
// its session settings would leak into other work. A later Pipelined opens
// another.
func (pc *PipeConn) Close() error {
	if pc.conn == nil {
		return nil
	}
	_ = pc.conn.Raw(func(any) error { return driver.ErrBadConn })
	err := pc.conn.Close()
	pc.conn = nil
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		err = nil // discarded, as intended
	}
	return err
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
