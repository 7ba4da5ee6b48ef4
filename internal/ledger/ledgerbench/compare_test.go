package ledgerbench_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/ledger/ledgerbench"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// variants of the engine compared by TestCompareVariants.
var variants = map[string]ledger.Config{
	"stmt":      {NoPipeline: true},     // one round trip per statement (before pipelining)
	"pipe":      {},                     // the defaults
	"sep":       {SeparateWrites: true}, // one write statement per table (before folding)
	"nocache":   {NoStateCache: true},   // read every batch's contracts (before the state cache)
	"pipe-b128": {MaxBatch: 128},
	"pipe-b64":  {MaxBatch: 64},
	"pipe-c1":   {Committers: 1},
	"pipe-c3":   {Committers: 3},
	"pipe-c4":   {Committers: 4},
	"c3-b32":    {Committers: 3, MaxBatch: 32},
	"c3-b64":    {Committers: 3, MaxBatch: 64},
	"c2-b32":    {Committers: 2, MaxBatch: 32},
}

// schemaVariants run the default engine on a schema altered after migration, to
// price each index a settlement writes (experiments only, never shipped).
var schemaVariants = map[string]string{
	"no-post-idx": `DROP INDEX ledger_postings_source; DROP INDEX ledger_postings_destination`,
	"no-tx-idx":   `DROP INDEX ledger_transactions_contract`,
}

// TestCompareVariants runs engine variants side by side on PostgreSQL, taking
// turns round after round so that a change in the machine's other load hits
// them all alike. Manual only:
//
//	LEDGER_BENCH_COMPARE=stmt,pipe LEDGER_BENCH_RATE=5000 LEDGER_BENCH_DURATION=10s LEDGER_BENCH_ROUNDS=2 \
//	TEST_PG_DSN=… go test ./internal/ledger/ledgerbench -run CompareVariants -v -timeout 30m
func TestCompareVariants(t *testing.T) {
	names := os.Getenv("LEDGER_BENCH_COMPARE")
	if names == "" || os.Getenv(storetest.EnvPG) == "" {
		t.Skip("set LEDGER_BENCH_COMPARE and " + storetest.EnvPG)
	}
	rate, _ := strconv.ParseFloat(os.Getenv("LEDGER_BENCH_RATE"), 64)
	if rate <= 0 {
		rate = 5000
	}
	dur, err := time.ParseDuration(os.Getenv("LEDGER_BENCH_DURATION"))
	if err != nil {
		dur = 10 * time.Second
	}
	rounds, _ := strconv.Atoi(os.Getenv("LEDGER_BENCH_ROUNDS"))
	if rounds <= 0 {
		rounds = 1
	}
	var table []string
	for r := 1; r <= rounds; r++ {
		for _, name := range strings.Split(names, ",") {
			cfg, ok := variants[name]
			alter, altered := schemaVariants[name]
			if !ok && !altered {
				t.Fatalf("unknown variant %q", name)
			}
			t.Run(fmt.Sprintf("%s/%d", name, r), func(t *testing.T) {
				db := storetest.Postgres(t)
				if altered {
					for _, stmt := range strings.Split(alter, ";") {
						if _, err := db.Exec(context.Background(), stmt); err != nil {
							t.Fatal(err)
						}
					}
				}
				rep, err := ledgerbench.Run(context.Background(), db, ledgerbench.Options{Rate: rate, Duration: dur, Ledger: cfg, Seed: uint64(r)})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Errors != 0 || rep.Violations != 0 {
					t.Fatalf("errors %d, violations %d: %v", rep.Errors, rep.Violations, rep.FirstErrors)
				}
				load, _ := os.ReadFile("/proc/loadavg")
				row := fmt.Sprintf("| %s | %d | %.0f | %.0f | %d | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f | %.2f | %.2f | %s |",
					name, r, rep.OfferedRate, rep.AcceptedRate, rep.Dropped, rep.Latency.P50, rep.Latency.P99, rep.Latency.Max,
					rep.AvgBatch, rep.CPUPerTxUS, rep.GoCPUSeconds/float64(rep.Accepted)*1e6, rep.GoCPUSeconds, rep.PGCPUSeconds,
					strings.Join(strings.Fields(string(load))[:3], " "))
				table = append(table, row)
				t.Log(row)
				t.Logf("balance retries %d, fallbacks %d, p99 by second %v, phases %v", rep.Stats.BalanceRetries, rep.Stats.Fallbacks, rep.P99BySecond, rep.Stats.PhaseSeconds)
			})
		}
	}
	t.Log("\n| variant | round | offered/s | accepted/s | dropped | p50 ms | p99 ms | max ms | avg batch | CPU µs/tx | Go µs/tx | Go CPU s | PG CPU s | load avg |\n" +
		strings.Join(table, "\n"))
}
