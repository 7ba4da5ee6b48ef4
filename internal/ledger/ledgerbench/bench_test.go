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
