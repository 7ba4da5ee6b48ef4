package ledger_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// The parties' read models: contracts per organisation, royalty reports that
// fall due, unmatched bank lines for staff, platform accounts, statement pages.
func TestPartyReadModels(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := newLedger(t, db, ledger.Config{}) // 2026-03-02
		lic := member("lic1", domain.RoleBuyer)
		must(s.RegisterAgreement(ctx, operator, "agr", ledger.AgreementInput{ContractID: "lic-1", BuyerOrg: "lic1", SellerOrg: "inst1",
			Milestones: []ledger.MilestoneInput{{Title: "m", Amount: 1_000_00}},
			Royalty:    &ledger.RoyaltyTerms{StartDate: "2025-04-01", Tiers: []ledger.RoyaltyTier{{RateBps: 500}}}}))(t)

		list := must(s.Contracts(ctx, lic, "lic1"))(t)
		if len(list) != 1 || list[0].Role != "buyer" || list[0].Price != 1_000_00 {
			t.Fatalf("licensee's contracts %+v", list)
		}
		if seller := must(s.Contracts(ctx, member("inst1", domain.RoleSeller), "inst1"))(t); len(seller) != 1 || seller[0].Role != "seller" {
			t.Fatalf("seller's contracts %+v", seller)
		}
		_, err := s.Contracts(ctx, lic, "inst1")
		wantKind(t, err, apperr.Forbidden)
		_, err = s.Contracts(ctx, lic, "")
		wantKind(t, err, apperr.Forbidden)
		if all := must(s.Contracts(ctx, operator, ""))(t); len(all) != 1 {
			t.Fatalf("operator's contracts %+v", all)
		}

		// Licence year 1 ends 2026-03-31, within 30 days: the report is due.
		due := func() []ledger.PendingAction {
			var out []ledger.PendingAction
			for _, a := range must(s.PendingFor(ctx, lic, "lic1"))(t).Actions {
				if a.Kind == "report_royalty" {
					out = append(out, a)
				}
			}
			return out
		}
		d := due()
		if len(d) != 1 || d[0].Period != "2025-04-01/2026-03-31" || d[0].Due.Format("2006-01-02") != "2026-03-31" {
			t.Fatalf("royalty report due %+v", d)
		}
		must2(s.ReportRoyalty(ctx, lic, "r1", ledger.RoyaltyReport{ContractID: "lic-1", PeriodStart: "2025-04-01",
			PeriodEnd: "2026-02-28", Sales: 100_00}))(t)
		if d = due(); len(d) != 1 || !strings.HasPrefix(d[0].Period, "2026-03-01/") {
			t.Fatalf("after a report through February: %+v", d)
		}
		must2(s.ReportRoyalty(ctx, lic, "r2", ledger.RoyaltyReport{ContractID: "lic-1", PeriodStart: "2026-03-01",
			PeriodEnd: "2026-03-31", Sales: 100_00}))(t)
		if d = due(); len(d) != 0 {
			t.Fatalf("year reported, still due: %+v", d)
		}
		clk.add(300 * 24 * time.Hour) // 2026-12-27: year 2 ends 2027-03-31, more than 30 days away
		if d = due(); len(d) != 0 {
			t.Fatalf("not yet due: %+v", d)
		}
		clk.add(80 * 24 * time.Hour)
		if d = due(); len(d) != 1 || d[0].Period != "2026-04-01/2027-03-31" {
			t.Fatalf("year 2 due: %+v", d)
		}
		_, err = s.PendingFor(ctx, member("other", domain.RoleBuyer), "lic1")
		wantKind(t, err, apperr.Forbidden)

		// Staff: platform accounts and unmatched bank lines.
		must(s.DepositFromBank(ctx, bankOfficer, "dep", ledger.BankNotice{BankRef: "R1", OrgID: "lic1", Amount: 5_00}))(t)
		day := clk.t.Format("2006-01-02")
		must(s.Reconcile(ctx, bankOfficer, "st.csv", strings.NewReader("value_date,bank_ref,direction,amount\n"+
			day+",R1,in,5.00\n"+day+",R9,out,7.00\n")))(t)
		lines := must(s.UnmatchedBankLines(ctx, bankOfficer))(t)
		if len(lines) != 1 || lines[0].BankRef != "R9" || lines[0].Amount != 7_00 || lines[0].StatementName != "st.csv" {
			t.Fatalf("unmatched lines %+v", lines)
		}
		if p := must(s.PendingFor(ctx, bankOfficer, ""))(t); len(p.UnmatchedBank) != 1 || len(p.Actions) != 0 {
			t.Fatalf("bank officer's pending %+v", p)
		}
		_, err = s.UnmatchedBankLines(ctx, lic)
		wantKind(t, err, apperr.Forbidden)
		accts := must(s.Accounts(ctx, operator, ""))(t)
		if len(accts) != 3 || accts[0].Account != ledger.AccountBankClearing || accts[0].Balance != -5_00 {
			t.Fatalf("platform accounts %+v", accts)
		}
		_, err = s.Accounts(ctx, lic, "")
		wantKind(t, err, apperr.Forbidden)
		if got := ledger.ViewOrg(lic, ""); got != "lic1" {
			t.Errorf("ViewOrg = %q", got)
		}

		st := must(s.Statement(ctx, lic, ledger.PartyAvailable("lic1"), time.Time{}, time.Time{}))(t)
		if pg := st.Page(2, 1); len(pg.Lines) != 0 || pg.Closing != st.Closing {
			t.Fatalf("page past the end %+v", pg)
		}
		if pg := st.Page(1, 1); len(pg.Lines) != 1 || pg.Lines[0].Credit != 5_00 {
			t.Fatalf("first page %+v", pg)
		}
	})
}

func must2[A, B any](a A, b B, err error) func(t *testing.T) A {
	return func(t *testing.T) A {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return a
	}
}
