package ledger_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestReconcileBankStatement(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := newLedger(t, db, ledger.Config{}) // 2026-03-02
		must(s.DepositFromBank(ctx, bankOfficer, "d1", ledger.BankNotice{BankRef: "CR0001", OrgID: "orgA", Amount: 1_000_00}))(t)
		must(s.DepositFromBank(ctx, bankOfficer, "d2", ledger.BankNotice{BankRef: "CR0002", OrgID: "orgB", Amount: 2_500_50}))(t)
		must(s.DepositFromBank(ctx, bankOfficer, "d3", ledger.BankNotice{BankRef: "CR0003", OrgID: "orgC", Amount: 300_00}))(t)
		clk.add(24 * time.Hour)
		wd := must(s.Withdraw(ctx, member("orgA", domain.RoleBuyer), "w1", ledger.WithdrawalInput{Account: "party:orgA:available", Amount: 400_00}))(t)
		must(s.Withdraw(ctx, member("orgB", domain.RoleBuyer), "w2", ledger.WithdrawalInput{Account: "party:orgB:available", Amount: 77_00, BankRef: "PAYB"}))(t)

		csv := "\ufeffvalue_date,bank_ref,direction,amount,counterparty,memo\n" +
			"2026-03-02,CR0001,in,1000.00,甲公司,\n" + // by reference
			"2026-03-02,CR0002,in,2500.00,乙公司,\n" + // reference matches, amount differs → mismatch
			"2026-03-03,BK99812,out,400.00,甲公司,\"payout " + wd.BankRef + "\"\n" + // our reference in the memo
			"2026-03-04,BK99813,out,77.00,乙公司,\n" + // no reference: amount and date
			"2026-03-04,CR0099,in,12.34,unknown,\n" // not in the ledger
		rep := must(s.Reconcile(ctx, bankOfficer, "march.csv", strings.NewReader(csv)))(t)
		if len(rep.Matched) != 3 || rep.Matched[0].By != "reference" || rep.Matched[1].By != "reference" || rep.Matched[2].By != "amount_date" {
			t.Fatalf("matched = %+v", rep.Matched)
		}
		if len(rep.Mismatches) != 1 || rep.Mismatches[0].Line.BankRef != "CR0002" {
			t.Fatalf("mismatches = %+v", rep.Mismatches)
		}
		if len(rep.UnmatchedBank) != 2 || rep.UnmatchedBank[0].LineNo != 3 || rep.UnmatchedBank[1].BankRef != "CR0099" {
			t.Fatalf("unmatched bank lines = %+v", rep.UnmatchedBank)
		}
		// CR0002 (mismatched) and CR0003 (missing from the statement) are unmatched in the ledger.
		if len(rep.UnmatchedLedger) != 2 || rep.UnmatchedLedger[0].BankRef != "CR0002" || rep.UnmatchedLedger[1].BankRef != "CR0003" {
			t.Fatalf("unmatched ledger movements = %+v", rep.UnmatchedLedger)
		}
		// Importing the same file again returns the original report and matches nothing twice.
		again := must(s.Reconcile(ctx, bankOfficer, "march.csv", strings.NewReader(csv)))(t)
		if !again.Replayed || again.StatementID != rep.StatementID {
			t.Fatalf("re-import = %+v", again)
		}
		// A later statement picks up what was missing; matched movements are not offered again.
		later := "value_date,direction,amount,bank_ref\n2026-03-05,in,300.00,CR0003\n2026-03-05,in,1000.00,CR0001\n"
		rep2 := must(s.Reconcile(ctx, bankOfficer, "march-2.csv", strings.NewReader(later)))(t)
		if len(rep2.Matched) != 1 || rep2.Matched[0].Movement.BankRef != "CR0003" || len(rep2.UnmatchedBank) != 1 {
			t.Fatalf("second statement = %+v", rep2)
		}
		trail := must(audit.ForObject(ctx, db, "ledger_bank_statement", rep.StatementID))(t)
		if len(trail) != 1 {
			t.Fatalf("audit trail = %+v", trail)
		}

		_, err := s.Reconcile(ctx, member("orgA", domain.RoleBuyer), "x.csv", strings.NewReader(csv))
		wantKind(t, err, apperr.Forbidden)
		bad := "value_date,bank_ref,direction,amount\n2026-13-01,R,sideways,12.345\n"
		_, err = s.Reconcile(ctx, bankOfficer, "bad.csv", strings.NewReader(bad))
		fields := map[string]bool{}
		for _, f := range apperr.FieldsOf(err) {
			fields[f.Field] = true
		}
		if !fields["line 2.value_date"] || !fields["line 2.direction"] || !fields["line 2.amount"] {
			t.Fatalf("bad statement errors = %v", err)
		}
	})
}
