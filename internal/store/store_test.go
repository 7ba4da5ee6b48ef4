package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, err %v", n, err)
		}
		cur, latest, err := db.SchemaVersion(ctx)
		if err != nil || cur != latest || latest == 0 {
			t.Fatalf("version %d/%d, %v", cur, latest, err)
		}
	})
}

func TestTimesRoundTripInUTC(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		shanghai := time.FixedZone("CST", 8*3600)
		in := time.Date(2026, 3, 1, 9, 30, 15, 123456000, shanghai)
		if _, err := db.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, ?, ?)`, "k", 1, in); err != nil {
			t.Fatal(err)
		}
		var out time.Time
		var locked *time.Time
		if err := db.QueryRow(ctx, `SELECT window_start, locked_until FROM login_throttle WHERE key = ?`, "k").
			Scan(store.Time(&out), store.NullTime(&locked)); err != nil {
			t.Fatal(err)
		}
		if !out.Equal(in) || out.Location() != time.UTC || locked != nil {
			t.Fatalf("got %v (%v), locked %v; want %v", out, out.Location(), locked, in)
		}
	})
}

func TestUniqueViolationIsConflictAndRollsBack(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		err := db.Transact(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, ?, ?)`, "a", 1, now); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, ?, ?)`, "a", 2, now)
			return err
		})
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("want conflict, got %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM login_throttle`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("transaction left %d rows (%v)", n, err)
		}
	})
}

// Concurrent read-modify-write increments must all land: Transact retries
// serialization failures (PostgreSQL) and waits out busy locks (SQLite).
func TestConcurrentSerializableIncrements(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES ('c', 0, ?)`, time.Now()); err != nil {
			t.Fatal(err)
		}
		const workers, each = 4, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := db.TransactSerializable(ctx, func(tx *store.Tx) error {
						var n int
						if err := tx.QueryRow(ctx, `SELECT failures FROM login_throttle WHERE key = 'c'`).Scan(&n); err != nil {
							return err
						}
						_, err := tx.Exec(ctx, `UPDATE login_throttle SET failures = ? WHERE key = 'c'`, n+1)
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT failures FROM login_throttle WHERE key = 'c'`).Scan(&n); err != nil || n != workers*each {
			t.Fatalf("counter = %d (%v), want %d", n, err, workers*each)
		}
	})
}
