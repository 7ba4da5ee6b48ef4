package ledger

import (
	"context"
	"fmt"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Violation is one broken invariant.
type Violation struct {
	Invariant string `json:"invariant"`
	Subject   string `json:"subject"`
	Detail    string `json:"detail"`
}

// VerifyReport is the outcome of checking every ledger invariant against the
// stored data. An empty Violations list means the ledger is sound.
type VerifyReport struct {
	Accounts     int         `json:"accounts"`
	Transactions int         `json:"transactions"`
	Postings     int         `json:"postings"`
	Total        domain.Fen  `json:"total_fen"` // Σ of all balances; must be 0
	Violations   []Violation `json:"violations"`
}

// Verify checks the invariants (docs/ledger.md §Invariants); staff only.
func (s *Service) Verify(ctx context.Context, actor domain.Actor) (VerifyReport, error) {
	if !staff(actor) {
		return VerifyReport{}, denied("ledger.Verify", actor, "staff only")
	}
	return Verify(ctx, s.db)
}

// invariantQueries each return (subject, detail) rows for violations.
var invariantQueries = []struct{ name, sql string }{
	{"floor", `SELECT account || '#' || shard, 'balance ' || balance_fen || ' below floor ' || floor_fen
		FROM ledger_balances WHERE floor_fen IS NOT NULL AND balance_fen < floor_fen`},
	{"money transaction has postings", `SELECT t.id, t.kind FROM ledger_transactions t
		WHERE t.kind IN ('deposit', 'withdrawal', 'hold', 'release', 'refund', 'auction_hold', 'auction_return',
			'auction_forfeit', 'auction_apply', 'royalty_payment')
		AND NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.tx_id = t.id)`},
	{"posting belongs to a transaction", `SELECT p.tx_id, 'orphan posting ' || p.idx FROM ledger_postings p
		WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = p.tx_id)`},
	{"split legs sum to gross", `SELECT t.id, t.kind || ': amount ' || t.amount_fen || ' legs ' || SUM(p.amount_fen)
		FROM ledger_transactions t JOIN ledger_postings p ON p.tx_id = t.id
		WHERE t.kind IN ('deposit', 'withdrawal', 'hold', 'release', 'refund', 'auction_hold', 'auction_return',
			'auction_forfeit', 'royalty_payment')
		GROUP BY t.id, t.kind, t.amount_fen HAVING SUM(p.amount_fen) <> t.amount_fen`},
	{"escrow = held - released - refunded", `SELECT c.id, 'escrow ' || COALESCE(b.bal, 0) || ' expected ' ||
		(c.held_fen - c.released_fen - c.escrow_refunded_fen)
		FROM ledger_contracts c LEFT JOIN (SELECT account, SUM(balance_fen) AS bal FROM ledger_balances
			WHERE account LIKE 'contract:%' GROUP BY account) b ON b.account = 'contract:' || c.id || ':escrow'
		WHERE COALESCE(b.bal, 0) <> c.held_fen - c.released_fen - c.escrow_refunded_fen`},
	{"releases <= price, refunds <= paid", `SELECT id, 'held ' || held_fen || ' released ' || released_fen || ' refunded ' ||
		(escrow_refunded_fen + clawback_refunded_fen) || ' price ' || price_fen FROM ledger_contracts
		WHERE released_fen > price_fen OR held_fen > price_fen OR escrow_refunded_fen + clawback_refunded_fen > held_fen
		OR clawback_refunded_fen > released_fen`},
	{"contract totals match the journal", `SELECT c.id, 'held ' || c.held_fen || '/' || COALESCE(j.held, 0) ||
		' released ' || c.released_fen || '/' || COALESCE(j.released, 0) ||
		' escrow refunds ' || c.escrow_refunded_fen || '/' || COALESCE(j.erefund, 0) ||
		' clawback refunds ' || c.clawback_refunded_fen || '/' || COALESCE(j.crefund, 0)
		FROM ledger_contracts c LEFT JOIN (SELECT contract_id,
			SUM(CASE WHEN kind IN ('hold', 'auction_apply') THEN amount_fen ELSE 0 END) AS held,
			SUM(CASE WHEN kind = 'release' THEN amount_fen ELSE 0 END) AS released,
			SUM(CASE WHEN kind = 'refund' AND COALESCE(milestone_seq, 0) = 0 THEN amount_fen ELSE 0 END) AS erefund,
			SUM(CASE WHEN kind = 'refund' AND milestone_seq > 0 THEN amount_fen ELSE 0 END) AS crefund
			FROM ledger_transactions WHERE contract_id IS NOT NULL GROUP BY contract_id) j ON j.contract_id = c.id
		WHERE c.held_fen <> COALESCE(j.held, 0) OR c.released_fen <> COALESCE(j.released, 0)
		OR c.escrow_refunded_fen <> COALESCE(j.erefund, 0) OR c.clawback_refunded_fen <> COALESCE(j.crefund, 0)`},
	{"milestone released at most once, as journalled", `SELECT m.contract_id || '/' || m.seq, 'status ' || m.status ||
		' released ' || m.released_fen || ' journal ' || COALESCE(SUM(t.amount_fen), 0) || ' in ' || COUNT(t.id) || ' releases'
		FROM ledger_milestones m LEFT JOIN ledger_transactions t
			ON t.kind = 'release' AND t.contract_id = m.contract_id AND t.milestone_seq = m.seq
		GROUP BY m.contract_id, m.seq, m.status, m.released_fen, m.release_tx
		HAVING COUNT(t.id) > 1 OR (m.status = 'released') <> (COUNT(t.id) = 1)
			OR m.released_fen <> COALESCE(SUM(t.amount_fen), 0) OR COALESCE(m.release_tx, '') <> COALESCE(MAX(t.id), '')`},
	{"milestone refunds <= released, as journalled", `SELECT m.contract_id || '/' || m.seq, 'refunded ' || m.refunded_fen ||
		' journal ' || COALESCE(SUM(t.amount_fen), 0) || ' released ' || m.released_fen
		FROM ledger_milestones m LEFT JOIN ledger_transactions t
			ON t.kind = 'refund' AND t.contract_id = m.contract_id AND t.milestone_seq = m.seq
		GROUP BY m.contract_id, m.seq, m.refunded_fen, m.released_fen
		HAVING m.refunded_fen <> COALESCE(SUM(t.amount_fen), 0) OR m.refunded_fen > m.released_fen`},
	{"invoice paid at most once", `SELECT i.id, 'paid_tx ' || COALESCE(i.paid_tx, '-') || ', ' || COUNT(t.id) || ' payments'
		FROM ledger_royalty_invoices i LEFT JOIN ledger_transactions t ON t.kind = 'royalty_payment' AND t.ref_id = i.id
		GROUP BY i.id, i.paid_tx HAVING COUNT(t.id) > 1 OR (i.paid_tx IS NULL) <> (COUNT(t.id) = 0)`},
}

// Verify checks every invariant on q (a DB or a transaction).
func Verify(ctx context.Context, q store.Querier) (VerifyReport, error) {
	r := VerifyReport{Violations: []Violation{}}
	for _, inv := range invariantQueries {
		rows, err := q.Query(ctx, inv.sql)
		if err != nil {
			return r, fmt.Errorf("verify %s: %w", inv.name, err)
		}
		for rows.Next() {
			v := Violation{Invariant: inv.name}
			if err := rows.Scan(&v.Subject, &v.Detail); err != nil {
				rows.Close()
				return r, fmt.Errorf("verify %s: %w", inv.name, err)
			}
			r.Violations = append(r.Violations, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return r, err
		}
	}
	cached, err := sumsByAccount(ctx, q, `SELECT account, SUM(balance_fen) FROM ledger_balances GROUP BY account`)
	if err != nil {
		return r, err
	}
	rebuilt, err := sumsByAccount(ctx, q, `SELECT account, SUM(delta) FROM (
		SELECT destination AS account, amount_fen AS delta FROM ledger_postings
		UNION ALL SELECT source, -amount_fen FROM ledger_postings) d GROUP BY account`)
	if err != nil {
		return r, err
	}
	for acct, c := range cached {
		if c != rebuilt[acct] {
			r.Violations = append(r.Violations, Violation{"cached balance = rebuilt from postings", acct,
				fmt.Sprintf("cached %d rebuilt %d", c, rebuilt[acct])})
		}
		r.Total += domain.Fen(c)
	}
	for acct, b := range rebuilt {
		if _, ok := cached[acct]; !ok && b != 0 {
			r.Violations = append(r.Violations, Violation{"cached balance = rebuilt from postings", acct,
				fmt.Sprintf("no cached balance, rebuilt %d", b)})
		}
	}
	if r.Total != 0 {
		r.Violations = append(r.Violations, Violation{"all balances sum to zero", "ledger", fmt.Sprintf("sum %d", r.Total)})
	}
	r.Accounts = len(cached)
	if err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM ledger_transactions), (SELECT COUNT(*) FROM ledger_postings)`).
		Scan(&r.Transactions, &r.Postings); err != nil {
		return r, fmt.Errorf("verify counts: %w", err)
	}
	return r, nil
}

func sumsByAccount(ctx context.Context, q store.Querier, sql string) (map[string]int64, error) {
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("verify balances: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var a string
		var v int64
		if err := rows.Scan(&a, &v); err != nil {
			return nil, fmt.Errorf("verify balances: %w", err)
		}
		out[a] = v
	}
	return out, rows.Err()
}
