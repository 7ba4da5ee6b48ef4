package ledger

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// The engine applies commands the way TigerBeetle does: a few committer
// goroutines each take whatever commands are queued (up to MaxBatch), open one
// database transaction, lock the rows the whole batch touches in one stable
// order, apply the commands one after another to that locked state in memory —
// each command sees the effects of the ones before it and is accepted or refused
// on its own — and write all accepted effects with a constant number of bulk
// statements. A batch of 200 settlements costs about the same round trips and
// one commit as a single one; that is how the ledger reaches thousands of
// settlement transactions per second on two cores.
//
// Commands are routed to a committer by their contract (or account owner), so
// one contract's commands are applied in arrival order by one goroutine.
// Credits to hot accounts go to the committer's own shard of the account, so
// committers never queue on the platform-fee row lock.

// Config tunes the engine. The zero value picks defaults for the engine in use.
type Config struct {
	// Committers is the number of concurrent batch writers: 1 on SQLite (one
	// writer at a time anyway), 2 on PostgreSQL (on two cores, one batch is
	// being written while the other is prepared; more only add contention).
	Committers int
	// MaxBatch bounds the commands per database transaction (default 256).
	MaxBatch int
	// HotShards is the number of balance rows of each sharded account (default
	// max(8, Committers)). Committer i credits shard i mod HotShards; with fewer
	// shards than committers they share rows and queue on their locks (which is
	// how the benchmark measures what sharding buys).
	HotShards int
	// QueueDepth is each committer's queue length before submitters wait (default 4096).
	QueueDepth int
	// NoPipeline makes PostgreSQL batches use one round trip per statement, as
	// SQLite does, instead of a pipeline (for comparison in the load test).
	NoPipeline bool
	// SeparateWrites sends a pipelined batch's writes as one statement per
	// table instead of one statement with a data-modifying CTE per table
	// (for comparison in the load test).
	SeparateWrites bool
	// NoStateCache makes PostgreSQL committers read every batch's contracts
	// again instead of writing from the state they kept (see stateCache; for
	// comparison in the load test).
	NoStateCache bool
	// CachedContracts bounds the contracts each committer keeps (default 20,000).
	CachedContracts int
}

func (c Config) withDefaults(d store.Dialect) Config {
	if c.Committers <= 0 {
		c.Committers = 1
		if d == store.Postgres {
			c.Committers = 2
		}
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 256
	}
	if c.HotShards <= 0 {
		c.HotShards = max(8, c.Committers)
	}
	if c.QueueDepth <= 0 {
		c.QueueDepth = 4096
	}
	if c.CachedContracts <= 0 {
		c.CachedContracts = defaultCachedContracts
	}
	return c
}

// cmd is one command on its way through a committer.
type cmd struct {
	key   string
	hash  string
	kind  string
	actor domain.Actor
	route string
	// solo commands read freely inside their transaction (royalty history,
	// invoices), so they run in a batch of their own.
	solo bool
	// registers names the contract a registration creates. Balances are locked
	// before any command runs, from the contracts as loaded, so a command on a
	// contract registered earlier in the same batch waits for the next batch.
	registers string

	contracts  []string                                  // contract rows to lock
	milestones []msRef                                   // milestone rows to load
	invoices   []string                                  // invoice rows to load (solo commands only)
	accounts   func(w *world) []need                     // balances to lock, once contracts are loaded
	exec       func(ctx context.Context, w *world) error // applies the command to w, or refuses it

	res  Transaction
	err  error
	done chan struct{}
}

type msRef struct {
	contract string
	seq      int
}

// need asks for an account's balance; debit means it may be debited and its
// floor must be checked against the whole balance.
type need struct {
	account string
	debit   bool
}

type engine struct {
	db     *store.DB
	cfg    Config
	queues []chan *cmd
	pipes  []*store.PipeConn // committer i's own connection (PostgreSQL)
	caches []*stateCache     // committer i's contracts (nil when not cacheOn)
	stop   chan struct{}
	wg     sync.WaitGroup
	terms  syncMap[string, *Terms]   // contract id → terms, immutable once registered
	rows   syncMap[balKey, struct{}] // balance rows known to exist (never deleted)
	closed sync.Once
	clock  atomic.Pointer[func() time.Time]

	batches, commands, fallbacks atomic.Int64 // for Stats
	balanceRetries               atomic.Int64
	cachedBatches, staleRetries  atomic.Int64
	phaseNanos                   [numPhases]atomic.Int64
}

// Phases of a batch, timed for Stats.
const (
	phaseLoadKeys = iota
	phaseLoadContracts
	phaseLoadBalances
	phaseExecute
	phaseFlushContracts
	phaseFlushJournal
	phaseFlushBalances
	phaseCommit
	phaseRoundTrip
	numPhases
)

// In a pipelined PostgreSQL batch the load and write phases only queue
// statements (their time is the Go side's); "read_round_trip" is the wait for
// the locking reads, and "commit" the wait for all the writes with the COMMIT.
var phaseNames = [numPhases]string{"load_keys", "lock_contracts", "lock_balances", "execute", "write_contracts",
	"write_journal", "write_balances", "commit", "read_round_trip"}

func (e *engine) timing(phase int, since time.Time) {
	e.phaseNanos[phase].Add(int64(time.Since(since)))
}

// Stats counts the engine's work since it started.
type Stats struct {
	Batches   int64 `json:"batches"`   // database transactions committed by the committers
	Commands  int64 `json:"commands"`  // commands applied (accepted, refused or replayed)
	Fallbacks int64 `json:"fallbacks"` // batches that failed as a whole and were retried one command at a time
	// BalanceRetries counts batches run again after creating balance rows they needed.
	BalanceRetries int64 `json:"balance_retries"`
	// CachedBatches were written from a committer's contract cache without
	// reading first; StaleRetries ran again with reads after such an attempt
	// failed (a contract changed elsewhere, a replayed key, …).
	CachedBatches int64 `json:"cached_batches"`
	StaleRetries  int64 `json:"stale_retries"`
	// PhaseSeconds is the time spent in each phase of a batch, summed over committers.
	PhaseSeconds map[string]float64 `json:"phase_seconds"`
}

func (e *engine) rowExists(k balKey) {
	if !e.knownRow(k) {
		e.rows.Store(k, struct{}{})
	}
}
func (e *engine) knownRow(k balKey) bool { _, ok := e.rows.Load(k); return ok }

// syncMap is a map for many readers and rare writers. Unlike sync.Map it
// neither boxes keys into interfaces (an allocation per lookup of a struct
// key) nor hashes them through a trie; the ledger looks up several keys per
// command.
type syncMap[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (s *syncMap[K, V]) Load(k K) (V, bool) {
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}

func (s *syncMap[K, V]) Store(k K, v V) {
	s.mu.Lock()
	if s.m == nil {
		s.m = map[K]V{}
	}
	s.m[k] = v
	s.mu.Unlock()
}

func (e *engine) now() time.Time { return (*e.clock.Load())().UTC() }

func newEngine(db *store.DB, cfg Config) *engine {
	cfg = cfg.withDefaults(db.Dialect())
	e := &engine{db: db, cfg: cfg, stop: make(chan struct{})}
	clock := time.Now
	e.clock.Store(&clock)
	for i := 0; i < cfg.Committers; i++ {
		q := make(chan *cmd, cfg.QueueDepth)
		e.queues = append(e.queues, q)
		e.pipes = append(e.pipes, db.NewPipeConn(batchSessionSettings))
		if e.cacheOn() {
			e.caches = append(e.caches, newStateCache(cfg.CachedContracts))
		} else {
			e.caches = append(e.caches, nil)
		}
		e.wg.Add(1)
		go e.committer(i, q)
	}
	return e
}

// close stops the committers after they have applied everything queued.
func (e *engine) close() {
	e.closed.Do(func() {
		close(e.stop)
		e.wg.Wait()
		for _, p := range e.pipes {
			p.Close()
		}
	})
}

var errClosed = apperr.E("ledger", apperr.Unavailable, "the ledger is shutting down")

// submit queues c and waits for its result. If ctx ends first the command may
// still be applied; replaying it with the same key returns its result.
func (e *engine) submit(ctx context.Context, c *cmd) (Transaction, error) {
	c.done = make(chan struct{})
	h := fnv.New32a()
	h.Write([]byte(c.route))
	q := e.queues[int(h.Sum32()%uint32(len(e.queues)))]
	select {
	case <-e.stop:
		return Transaction{}, errClosed
	default:
	}
	select {
	case q <- c:
	case <-ctx.Done():
		return Transaction{}, ctx.Err()
	case <-e.stop:
		return Transaction{}, errClosed
	}
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		return Transaction{}, ctx.Err()
	}
}

func (e *engine) committer(idx int, q chan *cmd) {
	defer e.wg.Done()
	var carry *cmd // a solo command met while filling a batch waits for the next one
	for {
		var first *cmd
		if carry != nil {
			first, carry = carry, nil
		} else {
			select {
			case first = <-q:
			case <-e.stop:
				// Drain what was queued before the stop so no submitter hangs.
				for {
					select {
					case c := <-q:
						e.run(idx, []*cmd{c})
					default:
						return
					}
				}
			}
		}
		batch := []*cmd{first}
		registered := map[string]bool{}
		if first.registers != "" {
			registered[first.registers] = true
		}
		if !first.solo {
		fill:
			for len(batch) < e.cfg.MaxBatch {
				select {
				case c := <-q:
					if c.solo || touchesAny(c, registered) {
						carry = c
						break fill
					}
					if c.registers != "" {
						registered[c.registers] = true
					}
					batch = append(batch, c)
				default:
					break fill
				}
			}
		}
		e.run(idx, batch)
	}
}

func touchesAny(c *cmd, contracts map[string]bool) bool {
	for _, id := range c.contracts {
		if contracts[id] {
			return true
		}
	}
	return false
}

// run applies a batch and delivers the results. If the batch transaction fails
// as a whole (for instance a constraint that only the database saw, such as a
// key replayed concurrently through another node), each command is retried in a
// batch of its own, so one bad command cannot fail its neighbours.
func (e *engine) run(idx int, batch []*cmd) {
	ctx := context.Background()
	err := e.apply(ctx, idx, batch)
	if err == nil {
		e.batches.Add(1)
		e.commands.Add(int64(len(batch)))
	}
	if err != nil && len(batch) > 1 {
		e.fallbacks.Add(1)
		for _, c := range batch {
			e.run(idx, []*cmd{c})
		}
		return
	}
	for _, c := range batch {
		if err != nil {
			c.err = fmt.Errorf("ledger %s: %w", c.kind, err)
		}
		close(c.done)
	}
}

// apply runs the batch in one database transaction: from the committer's
// cache when it can (applyFromCache), otherwise, or when that attempt fails,
// with locking reads. store.Transact may call the function again after a
// serialization failure, so all state is rebuilt inside.
func (e *engine) apply(ctx context.Context, idx int, batch []*cmd) error {
	// Royalty commands read invoices and history with ordinary queries, so a
	// batch holding one runs statement by statement.
	pipelined := e.db.Dialect() == store.Postgres && !e.cfg.NoPipeline
	for _, c := range batch {
		pipelined = pipelined && !c.solo && len(c.invoices) == 0
	}
	if pipelined && e.caches[idx] != nil {
		if tried, err := e.applyFromCache(ctx, idx, batch); tried && err == nil {
			return e.answerReplays(ctx, batch)
		}
	}
	var err error
	var last *world
	for attempt := 0; attempt < 3; attempt++ {
		err = e.transact(ctx, pipelined, idx, func(w *world) error {
			last = w
			if err := w.load(ctx, batch); err != nil {
				return err
			}
			return w.run(ctx, batch)
		})
		var missing *errMissingBalances
		if !errors.As(err, &missing) {
			break
		}
		e.balanceRetries.Add(1)
		var created []balKey
		if err = e.db.Transact(ctx, func(tx *store.Tx) error {
			created, err = e.createBalances(ctx, tx, missing.keys)
			return err
		}); err != nil {
			return err
		}
		for _, k := range created { // committed: they exist, whoever inserted them
			e.rowExists(k)
		}
	}
	if last != nil && !last.commitStart.IsZero() {
		e.timing(phaseCommit, last.commitStart)
	}
	if c := e.caches[idx]; c != nil {
		if err != nil {
			c.forget(batch)
		} else {
			c.remember(last)
		}
	}
	if err != nil {
		return err
	}
	return e.answerReplays(ctx, batch)
}

// answerReplays answers replays of keys committed before the batch from the
// stored original.
func (e *engine) answerReplays(ctx context.Context, batch []*cmd) error {
	// Replays of keys committed earlier are answered from the stored original.
	for _, c := range batch {
		if c.err == nil && c.res.Replayed && c.res.Postings == nil && c.res.ID != "" {
			orig, lerr := loadTransaction(ctx, e.db, c.res.ID)
			if lerr != nil {
				c.err = lerr
				continue
			}
			orig.Replayed = true
			c.res = orig
		}
	}
	return nil
}

// run applies the batch's commands to the loaded (or cached) state and queues
// or writes their effects. The commit that follows is timed from its return.
func (w *world) run(ctx context.Context, batch []*cmd) error {
	// Stamped after the locks are held: a transaction that waited for another
	// one's rows is always recorded after it.
	// Both engines store microseconds; stamping at that precision makes the
	// first answer identical to every replay read back from the journal.
	if err := w.executeAll(ctx, batch); err != nil {
		return err
	}
	return w.flushAll(ctx)
}

// executeAll stamps the batch's time and runs its commands against w.
func (w *world) executeAll(ctx context.Context, batch []*cmd) error {
	w.now = w.e.now().Truncate(time.Microsecond)
	start := time.Now()
	for _, c := range batch {
		c.res, c.err = Transaction{}, nil
		w.execute(ctx, c)
		if c.err != nil && !isRefusal(c.err) {
			return c.err // a database failure, not a business refusal
		}
	}
	w.e.timing(phaseExecute, start)
	return nil
}

// flushAll writes (or queues) the batch's effects and notes when it did.
func (w *world) flushAll(ctx context.Context) error {
	if err := w.flush(ctx); err != nil {
		return err
	}
	w.commitStart = time.Now()
	return nil
}

// batchSessionSettings are the planner settings of every batch transaction on
// PostgreSQL. Every lookup of a batch is by key, so an index is always right.
// But the journal grows by thousands of rows a second, statistics lag behind,
// and the planner, believing the tables small, picks sequential scans that
// take 50–300 ms and grow with the table; generic plans are made once per
// statement and connection. A committer's own connection (store.PipeConn)
// carries them for its whole life; other batch transactions set them locally.
const batchSessionSettings = "SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan"

// transact runs fn in one database transaction: a store transaction, or on
// PostgreSQL a pipelined one, retried like store.Transact retries when it
// loses a serialization race or a deadlock.
func (e *engine) transact(ctx context.Context, pipelined bool, idx int, fn func(w *world) error) error {
	shard := idx % e.cfg.HotShards
	if !pipelined {
		return e.db.Transact(ctx, func(tx *store.Tx) error { return fn(newWorld(e, tx, nil, shard)) })
	}
	var err error
	for attempt := 1; attempt <= 40; attempt++ {
		err = e.pipes[idx].Pipelined(ctx, func(p *store.PipeTx) error { return fn(newWorld(e, p, p, shard)) })
		if err == nil || !store.IsRetryable(err) {
			return err
		}
		ceiling := time.Millisecond << min(attempt, 7)
		time.Sleep(time.Duration(rand.Int64N(int64(ceiling))) + 100*time.Microsecond)
	}
	return fmt.Errorf("ledger batch gave up after 40 attempts: %w", err)
}

// isRefusal tells a command's business refusal (bad input, forbidden, conflict,
// insufficient funds) from an infrastructure failure that must abort the batch.
func isRefusal(err error) bool {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Kind {
	case apperr.Invalid, apperr.NotFound, apperr.Conflict, apperr.Forbidden:
		return true
	}
	return false
}
