package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/store"
)

// The write half of a batch: everything the commands accepted, written with
// one bulk statement per table (bulk.go) after they all ran in memory.

// flush writes every accepted effect with bulk statements. In a pipeline they
// become one statement (see foldedWrites).
func (w *world) flush(ctx context.Context) error {
	if w.pipe != nil && !w.e.cfg.SeparateWrites {
		fw := &foldedWrites{Querier: w.q}
		w.q = fw
		defer func() { w.q = w.pipe }()
		if err := w.writeAll(ctx); err != nil {
			return err
		}
		if sql, args := fw.statement(); sql != "" {
			w.pipe.Queue(sql, args...)
		}
		return nil
	}
	return w.writeAll(ctx)
}

func (w *world) writeAll(ctx context.Context) error {
	steps := []struct {
		phase int
		fn    func(context.Context) error
	}{
		{phaseFlushContracts, w.flushContracts},
		{phaseFlushJournal, w.flushTransactions},
		{phaseFlushBalances, w.flushBalances},
		{phaseFlushJournal, w.flushRoyalties},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.fn(ctx); err != nil {
			return err
		}
		w.e.timing(s.phase, start)
	}
	return nil
}

func (w *world) flushTransactions(ctx context.Context) error {
	txCols := []column{{"id", colText}, {"idempotency_key", colText}, {"request_hash", colText}, {"kind", colText},
		{"contract_id", colTextNull}, {"milestone_seq", colIntNull}, {"ref_id", colTextNull}, {"bank_ref", colTextNull},
		{"amount_fen", colInt}, {"actor_id", colText}, {"actor_org", colText}, {"actor_ip", colText}, {"memo", colText},
		{"recorded_at", colTime}}
	pCols := []column{{"tx_id", colText}, {"idx", colInt}, {"source", colText}, {"destination", colText},
		{"amount_fen", colInt}, {"recorded_at", colTime}}
	txRows := make([][]any, 0, len(w.txs))
	var pRows [][]any
	for _, t := range w.txs {
		c := w.cmdOf[t]
		var seq any
		if t.MilestoneSeq > 0 {
			seq = int64(t.MilestoneSeq)
		}
		txRows = append(txRows, []any{t.ID, t.Key, c.hash, t.Kind, t.ContractID, seq, t.RefID, t.BankRef,
			int64(t.Amount), t.ActorID, actorOrg(c.actor), c.actor.IP, t.Memo, t.RecordedAt})
		for i, p := range t.Postings {
			pRows = append(pRows, []any{t.ID, int64(i), p.Source, p.Destination, int64(p.Amount), t.RecordedAt})
		}
	}
	if err := insertRows(ctx, w.q, "ledger_transactions", txCols, txRows); err != nil {
		return err
	}
	return insertRows(ctx, w.q, "ledger_postings", pCols, pRows)
}

func (w *world) flushBalances(ctx context.Context) error {
	keys := make([]balKey, 0, len(w.deltas))
	for k, d := range w.deltas {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.account, int64(k.shard), w.deltas[k]}
	}
	return updateRows(ctx, w.q, "ledger_balances",
		[]column{{"account", colText}, {"shard", colInt}}, []column{{"delta", colInt}},
		[]string{"balance_fen = balance_fen + v.delta"}, rows)
}

func (w *world) flushContracts(ctx context.Context) error {
	var newC, dirtyC, newM, dirtyM [][]any
	for _, id := range sortedKeys(w.contracts) {
		cs := w.contracts[id]
		switch {
		case cs.isNew:
			terms, err := json.Marshal(cs.terms)
			if err != nil {
				return fmt.Errorf("encode terms: %w", err)
			}
			newC = append(newC, []any{id, cs.terms.BuyerOrg, cs.terms.SellerOrg, cs.price, string(terms),
				cs.held, cs.released, cs.escrowRefunded, cs.clawbackRefunded, cs.createdAt})
		case cs.dirty || w.fast || w.milestonesChanged(cs) || w.deltas[escrowKey(id)] != 0:
			// Every change to a contract's state — totals, milestones, escrow
			// balance — moves its version, which a committer's cache relies on
			// (stateCache); a batch written from the cache checks the version of
			// every contract it used, changed or not.
			cs.bumped = true
			dirtyC = append(dirtyC, []any{id, cs.held, cs.released, cs.escrowRefunded, cs.clawbackRefunded, cs.version})
		}
		for _, seq := range changedMilestones(cs) {
			m := cs.milestones[seq]
			row := []any{id, int64(seq), m.Status, m.DeliveredAt, m.DeemedAt, int64(m.Released), int64(m.Refunded),
				formatParts(m.clawed), m.ReleaseTx}
			if m.isNew {
				newM = append(newM, append(row, m.Title, int64(m.Amount)))
			} else {
				dirtyM = append(dirtyM, row)
			}
		}
	}
	cCols := []column{{"id", colText}, {"buyer_org", colText}, {"seller_org", colText}, {"price_fen", colInt},
		{"terms", colText}, {"held_fen", colInt}, {"released_fen", colInt}, {"escrow_refunded_fen", colInt},
		{"clawback_refunded_fen", colInt}, {"created_at", colTime}}
	if err := insertRows(ctx, w.q, "ledger_contracts", cCols, newC); err != nil {
		return err
	}
	// PostgreSQL checks the version the engine expected (ledger_next_version
	// raises a serialization failure otherwise); SQLite's single writer never
	// works from a cache.
	bump := "version = version + 1"
	if w.pg {
		bump = "version = ledger_next_version(ledger_contracts.id, ledger_contracts.version, v.expected)"
	}
	if err := updateRows(ctx, w.q, "ledger_contracts", []column{{"id", colText}},
		[]column{{"held", colInt}, {"released", colInt}, {"erefunded", colInt}, {"crefunded", colInt}, {"expected", colInt}},
		[]string{"held_fen = v.held", "released_fen = v.released", "escrow_refunded_fen = v.erefunded",
			"clawback_refunded_fen = v.crefunded", bump}, dirtyC); err != nil {
		return err
	}
	mKeys := []column{{"contract_id", colText}, {"seq", colInt}}
	mVals := []column{{"status", colText}, {"delivered_at", colTimeNull}, {"deemed_at", colTimeNull},
		{"released_fen", colInt}, {"refunded_fen", colInt}, {"clawed_parts", colText}, {"release_tx", colTextNull}}
	if err := insertRows(ctx, w.q, "ledger_milestones",
		append(append(append([]column{}, mKeys...), mVals...), column{"title", colText}, column{"amount_fen", colInt}), newM); err != nil {
		return err
	}
	return updateRows(ctx, w.q, "ledger_milestones", mKeys, mVals,
		[]string{"status = v.status", "delivered_at = v.delivered_at", "deemed_at = v.deemed_at",
			"released_fen = v.released_fen", "refunded_fen = v.refunded_fen", "clawed_parts = v.clawed_parts",
			"release_tx = v.release_tx"}, dirtyM)
}

func (w *world) milestonesChanged(cs *contractState) bool {
	for _, m := range cs.milestones {
		if m.isNew || m.dirty {
			return true
		}
	}
	return false
}

// changedMilestones lists the new or changed milestones of cs in order (a
// cached contract holds all of them, usually one changed).
func changedMilestones(cs *contractState) []int {
	var seqs []int
	for seq, m := range cs.milestones {
		if m.isNew || m.dirty {
			seqs = append(seqs, seq)
		}
	}
	sort.Ints(seqs)
	return seqs
}

func escrowKey(contractID string) balKey { return balKey{Escrow(contractID), 0} }

func (w *world) flushRoyalties(ctx context.Context) error {
	for _, r := range w.reports {
		if _, err := w.q.Exec(ctx, `INSERT INTO ledger_royalty_reports (id, contract_id, licence_year, period_start,
			period_end, sales_fen, chargeable, tx_id, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.id, r.contractID, r.year, r.periodStart, r.periodEnd, r.sales, r.chargeable, r.txID, r.at); err != nil {
			return fmt.Errorf("store royalty report: %w", err)
		}
	}
	for _, inv := range w.newInvs {
		if _, err := w.q.Exec(ctx, `INSERT INTO ledger_royalty_invoices (id, contract_id, kind, licence_year, report_id,
			base_fen, amount_fen, due_date, issued_tx, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			inv.ID, inv.ContractID, inv.Kind, inv.LicenceYear, store.NullString(inv.reportID), int64(inv.Base),
			int64(inv.Amount), inv.DueDate, inv.IssuedTx, inv.IssuedAt); err != nil {
			return fmt.Errorf("store royalty invoice: %w", err)
		}
	}
	for _, id := range sortedKeys(w.invoices) {
		inv := w.invoices[id]
		if !inv.dirty {
			continue
		}
		if _, err := w.q.Exec(ctx, `UPDATE ledger_royalty_invoices SET paid_tx = ?, paid_at = ? WHERE id = ? AND paid_tx IS NULL`,
			inv.PaidTx, inv.PaidAt, inv.ID); err != nil {
			return fmt.Errorf("mark invoice paid: %w", err)
		}
	}
	return nil
}

// foldedWrites collects the statements of a pipelined batch's flush so that
// they travel as one: each but the last becomes a data-modifying CTE of the
// last ("WITH w1 AS (INSERT …), w2 AS (UPDATE …) INSERT …"). PostgreSQL then
// parses, binds, plans (from its cache) and starts an executor once per batch
// instead of once per table. The statements are independent — each writes its
// own table, none reads what another writes, every row they update is already
// locked — so running them under one snapshot, in an order PostgreSQL chooses,
// writes exactly what they would have written one after another.
type foldedWrites struct {
	store.Querier // the pipeline, for Dialect; nothing reads during a flush
	stmts         []string
	args          []any
}

// Exec records the statement instead of sending it.
func (f *foldedWrites) Exec(_ context.Context, query string, args ...any) (sql.Result, error) {
	f.stmts = append(f.stmts, strings.TrimSpace(query))
	f.args = append(f.args, args...)
	return driver.ResultNoRows, nil
}

// statement returns the folded statement, or "" when nothing was written. The
// `?` placeholders stay in order, so the arguments simply concatenate.
func (f *foldedWrites) statement() (string, []any) {
	switch len(f.stmts) {
	case 0:
		return "", nil
	case 1:
		return f.stmts[0], f.args
	}
	var b strings.Builder
	b.WriteString("WITH ")
	last := len(f.stmts) - 1
	for i, s := range f.stmts[:last] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("w" + strconv.Itoa(i+1) + " AS (" + s + ")")
	}
	b.WriteString(" " + f.stmts[last])
	return b.String(), f.args
}
