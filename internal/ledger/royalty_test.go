package ledger_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// Rising rates: 5% up to 1,000,000.00 of annual sales, 8% above.
var rising = []ledger.RoyaltyTier{{UpTo: 1_000_000_00, RateBps: 500}, {RateBps: 800}}

func TestRoyaltyDueTelescopes(t *testing.T) {
	if got := ledger.RoyaltyDue(0, 1_500_000_00, rising); got != 50_000_00+40_000_00 {
		t.Fatalf("royalty on 1.5M = %d", got)
	}
	falling := []ledger.RoyaltyTier{{UpTo: 500_000_00, RateBps: 1000}, {RateBps: 300}}
	if got := ledger.RoyaltyDue(400_000_00, 200_000_00, falling); got != 10_000_00+3_000_00 {
		t.Fatalf("falling-rate royalty = %d", got)
	}
	// However a year's sales are cut into reports, the invoices sum to the royalty on the total.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1000; i++ {
		var cum, sum domain.Fen
		for j := 0; j < 1+rng.IntN(12); j++ {
			s := domain.Fen(rng.Int64N(300_000_01))
			sum += ledger.RoyaltyDue(cum, s, rising)
			cum += s
		}
		if want := ledger.RoyaltyDue(0, cum, rising); sum != want {
			t.Fatalf("periods sum to %d, whole year %d", sum, want)
		}
	}
}

func TestRoyaltiesUseFirstPayLater(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newLedger(t, db, ledger.Config{})
		lic := member("lic1", domain.RoleBuyer)
		must(s.RegisterAgreement(ctx, operator, "agr-lic", ledger.AgreementInput{ContractID: "lic-1", BuyerOrg: "lic1", SellerOrg: "inst1",
			PlatformFeeBps: 200, StateFunded: true, InventorShareBps: intp(7000),
			Royalty: &ledger.RoyaltyTerms{StartDate: "2026-01-01", EntryFee: 50_000_00, Tiers: rising,
				MinimumAnnual: 120_000_00, FreeMonths: 6, PaymentDays: 30}}))(t)

		// Free period: sales are reported but owe nothing; straddling its end is refused.
		_, invs := report(t, s, lic, "r1", "2026-01-01", "2026-06-30", 900_000_00)
		if len(invs) != 0 {
			t.Fatalf("invoices in the free period: %+v", invs)
		}
		_, _, err := s.ReportRoyalty(ctx, lic, "r-straddle", ledger.RoyaltyReport{ContractID: "lic-1", PeriodStart: "2026-06-01",
			PeriodEnd: "2026-07-31", Sales: 1})
		wantKind(t, err, apperr.Invalid)
		_, _, err = s.ReportRoyalty(ctx, lic, "r-overlap", ledger.RoyaltyReport{ContractID: "lic-1", PeriodStart: "2026-06-01",
			PeriodEnd: "2026-06-15", Sales: 1})
		wantKind(t, err, apperr.Conflict)

		// Chargeable: the tiers count only chargeable sales (900,000.00 here → 5%).
		_, invs = report(t, s, lic, "r2", "2026-07-01", "2026-09-30", 900_000_00)
		if len(invs) != 1 || invs[0].Amount != 45_000_00 || invs[0].DueDate != "2026-10-30" {
			t.Fatalf("Q3 invoices = %+v", invs)
		}
		// Crossing the 1,000,000.00 bound: 100,000.00 at 5% and 100,000.00 at 8%. The report closes
		// the year, so the minimum (120,000.00 × 184/365 chargeable days = 60,493.15) is checked:
		// invoiced 45,000 + 13,000 = 58,000.00 → top-up 2,493.15.
		_, invs = report(t, s, lic, "r3", "2026-10-01", "2026-12-31", 200_000_00)
		if len(invs) != 2 || invs[0].Amount != 13_000_00 || invs[1].Kind != ledger.InvoiceMinimumTopUp || invs[1].Amount != 2_493_15 {
			t.Fatalf("Q4 invoices = %+v", invs)
		}
		// A replay returns the same invoices; the report is stored once.
		tx, again := report(t, s, lic, "r3", "2026-10-01", "2026-12-31", 200_000_00)
		if !tx.Replayed || len(again) != 2 || again[0].ID != invs[0].ID {
			t.Fatalf("replayed report = %+v %+v", tx, again)
		}

		tl := must(s.Timeline(ctx, lic, "lic-1"))(t)
		if len(tl.Invoices) != 4 || tl.Invoices[0].Kind != ledger.InvoiceEntryFee || tl.Invoices[0].DueDate != "2026-07-31" {
			t.Fatalf("invoices = %+v", tl.Invoices)
		}
		acts := must(s.PendingActions(ctx, lic, "lic1"))(t)
		if len(acts) != 4 || acts[0].Kind != "pay_invoice" {
			t.Fatalf("pending = %+v", acts)
		}
		// Paying needs funds; a paid invoice is split like a release and paid once.
		_, err = s.PayRoyaltyInvoice(ctx, lic, "pay-1", invs[0].ID)
		wantKind(t, err, apperr.Conflict)
		must(s.DepositFromBank(ctx, bankOfficer, "bn-lic", ledger.BankNotice{BankRef: "LIC1", OrgID: "lic1", Amount: 1_000_000_00}))(t)
		pay := must(s.PayRoyaltyInvoice(ctx, lic, "pay-1", invs[0].ID))(t)
		// 13,000.00: fee 2% = 260.00; net 12,740.00 → inventors 70% = 8,918.00, institute 3,822.00.
		if len(pay.Postings) != 3 || pay.Postings[0].Amount != 260_00 || pay.Postings[1].Amount != 8_918_00 || pay.Postings[2].Amount != 3_822_00 {
			t.Fatalf("payment postings = %+v", pay.Postings)
		}
		_, err = s.PayRoyaltyInvoice(ctx, lic, "pay-1-again", invs[0].ID)
		wantKind(t, err, apperr.Conflict)
		_, err = s.PayRoyaltyInvoice(ctx, member("inst1", domain.RoleSeller), "pay-x", invs[1].ID)
		wantKind(t, err, apperr.Forbidden)
		verifyClean(t, db)
	})
}

func report(t *testing.T, s *ledger.Service, actor domain.Actor, key, from, to string, sales domain.Fen) (ledger.Transaction, []ledger.RoyaltyInvoice) {
	t.Helper()
	tx, invs, err := s.ReportRoyalty(context.Background(), actor, key, ledger.RoyaltyReport{ContractID: "lic-1", PeriodStart: from,
		PeriodEnd: to, Sales: sales})
	if err != nil {
		t.Fatalf("report %s..%s: %v", from, to, err)
	}
	return tx, invs
}
