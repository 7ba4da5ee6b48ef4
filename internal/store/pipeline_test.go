package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func pipelineDB(t *testing.T) *store.DB {
	if os.Getenv(storetest.EnvPG) == "" {
		t.Skip("pipelines are PostgreSQL only; set " + storetest.EnvPG)
	}
	db := storetest.Postgres(t)
	if _, err := db.Exec(context.Background(), `CREATE TABLE pipe_test (k TEXT PRIMARY KEY, n BIGINT NOT NULL, at TIMESTAMPTZ)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func count(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM pipe_test`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPipelinedCommitsQueuedWritesAndAnswersReadsInOrder(t *testing.T) {
	db := pipelineDB(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.FixedZone("CST", 8*3600))
	var seen []string
	var gotAt time.Time
	err := db.Pipelined(ctx, func(p *store.PipeTx) error {
		if _, err := p.Exec(ctx, `INSERT INTO pipe_test (k, n, at) SELECT * FROM unnest(?::text[], ?::bigint[], ?::timestamptz[])`,
			[]string{"a", "b"}, []int64{1, 2}, []time.Time{at, at}); err != nil {
			return err
		}
		p.QueueQuery(`SELECT k, at FROM pipe_test WHERE n >= ? ORDER BY k`, []any{1}, func(scan func(...any) error) error {
			var k string
			if err := scan(&k, store.Time(&gotAt)); err != nil {
				return err
			}
			seen = append(seen, k)
			return nil
		})
		if len(seen) != 0 {
			t.Error("a queued read ran before Send")
		}
		if err := p.Send(ctx); err != nil {
			return err
		}
		if len(seen) != 2 {
			t.Errorf("read inside the transaction saw %v, want its own two rows", seen)
		}
		p.Queue(`INSERT INTO pipe_test (k, n) VALUES (?, ?)`, "c", 3) // sent with the COMMIT
		if _, err := p.Query(ctx, `SELECT 1`); !errors.Is(err, store.ErrPipelineRead) {
			t.Errorf("Query in a pipeline: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db); n != 3 {
		t.Fatalf("%d rows committed, want 3", n)
	}
	if !gotAt.Equal(at) || gotAt.Location() != time.UTC {
		t.Fatalf("time read back %v, want %v in UTC", gotAt, at)
	}
}

func TestPipelinedRollsBackOnStatementErrorAndOnCallerError(t *testing.T) {
	db := pipelineDB(t)
	ctx := context.Background()
	// A failing statement in the last pipeline aborts the COMMIT sent with it.
	err := db.Pipelined(ctx, func(p *store.PipeTx) error {
		p.Queue(`INSERT INTO pipe_test (k, n) VALUES (?, ?)`, "a", 1)
		p.Queue(`INSERT INTO pipe_test (k, n) VALUES (?, ?)`, "a", 2)
		return nil
	})
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("duplicate key: want a conflict, got %v", err)
	}
	// The caller's own error after a successful Send rolls back what was sent.
	boom := errors.New("boom")
	err = db.Pipelined(ctx, func(p *store.PipeTx) error {
		p.Queue(`INSERT INTO pipe_test (k, n) VALUES (?, ?)`, "b", 1)
		if err := p.Send(ctx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want the caller's error, got %v", err)
	}
	if n := count(t, db); n != 0 {
		t.Fatalf("%d rows survived rolled-back transactions", n)
	}
	// The pool's connections are clean afterwards: a new transaction commits.
	for i := 0; i < 3; i++ {
		if err := db.Pipelined(ctx, func(p *store.PipeTx) error {
			p.Queue(`INSERT INTO pipe_test (k, n) VALUES (?, ?)`, string(rune('x'+i)), i)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, db); n != 3 {
		t.Fatalf("%d rows, want 3", n)
	}
}

func TestPipelinedNeedsPostgres(t *testing.T) {
	db := storetest.SQLite(t)
	if err := db.Pipelined(context.Background(), func(*store.PipeTx) error { return nil }); err == nil {
		t.Fatal("a pipeline on SQLite should be refused")
	}
}

func TestPipeConnKeepsSessionSettingsAndRecoversFromFailure(t *testing.T) {
	db := pipelineDB(t)
	ctx := context.Background()
	pc := db.NewPipeConn("SET enable_seqscan = off")
	setting := func() string {
		var v string
		err := pc.Pipelined(ctx, func(p *store.PipeTx) error {
			p.QueueQuery(`SELECT current_setting('enable_seqscan')`, nil, func(scan func(...any) error) error { return scan(&v) })
			return p.Send(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := setting(); v != "off" {
		t.Fatalf("first transaction: enable_seqscan = %s, want off", v)
	}
	// A failed statement rolls its transaction back; the connection and its
	// settings stay usable.
	err := pc.Pipelined(ctx, func(p *store.PipeTx) error {
		p.Queue(`INSERT INTO pipe_test (k, n) VALUES (?, ?)`, "x", 1)
		p.Queue(`INSERT INTO pipe_test (k, n) VALUES (?, ?)`, "x", 2)
		return nil
	})
	if err == nil {
		t.Fatal("a duplicate key committed")
	}
	if n := count(t, db); n != 0 {
		t.Fatalf("%d rows after a failed pipeline, want 0", n)
	}
	if v := setting(); v != "off" {
		t.Fatalf("after a failure: enable_seqscan = %s, want off", v)
	}
	// Closing discards the connection, so the setting never reaches the pool.
	if err := pc.Close(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		var v string
		if err := db.QueryRow(ctx, `SELECT current_setting('enable_seqscan')`).Scan(&v); err != nil || v != "on" {
			t.Fatalf("pool connection: enable_seqscan = %q (%v), want on", v, err)
		}
	}
	if v := setting(); v != "off" {
		t.Fatalf("reopened: enable_seqscan = %s, want off", v)
	}
	pc.Close()
}
