package ledgerbench_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/ledger/ledgerbench"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestOpenLoopRun runs a short load on each engine and checks the report adds up;
// LEDGER_BENCH_RATE raises the rate for a manual measurement.
func TestOpenLoopRun(t *testing.T) {
	rate := 300.0
	if v, err := strconv.ParseFloat(os.Getenv("LEDGER_BENCH_RATE"), 64); err == nil {
		rate = v
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		rep, err := ledgerbench.Run(context.Background(), db, ledgerbench.Options{Rate: rate, Duration: 2 * time.Second, Log: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v", rep)
		if rep.Errors != 0 || rep.Violations != 0 || rep.Dropped != 0 {
			t.Fatalf("errors %d, violations %d, dropped %d: %v", rep.Errors, rep.Violations, rep.Dropped, rep.FirstErrors)
		}
		if want := int(rate * 2); rep.Offered < want-1 || rep.Accepted != rep.Offered {
			t.Fatalf("offered %d accepted %d, want %d each", rep.Offered, rep.Accepted, want)
		}
		if rep.GoCPUSeconds <= 0 || rep.CPUPerTxUS <= 0 || rep.PGCPUSeconds < 0 {
			t.Fatalf("no CPU accounted: go %.3fs, postgres %.3fs, %.0f µs per settlement", rep.GoCPUSeconds, rep.PGCPUSeconds, rep.CPUPerTxUS)
		}
		if rep.PostingsPerTx < 3 || rep.PostingsPerTx > 5 || rep.Latency.P50 <= 0 || rep.Latency.Max < rep.Latency.P99 {
			t.Fatalf("implausible report %+v", rep)
		}
	})
}

// TestWarmupIsNotMeasured: the warm-up's releases are neither counted nor
// offered again (a reused release would be refused as already released).
func TestWarmupIsNotMeasured(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		rep, err := ledgerbench.Run(context.Background(), db, ledgerbench.Options{Rate: 200, Duration: time.Second,
			Warmup: 500 * time.Millisecond, Log: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Errors != 0 || rep.Violations != 0 || rep.Offered < 199 || rep.Offered > 200 || rep.Accepted != rep.Offered ||
			rep.WarmupSeconds != 0.5 {
			t.Fatalf("offered %d accepted %d errors %d (%v) violations %d warm-up %.1fs; want 200 measured, none failed",
				rep.Offered, rep.Accepted, rep.Errors, rep.FirstErrors, rep.Violations, rep.WarmupSeconds)
		}
		var releases int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'release'`).
			Scan(&releases); err != nil {
			t.Fatal(err)
		}
		if rep.WarmupOffered < 99 || releases != rep.WarmupOffered+rep.Accepted {
			t.Fatalf("%d releases journaled, warm-up offered %d and %d measured: a release was offered twice",
				releases, rep.WarmupOffered, rep.Accepted)
		}
	})
}

func TestRunRefusesBadOptions(t *testing.T) {
	db := storetest.SQLite(t)
	for _, o := range []ledgerbench.Options{{Rate: 0, Duration: time.Second}, {Rate: 10, Duration: time.Second, Warmup: -time.Second}} {
		if _, err := ledgerbench.Run(context.Background(), db, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}
