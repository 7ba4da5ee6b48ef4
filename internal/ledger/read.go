package ledger

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Read models. They read committed data outside the committers.

const txColumns = `id, idempotency_key, kind, COALESCE(contract_id, ''), COALESCE(milestone_seq, 0), COALESCE(ref_id, ''),
	COALESCE(bank_ref, ''), amount_fen, actor_id, memo, recorded_at`

func scanTx(row interface{ Scan(...any) error }) (Transaction, error) {
	var t Transaction
	err := row.Scan(&t.ID, &t.Key, &t.Kind, &t.ContractID, &t.MilestoneSeq, &t.RefID, &t.BankRef, &t.Amount,
		&t.ActorID, &t.Memo, store.Time(&t.RecordedAt))
	t.Postings = []Posting{}
	return t, err
}

// loadTransaction reads one journalled transaction with its postings.
func loadTransaction(ctx context.Context, q store.Querier, id string) (Transaction, error) {
	t, err := scanTx(q.QueryRow(ctx, `SELECT `+txColumns+` FROM ledger_transactions WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return Transaction{}, apperr.E("ledger.Transaction", apperr.NotFound, "no such transaction")
	}
	if err != nil {
		return Transaction{}, fmt.Errorf("read transaction: %w", err)
	}
	byTx, err := postingsOf(ctx, q, []string{id})
	if err != nil {
		return Transaction{}, err
	}
	t.Postings = append(t.Postings, byTx[id]...)
	return t, nil
}

func postingsOf(ctx context.Context, q store.Querier, ids []string) (map[string][]Posting, error) {
	out := map[string][]Posting{}
	if len(ids) == 0 {
		return out, nil
	}
	cond, arg := inList(q, "tx_id", ids)
	rows, err := q.Query(ctx, `SELECT tx_id, source, destination, amount_fen, currency FROM ledger_postings
		WHERE `+cond+` ORDER BY tx_id, idx`, arg)
	if err != nil {
		return nil, fmt.Errorf("read postings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p Posting
		if err := rows.Scan(&id, &p.Source, &p.Destination, &p.Amount, &p.Currency); err != nil {
			return nil, fmt.Errorf("read postings: %w", err)
		}
		out[id] = append(out[id], p)
	}
	return out, rows.Err()
}

// Transaction returns one transaction, if the actor may see it.
func (s *Service) Transaction(ctx context.Context, actor domain.Actor, id string) (Transaction, error) {
	t, err := loadTransaction(ctx, s.db, id)
	if err != nil {
		return t, err
	}
	for _, p := range t.Postings {
		if s.canSeeAccount(ctx, actor, p.Source) == nil || s.canSeeAccount(ctx, actor, p.Destination) == nil {
			return t, nil
		}
	}
	if t.ContractID != "" && s.canSeeContract(ctx, actor, t.ContractID) == nil {
		return t, nil
	}
	if staff(actor) {
		return t, nil
	}
	return Transaction{}, apperr.E("ledger.Transaction", apperr.NotFound, "no such transaction")
}

// staff may read every account: operators, bank officers and administrators.
func staff(a domain.Actor) bool {
	return a.HasRole(domain.RoleOperator) || a.HasRole(domain.RoleBankOfficer)
}

// canSeeAccount: an organisation sees its own accounts, the parties see their
// contract's escrow, and staff see everything.
func (s *Service) canSeeAccount(ctx context.Context, actor domain.Actor, account string) error {
	info, err := ParseAccount(account)
	if err != nil {
		return apperr.Fields("ledger.Statement", apperr.Field("account", "invalid", err.Error(), "账户名称无效"))
	}
	switch {
	case staff(actor):
		return nil
	case info.OrgID != "" && actor.MemberOf(info.OrgID):
		return nil
	case info.ContractID != "":
		return s.canSeeContract(ctx, actor, info.ContractID)
	}
	return denied("ledger", actor, "this account belongs to someone else")
}

func (s *Service) canSeeContract(ctx context.Context, actor domain.Actor, contractID string) error {
	if staff(actor) {
		return nil
	}
	a, err := s.agreement(ctx, contractID)
	if err != nil {
		return err
	}
	orgs := []string{a.Terms.BuyerOrg, a.Terms.SellerOrg}
	for _, b := range a.Terms.Brokers {
		orgs = append(orgs, b.OrgID)
	}
	for _, o := range orgs {
		if actor.MemberOf(o) {
			return nil
		}
	}
	// Not a party: say the contract does not exist rather than that it is hidden.
	return apperr.E("ledger", apperr.NotFound, "no settlement terms for this contract")
}

// Balance is an account's balance: the sum of its balance rows (shards).
func (s *Service) Balance(ctx context.Context, actor domain.Actor, account string) (domain.Fen, error) {
	if err := s.canSeeAccount(ctx, actor, account); err != nil {
		return 0, err
	}
	return balanceOf(ctx, s.db, account)
}

func balanceOf(ctx context.Context, q store.Querier, account string) (domain.Fen, error) {
	var b int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(balance_fen), 0) FROM ledger_balances WHERE account = ?`, account).Scan(&b); err != nil {
		return 0, fmt.Errorf("read balance: %w", err)
	}
	return domain.Fen(b), nil
}

// AccountBalance is one account and its balance.
type AccountBalance struct {
	Account string     `json:"account"`
	Balance domain.Fen `json:"balance_fen"`
}

// OrgBalances lists the balances of an organisation's own accounts (party and broker).
func (s *Service) OrgBalances(ctx context.Context, actor domain.Actor, orgID string) ([]AccountBalance, error) {
	if !actor.MemberOf(orgID) && !staff(actor) {
		return nil, denied("ledger.OrgBalances", actor, "not a member of this organisation")
	}
	out := []AccountBalance{}
	for _, acct := range []string{PartyAvailable(orgID), InventorRewards(orgID), BrokerCommission(orgID), BrokerReceivable(orgID)} {
		var b int64
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(balance_fen), 0), COUNT(*) FROM ledger_balances WHERE account = ?`,
			acct).Scan(&b, &n); err != nil {
			return nil, fmt.Errorf("read balances: %w", err)
		}
		if n > 0 {
			out = append(out, AccountBalance{acct, domain.Fen(b)})
		}
	}
	return out, nil
}

// Agreement returns a contract's terms, totals and milestones.
func (s *Service) Agreement(ctx context.Context, actor domain.Actor, contractID string) (Agreement, error) {
	if err := s.canSeeContract(ctx, actor, contractID); err != nil {
		return Agreement{}, err
	}
	return s.agreement(ctx, contractID)
}

func (s *Service) agreement(ctx context.Context, contractID string) (Agreement, error) {
	var a Agreement
	var raw string
	var price, held, released, eref, cref int64
	err := s.db.QueryRow(ctx, `SELECT terms, price_fen, held_fen, released_fen, escrow_refunded_fen, clawback_refunded_fen,
		created_at FROM ledger_contracts WHERE id = ?`, contractID).Scan(&raw, &price, &held, &released, &eref, &cref,
		store.Time(&a.CreatedAt))
	if store.IsNoRows(err) {
		return a, apperr.E("ledger", apperr.NotFound, "no settlement terms for this contract")
	}
	if err != nil {
		return a, fmt.Errorf("read agreement: %w", err)
	}
	t, err := s.e.parsedTerms(contractID, raw)
	if err != nil {
		return a, err
	}
	a.Terms = *t
	a.Price, a.Held, a.Released = domain.Fen(price), domain.Fen(held), domain.Fen(released)
	a.EscrowRefunded, a.ClawbackRefunded = domain.Fen(eref), domain.Fen(cref)
	if a.Escrow, err = balanceOf(ctx, s.db, Escrow(contractID)); err != nil {
		return a, err
	}
	rows, err := s.db.Query(ctx, `SELECT seq, title, amount_fen, status, delivered_at, deemed_at, released_fen, refunded_fen,
		COALESCE(release_tx, '') FROM ledger_milestones WHERE contract_id = ? ORDER BY seq`, contractID)
	if err != nil {
		return a, fmt.Errorf("read milestones: %w", err)
	}
	defer rows.Close()
	a.Milestones = []Milestone{}
	for rows.Next() {
		var m Milestone
		if err := rows.Scan(&m.Seq, &m.Title, &m.Amount, &m.Status, store.NullTime(&m.DeliveredAt), store.NullTime(&m.DeemedAt),
			&m.Released, &m.Refunded, &m.ReleaseTx); err != nil {
			return a, fmt.Errorf("read milestones: %w", err)
		}
		a.Milestones = append(a.Milestones, m)
	}
	return a, rows.Err()
}

// StatementLine is one posting as seen from the account.
type StatementLine struct {
	TxID         string     `json:"tx_id"`
	At           time.Time  `json:"at"`
	Kind         string     `json:"kind"`
	ContractID   string     `json:"contract_id,omitempty"`
	Counterparty string     `json:"counterparty"`
	Debit        domain.Fen `json:"debit_fen"`  // money out of the account
	Credit       domain.Fen `json:"credit_fen"` // money into the account
	Balance      domain.Fen `json:"balance_fen"`
	Memo         string     `json:"memo,omitempty"`
}

// Statement is an account's movements over [From, To).
type Statement struct {
	Account   string          `json:"account"`
	From      time.Time       `json:"from"`
	To        time.Time       `json:"to"`
	Opening   domain.Fen      `json:"opening_fen"`
	Closing   domain.Fen      `json:"closing_fen"`
	Debits    domain.Fen      `json:"debits_fen"`
	Credits   domain.Fen      `json:"credits_fen"`
	Lines     []StatementLine `json:"lines"`
	Truncated bool            `json:"truncated"` // more than MaxStatementLines; narrow the period
}

// MaxStatementLines bounds one statement.
const MaxStatementLines = 10000

// Statement lists an account's postings over [from, to) with running balances.
// A zero to means now.
func (s *Service) Statement(ctx context.Context, actor domain.Actor, account string, from, to time.Time) (Statement, error) {
	if err := s.canSeeAccount(ctx, actor, account); err != nil {
		return Statement{}, err
	}
	if to.IsZero() {
		to = s.now().Add(time.Second)
	}
	st := Statement{Account: account, From: from.UTC(), To: to.UTC(), Lines: []StatementLine{}}
	var in, out int64
	err := s.db.QueryRow(ctx, `SELECT
		COALESCE((SELECT SUM(amount_fen) FROM ledger_postings WHERE destination = ? AND recorded_at < ?), 0),
		COALESCE((SELECT SUM(amount_fen) FROM ledger_postings WHERE source = ? AND recorded_at < ?), 0)`,
		account, from, account, from).Scan(&in, &out)
	if err != nil {
		return st, fmt.Errorf("statement opening balance: %w", err)
	}
	st.Opening = domain.Fen(in - out)
	rows, err := s.db.Query(ctx, `SELECT p.tx_id, p.recorded_at, t.kind, COALESCE(t.contract_id, ''), p.source, p.destination,
		p.amount_fen, t.memo
		FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.tx_id
		WHERE (p.source = ? OR p.destination = ?) AND p.recorded_at >= ? AND p.recorded_at < ?
		ORDER BY p.recorded_at, p.tx_id, p.idx LIMIT ?`, account, account, from, to, MaxStatementLines+1)
	if err != nil {
		return st, fmt.Errorf("statement: %w", err)
	}
	defer rows.Close()
	bal := st.Opening
	for rows.Next() {
		var l StatementLine
		var src, dst string
		var amt domain.Fen
		if err := rows.Scan(&l.TxID, store.Time(&l.At), &l.Kind, &l.ContractID, &src, &dst, &amt, &l.Memo); err != nil {
			return st, fmt.Errorf("statement: %w", err)
		}
		if len(st.Lines) == MaxStatementLines {
			st.Truncated = true
			break
		}
		if src == account {
			l.Debit, l.Counterparty = amt, dst
			bal -= amt
			st.Debits += amt
		} else {
			l.Credit, l.Counterparty = amt, src
			bal += amt
			st.Credits += amt
		}
		l.Balance = bal
		st.Lines = append(st.Lines, l)
	}
	st.Closing = bal
	return st, rows.Err()
}

// TimelineEvent is one step in a contract's settlement.
type TimelineEvent struct {
	At           time.Time  `json:"at"`
	Kind         string     `json:"kind"`
	MilestoneSeq int        `json:"milestone_seq,omitempty"`
	Amount       domain.Fen `json:"amount_fen"`
	EscrowAfter  domain.Fen `json:"escrow_after_fen"`
	TxID         string     `json:"tx_id"`
	ActorID      string     `json:"actor_id"`
	Memo         string     `json:"memo,omitempty"`
	Postings     []Posting  `json:"postings"`
}

// Timeline is a contract's settlement history, its current state and its invoices.
type Timeline struct {
	Agreement Agreement        `json:"agreement"`
	Events    []TimelineEvent  `json:"events"`
	Invoices  []RoyaltyInvoice `json:"invoices"`
}

// Timeline lists a contract's journalled commands in order, with the escrow
// balance after each.
func (s *Service) Timeline(ctx context.Context, actor domain.Actor, contractID string) (Timeline, error) {
	a, err := s.Agreement(ctx, actor, contractID)
	if err != nil {
		return Timeline{}, err
	}
	tl := Timeline{Agreement: a, Events: []TimelineEvent{}}
	rows, err := s.db.Query(ctx, `SELECT `+txColumns+` FROM ledger_transactions WHERE contract_id = ? ORDER BY recorded_at, id`, contractID)
	if err != nil {
		return tl, fmt.Errorf("timeline: %w", err)
	}
	var txs []Transaction
	for rows.Next() {
		t, err := scanTx(rows)
		if err != nil {
			rows.Close()
			return tl, fmt.Errorf("timeline: %w", err)
		}
		txs = append(txs, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tl, err
	}
	// Auction deposits applied to this contract are journalled under the contract too.
	ids := make([]string, len(txs))
	for i, t := range txs {
		ids[i] = t.ID
	}
	posts, err := postingsOf(ctx, s.db, ids)
	if err != nil {
		return tl, err
	}
	escrow := Escrow(contractID)
	var bal domain.Fen
	for _, t := range txs {
		ev := TimelineEvent{At: t.RecordedAt, Kind: t.Kind, MilestoneSeq: t.MilestoneSeq, Amount: t.Amount, TxID: t.ID,
			ActorID: t.ActorID, Memo: t.Memo, Postings: append([]Posting{}, posts[t.ID]...)}
		for _, p := range ev.Postings {
			if p.Destination == escrow {
				bal += p.Amount
			}
			if p.Source == escrow {
				bal -= p.Amount
			}
		}
		ev.EscrowAfter = bal
		tl.Events = append(tl.Events, ev)
	}
	if tl.Invoices, err = queryInvoices(ctx, s.db, "contract_id = ?", contractID); err != nil {
		return tl, err
	}
	return tl, nil
}

// PendingAction is something a party should do next.
type PendingAction struct {
	Kind       string     `json:"kind"` // fund_escrow, deliver, accept, resolve_dispute, pay_invoice, report_royalty
	Role       string     `json:"role"` // the party's role in the contract: buyer, seller
	ContractID string     `json:"contract_id"`
	Seq        int        `json:"milestone_seq,omitempty"`
	InvoiceID  string     `json:"invoice_id,omitempty"`
	Amount     domain.Fen `json:"amount_fen"`
	Due        *time.Time `json:"due,omitempty"`
	Period     string     `json:"period,omitempty"` // report_royalty: the dates to report, "from/to"
	Note       string     `json:"note"`
}

// PendingActions lists what an organisation should do next across its contracts:
// as buyer, fund escrow, accept or dispute deliveries (before they are deemed
// accepted) and pay royalty invoices; as seller, deliver funded milestones and
// answer disputes.
func (s *Service) PendingActions(ctx context.Context, actor domain.Actor, orgID string) ([]PendingAction, error) {
	if !actor.MemberOf(orgID) && !staff(actor) {
		return nil, denied("ledger.PendingActions", actor, "not a member of this organisation")
	}
	out := []PendingAction{}
	rows, err := s.db.Query(ctx, `SELECT c.id, c.buyer_org, c.price_fen, c.held_fen, m.seq, m.amount_fen, m.status, m.deemed_at,
		c.held_fen - c.escrow_refunded_fen - (SELECT COALESCE(SUM(m2.amount_fen), 0) FROM ledger_milestones m2
			WHERE m2.contract_id = c.id AND m2.seq < m.seq AND m2.status <> 'released') - c.released_fen
		FROM ledger_contracts c JOIN ledger_milestones m ON m.contract_id = c.id
		WHERE (c.buyer_org = ? OR c.seller_org = ?) AND m.status <> 'released'
		ORDER BY c.id, m.seq LIMIT 5000`, orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("pending actions: %w", err)
	}
	fundAsked := map[string]bool{}
	for rows.Next() {
		var id, buyer, status string
		var price, held, seq, amount, coverLeft int64
		var deemed *time.Time
		if err := rows.Scan(&id, &buyer, &price, &held, &seq, &amount, &status, store.NullTime(&deemed), &coverLeft); err != nil {
			rows.Close()
			return nil, fmt.Errorf("pending actions: %w", err)
		}
		isBuyer := buyer == orgID
		funded := coverLeft >= amount // escrow left after earlier open milestones covers this one
		switch {
		case isBuyer && !funded && !fundAsked[id]:
			fundAsked[id] = true
			out = append(out, PendingAction{Kind: "fund_escrow", Role: "buyer", ContractID: id, Seq: int(seq),
				Amount: domain.Fen(min(amount-max(coverLeft, 0), price-held)), Note: "escrow does not cover the next milestone"})
		case isBuyer && status == MilestoneDelivered:
			out = append(out, PendingAction{Kind: "accept", Role: "buyer", ContractID: id, Seq: int(seq), Amount: domain.Fen(amount),
				Due: deemed, Note: "accept or dispute before it is deemed accepted"})
		case !isBuyer && status == MilestonePending && funded:
			out = append(out, PendingAction{Kind: "deliver", Role: "seller", ContractID: id, Seq: int(seq), Amount: domain.Fen(amount),
				Note: "funded in escrow; deliver to get paid"})
		case !isBuyer && status == MilestoneDisputed:
			out = append(out, PendingAction{Kind: "resolve_dispute", Role: "seller", ContractID: id, Seq: int(seq),
				Amount: domain.Fen(amount), Note: "the buyer disputed the delivery; deliver again or agree a refund"})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	invRows, err := s.db.Query(ctx, `SELECT i.id, i.contract_id, i.amount_fen, i.due_date FROM ledger_royalty_invoices i
		JOIN ledger_contracts c ON c.id = i.contract_id WHERE c.buyer_org = ? AND i.paid_tx IS NULL ORDER BY i.due_date, i.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("pending invoices: %w", err)
	}
	defer invRows.Close()
	for invRows.Next() {
		var a PendingAction
		var due string
		if err := invRows.Scan(&a.InvoiceID, &a.ContractID, &a.Amount, store.Date(&due)); err != nil {
			return nil, fmt.Errorf("pending invoices: %w", err)
		}
		d, _ := parseDate(due)
		a.Kind, a.Role, a.Due, a.Note = "pay_invoice", "buyer", &d, "royalty invoice"
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ContractID < out[j].ContractID })
	return out, invRows.Err()
}
