// Package ledgerbench is an open-loop load test of the settlement ledger: it
// offers milestone releases (3–5 postings each, every one crediting the hot
// platform-fee account) at a fixed or Poisson arrival rate, whatever the ledger
// manages, and measures each release's latency from its intended send time, so
// a slow ledger cannot hide its queueing by slowing the generator down
// (coordinated omission).
package ledgerbench

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/loadgen"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Options describe one run.
type Options struct {
	Rate     float64       // offered settlements per second
	Duration time.Duration // how long to offer load, measured
	// Warmup offers load at the same rate for this long first, unmeasured: the
	// first second after setup meets cold caches, the forced checkpoint's full
	// page writes and the first execution of every statement.
	Warmup      time.Duration
	Arrival     string        // "fixed" (evenly spaced) or "poisson"
	Ledger      ledger.Config // engine tuning; zero picks the defaults
	Seed        uint64
	MaxInFlight int // requests outstanding beyond this are counted as dropped (default 10,000)
	// MilestonesPerContract sets how many releases share one escrow account (default 20).
	MilestonesPerContract int
	Log                   func(format string, args ...any)
	// CPUProfile, if set, receives a CPU profile (pprof format) of this process
	// during the load phase only.
	CPUProfile io.Writer
	// AllocProfile, if set, receives the allocations (pprof "allocs") made
	// until the end of the load phase, setup included.
	AllocProfile io.Writer
}

// Latency summarises a latency distribution in milliseconds.
type Latency = loadgen.Latency

// Report is the outcome of a run.
type Report struct {
	Engine          string  `json:"engine"`
	Arrival         string  `json:"arrival"`
	Committers      int     `json:"committers"`
	HotShards       int     `json:"hot_shards"`
	MaxBatch        int     `json:"max_batch"`
	DurationSeconds float64 `json:"duration_s"`
	WarmupSeconds   float64 `json:"warmup_s,omitempty"`
	WarmupOffered   int     `json:"warmup_offered,omitempty"` // releases offered during the warm-up, not measured
	Contracts       int     `json:"contracts"`
	Offered         int     `json:"offered"`
	OfferedRate     float64 `json:"offered_per_s"`
	Accepted        int     `json:"accepted"`
	AcceptedRate    float64 `json:"accepted_per_s"` // successful releases ÷ time until the last one completed
	Errors          int     `json:"errors"`
	Dropped         int     `json:"dropped"`
	Postings        int     `json:"postings"`
	PostingsPerTx   float64 `json:"postings_per_tx"`
	Latency         Latency `json:"latency"`
	// P99BySecond is the p99 latency (ms) of the releases due in each second of
	// the run, to tell a steady tail from a stall.
	P99BySecond  []float64    `json:"p99_by_second_ms"`
	Stats        ledger.Stats `json:"engine_stats"`
	AvgBatch     float64      `json:"avg_batch"`
	BytesPerTx   float64      `json:"bytes_per_tx,omitempty"` // PostgreSQL: transactions + postings tables and indexes
	Violations   int          `json:"invariant_violations"`
	SetupSeconds float64      `json:"setup_s"`
	// CPU spent while the load ran: this process (ledger and load generator) and
	// the PostgreSQL backends serving it, and both per accepted settlement.
	GoCPUSeconds float64       `json:"go_cpu_s"`
	PGCPUSeconds float64       `json:"pg_cpu_s,omitempty"`
	CPUPerTxUS   float64       `json:"cpu_us_per_tx"`
	FirstErrors  []string      `json:"first_errors,omitempty"`
	Elapsed      time.Duration `json:"-"`
}

// Run sets up contracts on db (which must be empty and migrated), offers the
// load and verifies the ledger's invariants afterwards.
func Run(ctx context.Context, db *store.DB, o Options) (Report, error) {
	if o.Rate <= 0 || o.Duration <= 0 {
		return Report{}, fmt.Errorf("rate and duration must be positive")
	}
	if o.Warmup < 0 {
		return Report{}, fmt.Errorf("warmup must not be negative")
	}
	if o.Arrival == "" {
		o.Arrival = "fixed"
	}
	if o.Arrival != "fixed" && o.Arrival != "poisson" {
		return Report{}, fmt.Errorf("arrival must be fixed or poisson")
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 10000
	}
	if o.MilestonesPerContract <= 0 {
		o.MilestonesPerContract = 20
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	svc := ledger.New(db, o.Ledger)
	defer svc.Close()
	cfg := svc.Config()
	rep := Report{Engine: db.Dialect().String(), Arrival: o.Arrival, Committers: cfg.Committers, HotShards: cfg.HotShards,
		MaxBatch: cfg.MaxBatch}

	total := int(math.Ceil(o.Rate*(o.Duration+o.Warmup).Seconds()*1.05)) + 100
	setupStart := time.Now()
	work, contracts, err := setup(ctx, svc, total, o.MilestonesPerContract, o.Log)
	if err != nil {
		return rep, fmt.Errorf("setup: %w", err)
	}
	rep.Contracts = contracts
	settle(ctx, db, o.Log)
	rep.SetupSeconds = time.Since(setupStart).Seconds()
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	rng.Shuffle(len(work), func(i, j int) { work[i], work[j] = work[j], work[i] })
	before := svc.Stats()
	o.Log("setup: %d contracts, %d releases ready in %.1fs; offering %.0f/s for %s", contracts, len(work), rep.SetupSeconds, o.Rate, o.Duration)

	var postings atomic.Int64
	// offer releases work at the rate for d (stopping early if work runs out).
	offer := func(d time.Duration, work []release) loadgen.Result {
		sched := loadgen.Fixed(o.Rate)
		if o.Arrival == "poisson" {
			sched = loadgen.Poisson(o.Rate, o.Seed)
		}
		return loadgen.OpenLoop(ctx, func(i int) time.Duration {
			if i >= len(work) {
				return d // no release left to offer: stop
			}
			return sched(i)
		}, d, o.MaxInFlight, func(ctx context.Context, i int) error {
			w := work[i]
			t, err := svc.AcceptMilestone(ctx, w.buyer, w.key, ledger.AcceptInput{ContractID: w.contract, Seq: w.seq})
			if err == nil {
				postings.Add(int64(len(t.Postings)))
			}
			return err
		}, nil)
	}
	if o.Warmup > 0 {
		warm := offer(o.Warmup, work)
		work = work[warm.Offered+warm.Dropped:] // the loop's index counts both
		rep.WarmupOffered = warm.Offered
		postings.Store(0)
		before = svc.Stats()
		o.Log("warm-up: %d releases in %s (%d errors), not measured", warm.Offered, o.Warmup, warm.Errors)
	}
	cpuBefore := sampleCPU(ctx, db)
	if o.CPUProfile != nil {
		if err := pprof.StartCPUProfile(o.CPUProfile); err != nil {
			return rep, fmt.Errorf("cpu profile: %w", err)
		}
	}
	res := offer(o.Duration, work)
	if o.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	if o.AllocProfile != nil {
		if err := pprof.Lookup("allocs").WriteTo(o.AllocProfile, 0); err != nil {
			return rep, fmt.Errorf("alloc profile: %w", err)
		}
	}
	bySecond := make([][]time.Duration, int(math.Ceil(o.Duration.Seconds())))
	for _, smp := range res.Samples {
		if sec := int(smp.At / time.Second); sec < len(bySecond) {
			bySecond[sec] = append(bySecond[sec], smp.Latency)
		}
	}
	lat := res.Latencies()
	rep.Elapsed = res.Elapsed
	rep.GoCPUSeconds, rep.PGCPUSeconds = cpuBetween(cpuBefore, sampleCPU(ctx, db))
	rep.DurationSeconds, rep.WarmupSeconds = o.Duration.Seconds(), o.Warmup.Seconds()
	rep.Offered, rep.Dropped = res.Offered, res.Dropped
	rep.OfferedRate = float64(res.Offered+res.Dropped) / o.Duration.Seconds()
	rep.Accepted, rep.Errors = len(lat), res.Errors
	if res.Elapsed > 0 {
		rep.AcceptedRate = float64(rep.Accepted) / res.Elapsed.Seconds()
	}
	rep.Postings = int(postings.Load())
	if rep.Accepted > 0 {
		rep.CPUPerTxUS = (rep.GoCPUSeconds + rep.PGCPUSeconds) / float64(rep.Accepted) * 1e6
		rep.PostingsPerTx = float64(rep.Postings) / float64(rep.Accepted)
	}
	rep.Latency = loadgen.Summarize(lat)
	for _, l := range bySecond {
		rep.P99BySecond = append(rep.P99BySecond, math.Round(loadgen.Summarize(l).P99*10)/10)
	}
	after := svc.Stats()
	rep.Stats = ledger.Stats{Batches: after.Batches - before.Batches, Commands: after.Commands - before.Commands,
		Fallbacks: after.Fallbacks - before.Fallbacks, BalanceRetries: after.BalanceRetries - before.BalanceRetries,
		CachedBatches: after.CachedBatches - before.CachedBatches, StaleRetries: after.StaleRetries - before.StaleRetries,
		PhaseSeconds: map[string]float64{}}
	for k, v := range after.PhaseSeconds {
		rep.Stats.PhaseSeconds[k] = v - before.PhaseSeconds[k]
	}
	if rep.Stats.Batches > 0 {
		rep.AvgBatch = float64(rep.Stats.Commands) / float64(rep.Stats.Batches)
	}
	rep.FirstErrors = res.FirstErrors
	if db.Dialect() == store.Postgres {
		rep.BytesPerTx = bytesPerTx(ctx, db)
	}
	o.Log("verifying invariants over the whole ledger…")
	v, err := ledger.Verify(ctx, db)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	rep.Violations = len(v.Violations)
	return rep, nil
}

type release struct {
	buyer    domain.Actor
	key      string
	contract string
	seq      int
}

// setup creates buyers, sellers and brokers, contracts with M milestones each
// (a third with no broker, a third with one, a third with two, so releases have
// 3, 4 or 5 postings), and funds every escrow.
func setup(ctx context.Context, svc *ledger.Service, releases, perContract int, log func(string, ...any)) ([]release, int, error) {
	const buyers, sellers, brokers = 200, 200, 20
	op := domain.Actor{UserID: "bench-operator", Roles: []domain.OrgRole{{OrgID: "platform", Role: domain.RoleOperator}}}
	bank := domain.Actor{UserID: "bench-bank", Roles: []domain.OrgRole{{OrgID: "bank", Role: domain.RoleBankOfficer}}}
	contracts := (releases + perContract - 1) / perContract
	const amount = domain.Fen(10_000_00) // each milestone 10,000.00 yuan
	perContractPrice := domain.Fen(perContract)*amount + domain.Fen(perContract*(perContract-1)/2)
	perBuyer := domain.Fen((contracts+buyers-1)/buyers) * perContractPrice
	buyerActor := func(i int) domain.Actor {
		org := fmt.Sprintf("bench-buyer-%03d", i)
		return domain.Actor{UserID: "u-" + org, Roles: []domain.OrgRole{{OrgID: org, Role: domain.RoleBuyer}}}
	}
	if err := parallel(ctx, buyers, func(i int) error {
		_, err := svc.DepositFromBank(ctx, bank, fmt.Sprintf("bench-dep-%d", i), ledger.BankNotice{
			BankRef: fmt.Sprintf("BENCH%06d", i), OrgID: fmt.Sprintf("bench-buyer-%03d", i), Amount: perBuyer})
		return err
	}); err != nil {
		return nil, 0, err
	}
	work := make([]release, 0, contracts*perContract)
	var mu sync.Mutex
	var done atomic.Int64
	err := parallel(ctx, contracts, func(i int) error {
		id := fmt.Sprintf("bench-c%06d", i)
		in := ledger.AgreementInput{ContractID: id, BuyerOrg: fmt.Sprintf("bench-buyer-%03d", i%buyers),
			SellerOrg: fmt.Sprintf("bench-seller-%03d", i%sellers), PlatformFeeBps: 300}
		for b := 0; b < i%3; b++ {
			in.Brokers = append(in.Brokers, ledger.BrokerShare{OrgID: fmt.Sprintf("bench-broker-%02d", (i+b)%brokers), CommissionBps: 150})
		}
		for m := 0; m < perContract; m++ {
			in.Milestones = append(in.Milestones, ledger.MilestoneInput{Amount: amount + domain.Fen(m)})
		}
		if _, err := svc.RegisterAgreement(ctx, op, "bench-agr-"+id, in); err != nil {
			return err
		}
		buyer := buyerActor(i % buyers)
		if _, err := svc.HoldEscrow(ctx, buyer, "bench-hold-"+id, id, perContractPrice); err != nil {
			return err
		}
		mu.Lock()
		for m := 1; m <= perContract; m++ {
			work = append(work, release{buyer: buyer, key: fmt.Sprintf("bench-rel-%s-%d", id, m), contract: id, seq: m})
		}
		mu.Unlock()
		if n := done.Add(1); n%1000 == 0 {
			log("setup: %d/%d contracts", n, contracts)
		}
		return nil
	})
	return work, contracts, err
}

// parallel runs fn(0..n-1) on 64 goroutines and returns the first error.
func parallel(ctx context.Context, n int, fn func(i int) error) error {
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func bytesPerTx(ctx context.Context, db *store.DB) float64 {
	var bytes, n int64
	err := db.QueryRow(ctx, `SELECT pg_total_relation_size('ledger_transactions') + pg_total_relation_size('ledger_postings'),
		(SELECT COUNT(*) FROM ledger_transactions)`).Scan(&bytes, &n)
	if err != nil || n == 0 {
		return 0
	}
	return float64(bytes) / float64(n)
}

// settle brings a PostgreSQL ledger that was just bulk-loaded to the state a
// running one is in before the load starts: planner statistics for the fresh
// tables (autovacuum would gather them a minute into the run) and no
// checkpoint still owed for the setup's writes, which would otherwise land
// in the measured seconds. Failures only leave the run less settled.
func settle(ctx context.Context, db *store.DB, log func(string, ...any)) {
	if db.Dialect() != store.Postgres {
		return
	}
	for _, stmt := range []string{
		"ANALYZE ledger_transactions, ledger_postings, ledger_balances, ledger_contracts, ledger_milestones, audit_log",
		"CHECKPOINT",
	} {
		if _, err := db.Exec(ctx, stmt); err != nil {
			log("setup: %s: %v", strings.Fields(stmt)[0], err)
		}
	}
}
