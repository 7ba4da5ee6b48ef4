package ledger

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Royalties: the licensee reports net sales per period; each report is stored
// and, outside the free period, invoiced. Payment of an invoice is a settlement
// like a milestone release (fee, commissions, inventor share, seller).
//
//   - Licence years run from RoyaltyTerms.StartDate. A report covers a period
//     inside one licence year and may not overlap another report.
//   - Use first, pay later: periods ending before StartDate + FreeMonths are
//     royalty-free (sales still reported); a report may not straddle that date.
//   - The royalty owed on a year's cumulative chargeable sales x is
//     R(x) = floor(Σ tier rate × part of x in the tier / 10000). A report adding
//     sales S to earlier sales C is invoiced R(C+S) − R(C), so however a year is
//     cut into periods, its invoices sum to R(year's sales) exactly.
//   - The report that ends a licence year also settles the minimum annual
//     royalty: a top-up invoice for max(0, minimum × chargeable days / days in
//     the year − royalties invoiced for the year). Years wholly inside the free
//     period owe no minimum.
//   - The entry fee is invoiced when the terms are registered, due PaymentDays
//     after the free period ends (after the start date when there is none).

// cumulativeRoyalty is R(x) for a tier schedule.
func cumulativeRoyalty(x int64, tiers []RoyaltyTier) int64 {
	var lower int64
	sum := new(big.Int)
	for _, t := range tiers {
		upper := int64(t.UpTo)
		if upper == 0 || upper > x {
			upper = x
		}
		if upper > lower {
			part := new(big.Int).Mul(big.NewInt(upper-lower), big.NewInt(int64(t.RateBps)))
			sum.Add(sum, part)
		}
		if t.UpTo == 0 || int64(t.UpTo) >= x {
			break
		}
		lower = int64(t.UpTo)
	}
	return sum.Div(sum, big.NewInt(BpsWhole)).Int64()
}

// RoyaltyDue is the royalty on sales added to earlier cumulative sales in the
// same licence year: R(earlier+sales) − R(earlier).
func RoyaltyDue(earlier, sales domain.Fen, tiers []RoyaltyTier) domain.Fen {
	return domain.Fen(cumulativeRoyalty(int64(earlier+sales), tiers) - cumulativeRoyalty(int64(earlier), tiers))
}

// licenceYear returns the 0-based licence year containing d and its bounds
// (inclusive start and end dates).
func licenceYear(start, d time.Time) (year int, from, to time.Time) {
	year = d.Year() - start.Year()
	for year > 0 && start.AddDate(year, 0, 0).After(d) {
		year--
	}
	for !start.AddDate(year+1, 0, 0).After(d) {
		year++
	}
	from = start.AddDate(year, 0, 0)
	to = start.AddDate(year+1, 0, -1)
	return year, from, to
}

func freeUntil(r *RoyaltyTerms) time.Time {
	start, _ := parseDate(r.StartDate)
	return start.AddDate(0, r.FreeMonths, 0)
}

func entryFeeDue(r *RoyaltyTerms) string {
	return freeUntil(r).AddDate(0, 0, r.PaymentDays).Format(dateLayout)
}

// minimumFor is the minimum royalty owed for licence year [from, to], pro rata
// to the days outside the free period.
func minimumFor(r *RoyaltyTerms, from, to time.Time) int64 {
	if r.MinimumAnnual == 0 {
		return 0
	}
	free := freeUntil(r)
	chargeFrom := from
	if free.After(chargeFrom) {
		chargeFrom = free
	}
	if chargeFrom.After(to) {
		return 0
	}
	days := int64(to.Sub(chargeFrom).Hours()/24) + 1
	yearDays := int64(to.Sub(from).Hours()/24) + 1
	v := new(big.Int).Mul(big.NewInt(int64(r.MinimumAnnual)), big.NewInt(days))
	return v.Div(v, big.NewInt(yearDays)).Int64()
}

// issueInvoice queues a new invoice created by transaction t.
func (w *world) issueInvoice(t *Transaction, contractID, reportID, kind string, year int, base, amount int64, due string) *invoiceState {
	inv := &invoiceState{RoyaltyInvoice: RoyaltyInvoice{ID: domain.NewID(), ContractID: contractID, Kind: kind,
		LicenceYear: year, Base: domain.Fen(base), Amount: domain.Fen(amount), DueDate: due, IssuedTx: t.ID,
		IssuedAt: t.RecordedAt}, reportID: reportID}
	w.newInvs = append(w.newInvs, inv)
	return inv
}

// ReportRoyalty records a licensee's sales report and issues the invoices it
// triggers; it returns the journal transaction and those invoices.
func (s *Service) ReportRoyalty(ctx context.Context, actor domain.Actor, key string, in RoyaltyReport) (Transaction, []RoyaltyInvoice, error) {
	const op = "ledger.ReportRoyalty"
	var l apperr.FieldList
	if !validID(in.ContractID) {
		l.Add("contract_id", "invalid", "unknown contract id", "合同编号无效")
	}
	ps, err1 := parseDate(in.PeriodStart)
	pe, err2 := parseDate(in.PeriodEnd)
	if err1 != nil {
		l.Add("period_start", "invalid", "a date YYYY-MM-DD is required", "须为 YYYY-MM-DD 格式的日期")
	}
	if err2 != nil {
		l.Add("period_end", "invalid", "a date YYYY-MM-DD is required", "须为 YYYY-MM-DD 格式的日期")
	}
	if err1 == nil && err2 == nil && pe.Before(ps) {
		l.Add("period_end", "before_start", "the period ends before it starts", "期末早于期初")
	}
	if in.Sales < 0 || in.Sales > MaxAmount {
		l.Add("sales_fen", "out_of_range", "between 0 and 10 trillion yuan", "须在 0 到十万亿元之间")
	}
	if err := l.Err(op); err != nil {
		return Transaction{}, nil, err
	}
	c, err := newCmd(op, KindRoyaltyReport, actor, key, in)
	if err != nil {
		return Transaction{}, nil, err
	}
	id := in.ContractID
	c.route, c.solo, c.contracts = id, true, []string{id}
	c.exec = func(ctx context.Context, w *world) error {
		cs := w.contracts[id]
		if cs == nil {
			return apperr.E(op, apperr.NotFound, "no settlement terms for this contract")
		}
		r := cs.terms.Royalty
		if r == nil {
			return apperr.E(op, apperr.Conflict, "this contract has no royalty terms")
		}
		if !c.actor.HasRoleIn(cs.terms.BuyerOrg, domain.RoleBuyer) && !isOperator(c.actor) {
			return forbidden(op, "only the licensee reports its sales")
		}
		start, _ := parseDate(r.StartDate)
		if ps.Before(start) {
			return apperr.Fields(op, apperr.Field("period_start", "before_licence", "the period starts before the licence", "期初早于许可起始日"))
		}
		year, yFrom, yTo := licenceYear(start, ps)
		if pe.After(yTo) {
			return apperr.Fields(op, apperr.Field("period_end", "crosses_year", "a report must stay inside one licence year (ends "+yTo.Format(dateLayout)+")", "一份报告不能跨许可年度"))
		}
		free := freeUntil(r)
		if ps.Before(free) && !pe.Before(free) {
			return apperr.Fields(op, apperr.Field("period_end", "crosses_free_period", "a report may not straddle the end of the free period ("+free.Format(dateLayout)+")", "一份报告不能跨越免费期结束日"))
		}
		chargeable := !ps.Before(free)
		earlier, overlap, err := yearSales(ctx, w.q, id, year, in.PeriodStart, in.PeriodEnd)
		if err != nil {
			return err
		}
		if overlap {
			return apperr.E(op, apperr.Conflict, "a report already covers part of this period")
		}
		t := w.newTx(c)
		reportID := domain.NewID()
		t.ContractID, t.RefID = id, reportID
		var issued []*invoiceState
		if chargeable {
			if due := RoyaltyDue(domain.Fen(earlier), in.Sales, r.Tiers); due > 0 {
				issued = append(issued, w.issueInvoice(t, id, reportID, InvoiceRoyalty, year, int64(in.Sales), int64(due),
					pe.AddDate(0, 0, r.PaymentDays).Format(dateLayout)))
			}
		}
		if pe.Equal(yTo) {
			invoiced, err := yearRoyaltiesInvoiced(ctx, w.q, id, year)
			if err != nil {
				return err
			}
			for _, inv := range issued {
				invoiced += int64(inv.Amount)
			}
			if topUp := minimumFor(r, yFrom, yTo) - invoiced; topUp > 0 {
				issued = append(issued, w.issueInvoice(t, id, reportID, InvoiceMinimumTopUp, year, 0, topUp,
					pe.AddDate(0, 0, r.PaymentDays).Format(dateLayout)))
			}
		}
		for _, inv := range issued {
			t.Amount += inv.Amount
		}
		return w.accept(c, t, func() {
			w.reports = append(w.reports, reportRow{id: reportID, contractID: id, year: year, periodStart: in.PeriodStart,
				periodEnd: in.PeriodEnd, sales: int64(in.Sales), chargeable: chargeable, txID: t.ID, at: w.now})
		})
	}
	t, err := s.e.submit(ctx, c)
	if err != nil {
		return t, nil, err
	}
	invs, err := queryInvoices(ctx, s.db, "issued_tx = ?", t.ID)
	return t, invs, err
}

// yearSales sums earlier chargeable sales of a licence year and tells whether
// the period overlaps an existing report. Runs under the contract's lock.
func yearSales(ctx context.Context, q store.Querier, contractID string, year int, from, to string) (int64, bool, error) {
	var sum int64
	var overlaps int
	err := q.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN licence_year = ? AND chargeable THEN sales_fen ELSE 0 END), 0),
		COUNT(CASE WHEN period_start <= ? AND period_end >= ? THEN 1 END)
		FROM ledger_royalty_reports WHERE contract_id = ?`, year, to, from, contractID).Scan(&sum, &overlaps)
	if err != nil {
		return 0, false, fmt.Errorf("read royalty reports: %w", err)
	}
	return sum, overlaps > 0, nil
}

func yearRoyaltiesInvoiced(ctx context.Context, q store.Querier, contractID string, year int) (int64, error) {
	var sum int64
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_royalty_invoices
		WHERE contract_id = ? AND licence_year = ? AND kind IN ('royalty', 'minimum_topup')`, contractID, year).Scan(&sum)
	if err != nil {
		return 0, fmt.Errorf("read royalty invoices: %w", err)
	}
	return sum, nil
}

// PayRoyaltyInvoice pays an invoice from the licensee's available balance,
// split like a milestone release. An invoice is paid at most once.
func (s *Service) PayRoyaltyInvoice(ctx context.Context, actor domain.Actor, key, invoiceID string) (Transaction, error) {
	const op = "ledger.PayRoyaltyInvoice"
	if !validID(invoiceID) {
		return Transaction{}, apperr.Fields(op, apperr.Field("invoice_id", "invalid", "unknown invoice id", "账单编号无效"))
	}
	// An invoice never changes contract, so its contract can be read before locking.
	var contractID string
	err := s.db.QueryRow(ctx, `SELECT contract_id FROM ledger_royalty_invoices WHERE id = ?`, invoiceID).Scan(&contractID)
	if store.IsNoRows(err) {
		return Transaction{}, apperr.E(op, apperr.NotFound, "no such invoice")
	}
	if err != nil {
		return Transaction{}, fmt.Errorf("%s: %w", op, err)
	}
	c, err := newCmd(op, KindRoyaltyPayment, actor, key, struct {
		InvoiceID string `json:"invoice_id"`
	}{invoiceID})
	if err != nil {
		return Transaction{}, err
	}
	c.route, c.contracts, c.invoices = contractID, []string{contractID}, []string{invoiceID}
	c.accounts = func(w *world) []need {
		cs := w.contracts[contractID]
		if cs == nil {
			return nil
		}
		return releaseNeeds(cs.terms, PartyAvailable(cs.terms.BuyerOrg))
	}
	c.exec = func(ctx context.Context, w *world) error {
		cs, inv := w.contracts[contractID], w.invoices[invoiceID]
		if cs == nil || inv == nil {
			return apperr.E(op, apperr.NotFound, "no such invoice")
		}
		if !c.actor.HasRoleIn(cs.terms.BuyerOrg, domain.RoleBuyer) && !isOperator(c.actor) {
			return forbidden(op, "only the licensee pays its invoices")
		}
		if inv.PaidTx != "" {
			return apperr.E(op, apperr.Conflict, "the invoice is already paid")
		}
		t := w.newTx(c)
		t.ContractID, t.RefID, t.Amount = contractID, invoiceID, inv.Amount
		t.Postings = splitPostings(PartyAvailable(cs.terms.BuyerOrg), int64(inv.Amount), cs.terms)
		return w.accept(c, t, func() {
			at := w.now
			inv.PaidTx, inv.PaidAt, inv.dirty = t.ID, &at, true
		})
	}
	return s.e.submit(ctx, c)
}

func queryInvoices(ctx context.Context, q store.Querier, cond string, args ...any) ([]RoyaltyInvoice, error) {
	rows, err := q.Query(ctx, `SELECT id, contract_id, kind, licence_year, base_fen, amount_fen, due_date, issued_tx,
		issued_at, COALESCE(paid_tx, ''), paid_at FROM ledger_royalty_invoices WHERE `+cond+` ORDER BY issued_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read royalty invoices: %w", err)
	}
	defer rows.Close()
	out := []RoyaltyInvoice{}
	for rows.Next() {
		var inv RoyaltyInvoice
		if err := rows.Scan(&inv.ID, &inv.ContractID, &inv.Kind, &inv.LicenceYear, &inv.Base, &inv.Amount,
			store.Date(&inv.DueDate), &inv.IssuedTx, store.Time(&inv.IssuedAt), &inv.PaidTx, store.NullTime(&inv.PaidAt)); err != nil {
			return nil, fmt.Errorf("read royalty invoices: %w", err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}
