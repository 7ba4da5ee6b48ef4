package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// world is the locked slice of ledger state one batch works on, plus the
// effects of the commands accepted so far, written out by flush.
type world struct {
	e *engine
	q store.Querier
	// pipe is set for a PostgreSQL batch sent as a pipeline: reads are queued
	// and answered together, and q (the same PipeTx) queues every write, so the
	// batch costs three round trips: BEGIN with all the locking reads, then the
	// writes with COMMIT (two when every contract's terms are cached, one when
	// the batch runs from the committer's cache, see stateCache).
	pipe *store.PipeTx
	pg   bool
	// fast is set for a batch written from the committer's cache (stateCache):
	// nothing was read or locked before its single write statement.
	fast bool
	// commitStart is when the batch's writes were queued or written.
	commitStart time.Time
	shard       int
	now         time.Time

	keys      map[string]keyState
	contracts map[string]*contractState
	bal       map[balKey]*balState
	invoices  map[string]*invoiceState

	txs     []*Transaction
	cmdOf   map[*Transaction]*cmd
	deltas  map[balKey]int64
	reports []reportRow
	newInvs []*invoiceState
}

type keyState struct {
	id   string
	hash string
	tx   *Transaction // set when the original was accepted in this batch
}

type balKey struct {
	account string
	shard   int
}

type balState struct {
	balance int64
	floor   *int64
	// blind marks a row that is only credited in this batch and was not read
	// (see loadBalances): balance holds just the batch's credits to it.
	blind bool
}

type contractState struct {
	terms            *Terms
	price            int64
	held             int64
	released         int64
	escrowRefunded   int64
	clawbackRefunded int64
	createdAt        time.Time
	isNew, dirty     bool
	milestones       map[int]*msState
	// version is the row's version as read (or as cached); bumped is set when
	// the batch writes the contract and so moves it to version+1.
	version int64
	bumped  bool
	// allMilestones is set when every milestone of the contract was loaded,
	// not only those the batch names: only such a contract can be cached.
	allMilestones bool
}

type msState struct {
	Milestone
	clawed       [numParts]int64
	isNew, dirty bool
}

type invoiceState struct {
	RoyaltyInvoice
	reportID string
	dirty    bool
}

type reportRow struct {
	id, contractID, periodStart, periodEnd, txID string
	year                                         int
	sales                                        int64
	chargeable                                   bool
	at                                           time.Time
}

func newWorld(e *engine, q store.Querier, pipe *store.PipeTx, shard int) *world {
	return &world{
		e: e, q: q, pipe: pipe, pg: e.db.Dialect() == store.Postgres, shard: shard,
		keys: map[string]keyState{}, contracts: map[string]*contractState{},
		bal: map[balKey]*balState{}, invoices: map[string]*invoiceState{},
		cmdOf: map[*Transaction]*cmd{}, deltas: map[balKey]int64{},
	}
}

// forUpdate locks selected rows on PostgreSQL; SQLite's single writer already
// holds the database lock from BEGIN IMMEDIATE.
func (w *world) forUpdate() string {
	if w.pg {
		return " FOR UPDATE"
	}
	return ""
}

// read runs a query and calls row for each result row: at once, or, in a
// pipeline, when the pipeline is sent (rows then arrive in queueing order).
func (w *world) read(ctx context.Context, query string, args []any, row func(scan func(dest ...any) error) error) error {
	if w.pipe != nil {
		w.pipe.QueueQuery(query, args, row)
		return nil
	}
	rows, err := w.q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// send sends a pipeline's queued statements; without a pipeline every read
// has already run.
func (w *world) send(ctx context.Context) error {
	if w.pipe == nil {
		return nil
	}
	start := time.Now()
	defer w.e.timing(phaseRoundTrip, start)
	return w.pipe.Send(ctx)
}

// load reads and locks everything the batch needs, always in the same order —
// contracts by id, then balances by (account, shard) — so that concurrent
// committers cannot deadlock.
func (w *world) load(ctx context.Context, batch []*cmd) error {
	keys := make([]string, 0, len(batch))
	contractSet := map[string]bool{}
	var refs []msRef
	var invoiceIDs []string
	for _, c := range batch {
		keys = append(keys, c.key)
		for _, id := range c.contracts {
			contractSet[id] = true
		}
		refs = append(refs, c.milestones...)
		invoiceIDs = append(invoiceIDs, c.invoices...)
	}
	start := time.Now()
	if w.pg && w.pipe == nil {
		// See batchSessionSettings: a pipelined batch runs on a connection that has them.
		if _, err := w.q.Exec(ctx, `SELECT set_config('enable_seqscan', 'off', true),
			set_config('plan_cache_mode', 'force_generic_plan', true)`); err != nil {
			return fmt.Errorf("set planner options: %w", err)
		}
	}
	if !w.pg {
		// SQLite's default page cache (2 MB per connection) is far smaller than the
		// journal's indexes, so each batch would re-read the pages it updates.
		// TODO(lead): set this in store's DSN (_pragma=cache_size(-65536)) and drop it here.
		if _, err := w.q.Exec(ctx, `PRAGMA cache_size = -65536`); err != nil {
			return fmt.Errorf("set cache size: %w", err)
		}
	}
	if err := w.loadKeys(ctx, keys); err != nil {
		return err
	}
	w.e.timing(phaseLoadKeys, start)
	start = time.Now()
	if err := w.loadContracts(ctx, sortedKeys(contractSet), refs); err != nil {
		return err
	}
	if err := w.loadInvoices(ctx, invoiceIDs); err != nil {
		return err
	}
	w.e.timing(phaseLoadContracts, start)
	// In a pipeline the balances can be locked in the same round trip when the
	// accounts are known before the contracts arrive: they depend only on the
	// contracts' terms, which never change and are cached after first use.
	needs, known := w.needsFromCachedTerms(batch, contractSet)
	if !known {
		if err := w.send(ctx); err != nil {
			return err
		}
		needs = w.needs(batch)
	}
	start = time.Now()
	if err := w.loadBalances(ctx, needs); err != nil {
		return err
	}
	w.e.timing(phaseLoadBalances, start)
	if err := w.send(ctx); err != nil {
		return err
	}
	return w.checkBalances(needs)
}

func (w *world) needs(batch []*cmd) map[string]bool {
	needs := map[string]bool{} // account → may be debited
	for _, c := range batch {
		if c.accounts == nil {
			continue
		}
		for _, n := range c.accounts(w) {
			needs[n.account] = needs[n.account] || n.debit
		}
	}
	return needs
}

// needsFromCachedTerms computes the batch's balance needs before its contracts
// are loaded, from cached terms, when it runs in a pipeline and every contract
// it names has been seen before. Accounts functions read only the terms.
func (w *world) needsFromCachedTerms(batch []*cmd, contracts map[string]bool) (map[string]bool, bool) {
	if w.pipe == nil {
		return nil, false
	}
	stubs := make(map[string]*contractState, len(contracts))
	for id := range contracts {
		t, ok := w.e.terms.Load(id)
		if !ok {
			return nil, false
		}
		stubs[id] = &contractState{terms: t}
	}
	loaded := w.contracts
	w.contracts = stubs
	needs := w.needs(batch)
	w.contracts = loaded
	return needs, true
}

func (w *world) loadKeys(ctx context.Context, keys []string) error {
	cond, arg := inList(w.q, "idempotency_key", keys)
	err := w.read(ctx, `SELECT idempotency_key, id, request_hash FROM ledger_transactions WHERE `+cond, []any{arg},
		func(scan func(...any) error) error {
			var k, id, h string
			if err := scan(&k, &id, &h); err != nil {
				return fmt.Errorf("load idempotency keys: %w", err)
			}
			w.keys[k] = keyState{id: id, hash: h}
			return nil
		})
	if err != nil {
		return fmt.Errorf("load idempotency keys: %w", err)
	}
	return nil
}

func (w *world) loadContracts(ctx context.Context, ids []string, refs []msRef) error {
	if len(ids) == 0 {
		return nil
	}
	cond, arg := inList(w.q, "id", ids)
	terms, args := "terms", []any{arg}
	if w.pg {
		// Terms never change: send them only for contracts not decoded before.
		var cached []string
		for _, id := range ids {
			if _, ok := w.e.terms.Load(id); ok {
				cached = append(cached, id)
			}
		}
		terms, args = "CASE WHEN id = ANY(?::text[]) THEN '' ELSE terms END", []any{append([]string{}, cached...), arg}
	}
	whole := w.wholeContracts()
	err := w.read(ctx, `SELECT id, `+terms+`, price_fen, held_fen, released_fen, escrow_refunded_fen,
		clawback_refunded_fen, created_at, version FROM ledger_contracts WHERE `+cond+` ORDER BY id`+w.forUpdate(), args,
		func(scan func(...any) error) error {
			var id, terms string
			cs := &contractState{milestones: map[int]*msState{}, allMilestones: whole}
			if err := scan(&id, &terms, &cs.price, &cs.held, &cs.released, &cs.escrowRefunded,
				&cs.clawbackRefunded, store.Time(&cs.createdAt), &cs.version); err != nil {
				return fmt.Errorf("lock contracts: %w", err)
			}
			t, err := w.e.parsedTerms(id, terms)
			if err != nil {
				return err
			}
			cs.terms = t
			w.contracts[id] = cs
			return nil
		})
	if err != nil {
		return fmt.Errorf("lock contracts: %w", err)
	}
	if whole {
		return w.loadMilestones(ctx, nil, ids)
	}
	return w.loadMilestones(ctx, refs, nil)
}

// wholeContracts tells whether a batch loads every milestone of its contracts,
// so that the committer can keep them (see stateCache).
func (w *world) wholeContracts() bool { return w.pipe != nil && w.e.cacheOn() }

// loadMilestones loads the milestones refs names, or every milestone of the
// contracts in whole.
func (w *world) loadMilestones(ctx context.Context, refs []msRef, whole []string) error {
	var want []msRef
	for _, r := range refs {
		// In a pipeline the contracts are not loaded yet; milestones of a contract
		// that does not exist are skipped when they (do not) arrive.
		if w.pipe != nil || w.contracts[r.contract] != nil {
			want = append(want, r)
		}
	}
	if len(want) == 0 && len(whole) == 0 {
		return nil
	}
	const cols = `m.contract_id, m.seq, m.title, m.amount_fen, m.status, m.delivered_at, m.deemed_at,
		m.released_fen, m.refunded_fen, m.clawed_parts, COALESCE(m.release_tx, '')`
	var rowsSQL string
	var args []any
	switch {
	case len(whole) > 0:
		rowsSQL = `SELECT ` + cols + ` FROM ledger_milestones m WHERE m.contract_id = ANY(?::text[])`
		args = []any{whole}
	case w.pg:
		cs, seqs := make([]string, len(want)), make([]int64, len(want))
		for i, r := range want {
			cs[i], seqs[i] = r.contract, int64(r.seq)
		}
		rowsSQL = `SELECT ` + cols + ` FROM ledger_milestones m JOIN unnest(?::text[], ?::bigint[]) AS r(c, s)
			ON m.contract_id = r.c AND m.seq = r.s`
		args = []any{cs, seqs}
	default:
		pairs := make([][2]any, len(want))
		for i, r := range want {
			pairs[i] = [2]any{r.contract, r.seq}
		}
		js, _ := json.Marshal(pairs)
		rowsSQL = `SELECT ` + cols + ` FROM ledger_milestones m JOIN json_each(?) r
			ON m.contract_id = json_extract(r.value, '$[0]') AND m.seq = json_extract(r.value, '$[1]')`
		args = []any{string(js)}
	}
	err := w.read(ctx, rowsSQL, args, func(scan func(...any) error) error {
		var cid, clawed string
		m := &msState{}
		var amount, released, refunded int64
		if err := scan(&cid, &m.Seq, &m.Title, &amount, &m.Status, store.NullTime(&m.DeliveredAt),
			store.NullTime(&m.DeemedAt), &released, &refunded, &clawed, &m.ReleaseTx); err != nil {
			return err
		}
		m.Amount, m.Released, m.Refunded = domain.Fen(amount), domain.Fen(released), domain.Fen(refunded)
		m.clawed = parseParts(clawed)
		if cs := w.contracts[cid]; cs != nil {
			cs.milestones[m.Seq] = m
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load milestones: %w", err)
	}
	return nil
}

func (w *world) loadInvoices(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if w.pipe != nil {
		return fmt.Errorf("ledger: invoices are loaded by solo commands, never in a pipeline")
	}
	cond, arg := inList(w.q, "id", ids)
	invs, err := queryInvoices(ctx, w.q, cond, arg)
	if err != nil {
		return err
	}
	for _, inv := range invs {
		w.invoices[inv.ID] = &invoiceState{RoyaltyInvoice: inv}
	}
	return nil
}

// loadBalances locks the balance rows the batch needs, in (account, shard)
// order. An account that is only credited needs only this committer's shard; an
// account that may be debited needs all its rows, because its floor applies to
// their sum.
func (w *world) loadBalances(ctx context.Context, needs map[string]bool) error {
	if len(needs) == 0 {
		return nil
	}
	var all, whole []string
	for _, acct := range sortedKeys(needs) {
		// This committer's shard of a sharded account that the batch only
		// credits is neither read nor locked here when it is known to exist:
		// nothing checks its balance (a credit cannot break a floor), and the
		// UPDATE that adds the credits locks it. The write phase takes such
		// locks in (account, shard) order, and only this committer ever takes
		// this shard for a credit, so the global lock order still rules out
		// deadlocks (docs/ledger.md, "How commands are applied").
		if w.pg && !needs[acct] && isSharded(acct) {
			if k := w.creditKey(acct); w.e.knownRow(k) {
				w.bal[k] = &balState{blind: true}
				continue
			}
		}
		all = append(all, acct)
		if !isSharded(acct) || needs[acct] && floorOf(acct) != nil {
			whole = append(whole, acct)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return w.selectBalances(ctx, all, whole)
}

// checkBalances stops the batch with errMissingBalances if a needed row does
// not exist yet: the engine creates the rows in a transaction of their own and
// runs the batch again. Creating them here, after other rows are locked, could
// deadlock with a committer that is creating them in another order.
func (w *world) checkBalances(needs map[string]bool) error {
	var missing []balKey
	for _, acct := range sortedKeys(needs) {
		if k := w.creditKey(acct); w.bal[k] == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return &errMissingBalances{keys: missing}
	}
	return nil
}

// errMissingBalances asks the engine to create balance rows and retry.
type errMissingBalances struct{ keys []balKey }

func (e *errMissingBalances) Error() string {
	return fmt.Sprintf("ledger: %d balance rows to create first", len(e.keys))
}

// createBalances inserts zero balance rows (with their floors) that do not
// exist, in one statement (chunked on SQLite) whatever their number: a cold
// start meets hundreds at once. It returns every row that exists once its
// transaction commits. A missing shard of a sharded account brings
// the shards of every committer with it, so each new account costs one retry
// in all rather than one per committer. Committed on its own, an empty row is
// harmless even if the batch that needed it is later refused.
func (e *engine) createBalances(ctx context.Context, q store.Querier, keys []balKey) ([]balKey, error) {
	want := map[balKey]bool{}
	for _, k := range keys {
		want[k] = true
		if isSharded(k.account) {
			for i := 0; i < min(e.cfg.Committers, e.cfg.HotShards); i++ {
				want[balKey{k.account, i}] = true
			}
		}
	}
	all := make([]balKey, 0, len(want))
	for k := range want {
		all = append(all, k)
	}
	sort.Slice(all, func(i, j int) bool { return keyLess(all[i], all[j]) })
	rows := make([][]any, len(all))
	for i, k := range all {
		var floor any // NULL: no floor
		if f := floorOf(k.account); f != nil {
			floor = *f
		}
		rows[i] = []any{k.account, int64(k.shard), floor}
	}
	if q.Dialect() == store.Postgres {
		// Sorted, so two committers creating overlapping rows queue on them in
		// the same order.
		cols := []column{{"account", colText}, {"shard", colInt}, {"floor", colIntNull}}
		if _, err := q.Exec(ctx, `INSERT INTO ledger_balances (account, shard, balance_fen, floor_fen)
			SELECT v.account, v.shard, 0, v.floor FROM unnest(?::text[], ?::bigint[], ?::bigint[]) WITH ORDINALITY
			AS v(account, shard, floor, n) ORDER BY v.n ON CONFLICT DO NOTHING`, pgArrays(cols, rows)...); err != nil {
			return nil, fmt.Errorf("create %d balance rows: %w", len(rows), err)
		}
		return all, nil
	}
	return all, forChunks(rows, 3, func(chunk [][]any) error {
		var b strings.Builder
		b.WriteString("INSERT INTO ledger_balances (account, shard, balance_fen, floor_fen) VALUES ")
		args := make([]any, 0, len(chunk)*3)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, 0, ?)")
			args = append(args, r...)
		}
		b.WriteString(" ON CONFLICT DO NOTHING")
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("create %d balance rows: %w", len(chunk), err)
		}
		return nil
	})
}

// selectBalances reads (and on PostgreSQL locks) this committer's shard of every
// account in all, and every shard of the accounts in whole.
func (w *world) selectBalances(ctx context.Context, all, whole []string) error {
	var cond string
	var args []any
	if w.pg {
		if whole == nil {
			whole = []string{}
		}
		cond = `account = ANY(?::text[]) AND (shard = ? OR account = ANY(?::text[])) ORDER BY account, shard FOR UPDATE`
		args = []any{all, w.shard, whole}
	} else {
		// One writer at a time: nothing to lock, and reading every shard is harmless.
		c, arg := inList(w.q, "account", all)
		cond, args = c, []any{arg}
	}
	err := w.read(ctx, `SELECT account, shard, balance_fen, floor_fen FROM ledger_balances WHERE `+cond, args,
		func(scan func(...any) error) error {
			var k balKey
			var b balState
			if err := scan(&k.account, &k.shard, &b.balance, &b.floor); err != nil {
				return err
			}
			w.bal[k] = &b
			w.e.rowExists(k)
			return nil
		})
	if err != nil {
		return fmt.Errorf("lock balances: %w", err)
	}
	return nil
}

// execute checks the idempotency key, then runs the command against w.
func (w *world) execute(ctx context.Context, c *cmd) {
	if ks, ok := w.keys[c.key]; ok {
		if ks.hash != c.hash {
			c.err = apperr.E("ledger."+c.kind, apperr.Conflict,
				"this idempotency key was already used for a different request")
			return
		}
		if ks.tx != nil {
			c.res = *ks.tx
		} else {
			c.res = Transaction{ID: ks.id}
		}
		c.res.Replayed = true
		return
	}
	c.err = c.exec(ctx, w)
}

// accept records a command's transaction after checking that every posting
// keeps every account at or above its floor. It applies nothing unless all the
// postings fit, so a refused command leaves w unchanged; mutate, if given, runs
// only on success and updates the contract state the command changes.
func (w *world) accept(c *cmd, t *Transaction, mutate func()) error {
	net := map[string]int64{}
	for _, p := range t.Postings {
		if p.Amount <= 0 || p.Source == p.Destination {
			return fmt.Errorf("ledger: malformed posting %+v", p) // a bug, never user input
		}
		net[p.Source] -= int64(p.Amount)
		net[p.Destination] += int64(p.Amount)
	}
	plan := map[balKey]int64{}
	for _, acct := range sortedKeys(net) {
		d := net[acct]
		if d == 0 {
			continue
		}
		if d > 0 || floorOf(acct) == nil || !isSharded(acct) {
			k := w.creditKey(acct)
			if w.bal[k] == nil || d < 0 && w.bal[k].blind {
				return fmt.Errorf("ledger: balance %s/%d was not locked", acct, k.shard)
			}
			if f := w.bal[k].floor; d < 0 && f != nil && w.bal[k].balance+d < *f {
				return insufficient(c.kind, acct)
			}
			plan[k] += d
			continue
		}
		// A debit from a sharded account with a floor: take from this committer's
		// shard first, then from the others in shard order.
		left := -d
		for _, k := range w.shardsOf(acct) {
			take := min(left, w.bal[k].balance)
			if take > 0 {
				plan[k] -= take
				left -= take
			}
		}
		if left > 0 {
			return insufficient(c.kind, acct)
		}
	}
	for k, d := range plan {
		w.bal[k].balance += d
		w.deltas[k] += d
	}
	if mutate != nil {
		mutate()
	}
	if t.Postings == nil {
		t.Postings = []Posting{}
	}
	w.txs = append(w.txs, t)
	w.cmdOf[t] = c
	w.keys[c.key] = keyState{id: t.ID, hash: c.hash, tx: t}
	c.res = *t
	return nil
}

func insufficient(kind, account string) error {
	return &apperr.Error{Op: "ledger." + kind, Kind: apperr.Conflict,
		Msg: "insufficient funds in " + account}
}

func (w *world) creditKey(acct string) balKey {
	if isSharded(acct) {
		return balKey{acct, w.shard}
	}
	return balKey{acct, 0}
}

// shardsOf lists the loaded shards of acct, this committer's first.
func (w *world) shardsOf(acct string) []balKey {
	out := []balKey{{acct, w.shard}}
	var others []balKey
	for k := range w.bal {
		if k.account == acct && k.shard != w.shard {
			others = append(others, k)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].shard < others[j].shard })
	return append(out, others...)
}

// balance is the current balance of a loaded account (all loaded shards).
func (w *world) balance(acct string) int64 {
	var sum int64
	for k, b := range w.bal {
		if k.account == acct {
			sum += b.balance
		}
	}
	return sum
}

func keyLess(a, b balKey) bool {
	if a.account != b.account {
		return a.account < b.account
	}
	return a.shard < b.shard
}

func sortedKeys[K string | int, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// formatParts stores a milestone's clawed-back parts as "f,b1,b2,i,s".
func formatParts(p [numParts]int64) string {
	if p == ([numParts]int64{}) {
		return ""
	}
	s := make([]string, numParts)
	for i, v := range p {
		s[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(s, ",")
}

func parseParts(s string) [numParts]int64 {
	var p [numParts]int64
	if s == "" {
		return p
	}
	for i, f := range strings.SplitN(s, ",", numParts) {
		p[i], _ = strconv.ParseInt(f, 10, 64)
	}
	return p
}

// parsedTerms decodes a contract's terms once; they never change.
func (e *engine) parsedTerms(id, raw string) (*Terms, error) {
	if t, ok := e.terms.Load(id); ok {
		return t, nil
	}
	var t Terms
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return nil, fmt.Errorf("decode terms of %s: %w", id, err)
	}
	e.terms.Store(id, &t)
	return &t, nil
}
