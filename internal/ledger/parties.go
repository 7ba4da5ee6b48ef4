package ledger

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Read models for the parties' screens (the API, the web pages and the CLI
// client): the contracts an organisation settles, what it should do next
// (including royalty reports falling due), and for bank officers the bank lines
// reconciliation could not place.

// ContractSummary is one contract as listed for a party.
type ContractSummary struct {
	ContractID string     `json:"contract_id"`
	Role       string     `json:"role"` // the organisation's side: buyer or seller; "" for staff listings
	BuyerOrg   string     `json:"buyer_org"`
	SellerOrg  string     `json:"seller_org"`
	Price      domain.Fen `json:"price_fen"`
	Held       domain.Fen `json:"held_fen"`
	Released   domain.Fen `json:"released_fen"`
	Refunded   domain.Fen `json:"refunded_fen"`
	CreatedAt  time.Time  `json:"created_at"`
}

// MaxContractsListed bounds one contract listing.
const MaxContractsListed = 1000

// Contracts lists the contracts an organisation is buyer or seller of, newest
// first. Staff may list any organisation's, or every contract with orgID "".
func (s *Service) Contracts(ctx context.Context, actor domain.Actor, orgID string) ([]ContractSummary, error) {
	const op = "ledger.Contracts"
	if orgID == "" && !staff(actor) || orgID != "" && !actor.MemberOf(orgID) && !staff(actor) {
		return nil, denied(op, actor, "not a member of this organisation")
	}
	where, args := "1 = 1", []any{}
	if orgID != "" {
		where, args = "(buyer_org = ? OR seller_org = ?)", []any{orgID, orgID}
	}
	rows, err := s.db.Query(ctx, `SELECT id, buyer_org, seller_org, price_fen, held_fen, released_fen,
		escrow_refunded_fen + clawback_refunded_fen, created_at FROM ledger_contracts WHERE `+where+`
		ORDER BY created_at DESC, id LIMIT ?`, append(args, MaxContractsListed)...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	out := []ContractSummary{}
	for rows.Next() {
		var c ContractSummary
		if err := rows.Scan(&c.ContractID, &c.BuyerOrg, &c.SellerOrg, &c.Price, &c.Held, &c.Released, &c.Refunded,
			store.Time(&c.CreatedAt)); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		switch orgID {
		case "":
		case c.BuyerOrg:
			c.Role = "buyer"
		default:
			c.Role = "seller"
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UnmatchedLine is a bank statement line reconciliation could not place.
type UnmatchedLine struct {
	StatementID   string `json:"statement_id"`
	StatementName string `json:"statement_name"`
	BankLine
}

// MaxUnmatchedListed bounds the unmatched lines listed at once.
const MaxUnmatchedListed = 500

// UnmatchedBankLines lists imported bank lines that matched no ledger movement,
// oldest value date first. Bank officers and operators only.
func (s *Service) UnmatchedBankLines(ctx context.Context, actor domain.Actor) ([]UnmatchedLine, error) {
	const op = "ledger.UnmatchedBankLines"
	if !staff(actor) {
		return nil, denied(op, actor, "only a bank officer or operator sees bank lines")
	}
	rows, err := s.db.Query(ctx, `SELECT l.statement_id, s.name, l.line_no, l.value_date, l.bank_ref, l.direction, l.amount_fen,
		l.counterparty, l.memo FROM ledger_bank_lines l JOIN ledger_bank_statements s ON s.id = l.statement_id
		WHERE l.matched_tx IS NULL ORDER BY l.value_date, l.statement_id, l.line_no LIMIT ?`, MaxUnmatchedListed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	out := []UnmatchedLine{}
	for rows.Next() {
		var u UnmatchedLine
		if err := rows.Scan(&u.StatementID, &u.StatementName, &u.LineNo, store.Date(&u.ValueDate), &u.BankRef, &u.Direction,
			&u.Amount, &u.Counterparty, &u.Memo); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// RoyaltyReportWindow is how long before the end of a licence year its report
// is listed as due; the report that ends the year settles the minimum royalty.
const RoyaltyReportWindow = 30 * 24 * time.Hour

// royaltyReportsDue lists, for the licensee, the contracts whose sales have not
// been reported through a licence year that has ended or ends within
// RoyaltyReportWindow: the period to report and the year's end as due date.
func (s *Service) royaltyReportsDue(ctx context.Context, orgID string) ([]PendingAction, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, c.terms, (SELECT MAX(r.period_end) FROM ledger_royalty_reports r
		WHERE r.contract_id = c.id) FROM ledger_contracts c WHERE c.buyer_org = ? ORDER BY c.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("royalty reports due: %w", err)
	}
	type row struct{ id, terms, through string }
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.terms, store.Date(&r.through)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("royalty reports due: %w", err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	out := []PendingAction{}
	for _, r := range list {
		t, err := s.e.parsedTerms(r.id, r.terms)
		if err != nil {
			return nil, err
		}
		if t.Royalty == nil {
			continue
		}
		start, err := parseDate(t.Royalty.StartDate)
		if err != nil {
			continue
		}
		next := start
		if r.through != "" {
			if d, err := parseDate(r.through); err == nil {
				next = d.AddDate(0, 0, 1)
			}
		}
		_, _, yearEnd := licenceYear(start, next)
		if !next.Before(today) || yearEnd.Sub(today) > RoyaltyReportWindow {
			continue
		}
		due := yearEnd
		out = append(out, PendingAction{Kind: "report_royalty", Role: "buyer", ContractID: r.id, Due: &due,
			Period: next.Format(dateLayout) + "/" + yearEnd.Format(dateLayout),
			Note:   "report the licensed sales from " + next.Format(dateLayout) + " to the end of the licence year"})
	}
	return out, nil
}

// Pending is everything waiting for the caller: the organisation's actions and,
// for bank officers and operators, the bank lines reconciliation left unmatched.
type Pending struct {
	OrgID         string          `json:"org_id,omitempty"`
	Actions       []PendingAction `json:"actions"`
	UnmatchedBank []UnmatchedLine `json:"unmatched_bank"`
}

// PendingFor combines PendingActions, the royalty reports falling due and, for
// staff, the unmatched bank lines. orgID may be "" for staff without an
// organisation's view.
func (s *Service) PendingFor(ctx context.Context, actor domain.Actor, orgID string) (Pending, error) {
	p := Pending{OrgID: orgID, Actions: []PendingAction{}, UnmatchedBank: []UnmatchedLine{}}
	if orgID == "" && !staff(actor) {
		return p, denied("ledger.PendingFor", actor, "name your organisation")
	}
	if orgID != "" {
		acts, err := s.PendingActions(ctx, actor, orgID)
		if err != nil {
			return p, err
		}
		due, err := s.royaltyReportsDue(ctx, orgID)
		if err != nil {
			return p, err
		}
		p.Actions = append(acts, due...)
		sort.SliceStable(p.Actions, func(i, j int) bool { return p.Actions[i].ContractID < p.Actions[j].ContractID })
	}
	if staff(actor) {
		lines, err := s.UnmatchedBankLines(ctx, actor)
		if err != nil {
			return p, err
		}
		p.UnmatchedBank = lines
	}
	return p, nil
}

// Page cuts one page (from 1) out of a statement's lines, oldest first; the
// opening, closing and totals stay those of the whole period.
func (st Statement) Page(page, perPage int) Statement {
	if page < 1 || perPage < 1 {
		return st
	}
	start := min((page-1)*perPage, len(st.Lines))
	end := min(start+perPage, len(st.Lines))
	out := st
	out.Lines = append([]StatementLine{}, st.Lines[start:end]...)
	return out
}

// ViewOrg is the organisation whose ledger a caller sees when it names none:
// staff see the platform as a whole (""), everyone else their first organisation.
func ViewOrg(actor domain.Actor, requested string) string {
	if requested != "" || staff(actor) || len(actor.Roles) == 0 {
		return requested
	}
	return actor.Roles[0].OrgID
}

// IsStaff reports whether the actor sees every account (operators, bank officers).
func IsStaff(actor domain.Actor) bool { return staff(actor) }

// Accounts lists an organisation's accounts with their balances; with orgID ""
// staff get the platform's own accounts (bank clearing, fees, forfeits).
func (s *Service) Accounts(ctx context.Context, actor domain.Actor, orgID string) ([]AccountBalance, error) {
	if orgID != "" {
		return s.OrgBalances(ctx, actor, orgID)
	}
	if !staff(actor) {
		return nil, denied("ledger.Accounts", actor, "name your organisation")
	}
	out := []AccountBalance{}
	for _, acct := range []string{AccountBankClearing, AccountPlatformFees, AccountPlatformForfeits} {
		b, err := balanceOf(ctx, s.db, acct)
		if err != nil {
			return nil, err
		}
		out = append(out, AccountBalance{Account: acct, Balance: b})
	}
	return out, nil
}
