package ledger

import (
	"context"
	"errors"
	"strings"

	"github.com/techmarket-org/techmarket/internal/store"
)

// A committer's contract state cache (PostgreSQL only).
//
// Commands are routed to committers by contract, so the committer that last
// wrote a contract usually holds its current state — totals, every milestone,
// the escrow balance — at the end of the batch. Keeping it lets the next batch
// on the same contracts skip the read round trip entirely: BEGIN, one write
// statement and COMMIT travel together. The cache is only a guess: each
// contract row carries a version (migration 0011), every batch that changes a
// contract's state moves it, and a batch written from the cache checks, in the
// same UPDATE that writes the contract, that every contract it used is still at
// the version it remembered (ledger_next_version). A contract changed in the
// meantime — by another node, or by a statement-by-statement batch — makes the
// whole batch fail as a serialization failure before COMMIT; its contracts are
// dropped from the cache and the batch runs again the ordinary way, with
// locking reads. The database's own guards (floor CHECKs, the unique release
// and idempotency-key indexes) hold either way: a replayed idempotency key,
// which the cached path does not look up, fails the journal's unique index and
// is answered by that second run.
//
// A batch runs from the cache only if every row it touches is this committer's
// own and known to exist: the contracts it names (all cached, with their
// escrow balance where it is debited or credited) and this committer's shard of
// sharded accounts that it only credits. Anything else — a new contract, a
// debit from a party's account, an auction deposit — takes the ordinary path.

// defaultCachedContracts bounds each committer's cache (about 5 KB per contract
// with 20 milestones).
const defaultCachedContracts = 20000

type stateCache struct {
	max     int
	entries map[string]*cachedContract
}

type cachedContract struct {
	cs          *contractState // every milestone loaded; no pending flags
	escrow      int64
	escrowKnown bool // escrow holds the escrow account's balance
}

func newStateCache(max int) *stateCache {
	return &stateCache{max: max, entries: map[string]*cachedContract{}}
}

// cacheOn tells whether committers keep contract state between batches.
func (e *engine) cacheOn() bool {
	return e.db.Dialect() == store.Postgres && !e.cfg.NoPipeline && !e.cfg.NoStateCache
}

// fromCache fills w with the cached state of everything batch touches and
// reports true, or leaves w empty and reports false when some row is not this
// committer's own or not cached.
func (w *world) fromCache(batch []*cmd, c *stateCache) bool {
	ok := w.fillFromCache(batch, c)
	if !ok {
		w.contracts, w.bal = map[string]*contractState{}, map[balKey]*balState{}
	}
	w.fast = ok
	return ok
}

func (w *world) fillFromCache(batch []*cmd, c *stateCache) bool {
	for _, cm := range batch {
		if cm.registers != "" || cm.solo || len(cm.invoices) > 0 {
			return false
		}
		for _, id := range cm.contracts {
			ent := c.entries[id]
			if ent == nil {
				return false
			}
			w.contracts[id] = ent.cs
		}
	}
	for acct, debit := range w.needs(batch) {
		if id, ok := escrowContract(acct); ok {
			ent := c.entries[id]
			// Only a contract of this batch has its version checked.
			if ent == nil || !ent.escrowKnown || w.contracts[id] == nil {
				return false
			}
			w.bal[escrowKey(id)] = &balState{balance: ent.escrow, floor: floorOf(acct)}
			continue
		}
		k := w.creditKey(acct)
		if debit || !isSharded(acct) || !w.e.knownRow(k) {
			return false
		}
		w.bal[k] = &balState{blind: true}
	}
	return true
}

// escrowContract returns the contract whose escrow account acct is.
func escrowContract(acct string) (string, bool) {
	id, ok := strings.CutPrefix(acct, "contract:")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(id, ":escrow")
}

// remember updates the cache after w's batch committed: the contracts it wrote
// from the cache or loaded whole are kept at their new version, any other
// contract it touched is dropped (its version may have moved).
func (c *stateCache) remember(w *world) {
	for id, cs := range w.contracts {
		if !w.fast && !cs.allMilestones {
			delete(c.entries, id)
			continue
		}
		if cs.bumped {
			cs.version++
		}
		cs.isNew, cs.dirty, cs.bumped = false, false, false
		for _, m := range cs.milestones {
			m.isNew, m.dirty = false, false
		}
		ent := c.entries[id]
		if ent == nil || ent.cs != cs {
			ent = &cachedContract{cs: cs}
			c.put(id, ent)
		}
		// A cached batch that did not touch the escrow keeps the balance it
		// had: the version check showed nothing else changed it.
		if b := w.bal[escrowKey(id)]; b != nil && !b.blind {
			ent.escrow, ent.escrowKnown = b.balance, true
		}
	}
}

func (c *stateCache) put(id string, ent *cachedContract) {
	if _, ok := c.entries[id]; !ok && len(c.entries) >= c.max {
		for old := range c.entries { // an arbitrary one: map order is random
			delete(c.entries, old)
			break
		}
	}
	c.entries[id] = ent
}

// forget drops the batch's contracts, whose cached state a failed batch may
// have changed in memory.
func (c *stateCache) forget(batch []*cmd) {
	for _, cm := range batch {
		for _, id := range cm.contracts {
			delete(c.entries, id)
		}
	}
}

var errRefusedFromCache = errors.New("ledger: a command was refused on cached state")

// applyFromCache runs batch from the committer's cache in one round trip
// (BEGIN, the folded write, COMMIT). It reports false, having done nothing, when
// the batch cannot run from the cache; an error means the attempt failed, was
// rolled back and its contracts were forgotten, so the caller runs the batch
// the ordinary way.
func (e *engine) applyFromCache(ctx context.Context, idx int, batch []*cmd) (bool, error) {
	c := e.caches[idx]
	w := newWorld(e, nil, nil, idx%e.cfg.HotShards)
	if !w.fromCache(batch, c) {
		return false, nil
	}
	// A refusal may be a replay of a key committed earlier, which only a read
	// of the journal can answer (an accepted replay fails the journal's unique
	// index instead): such a batch runs again with reads. The commands already
	// applied changed the cached state in memory, so it is forgotten.
	err := w.executeAll(ctx, batch)
	for _, cm := range batch {
		if err == nil && cm.err != nil {
			err = errRefusedFromCache
		}
	}
	if err == nil {
		err = e.pipes[idx].Pipelined(ctx, func(p *store.PipeTx) error {
			w.q, w.pipe = p, p
			return w.flushAll(ctx)
		})
	}
	if !w.commitStart.IsZero() {
		e.timing(phaseCommit, w.commitStart)
	}
	if err != nil {
		c.forget(batch)
		e.staleRetries.Add(1)
		return true, err
	}
	e.cachedBatches.Add(1)
	c.remember(w)
	return true, nil
}
