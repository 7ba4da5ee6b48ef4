package httpapi_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// balances reads every account a refused command could have touched, as the
// platform sees them, so a test can check that nothing moved.
func (m *ledgerMarket) balances(t *testing.T) map[string]domain.Fen {
	t.Helper()
	ctx := context.Background()
	out := map[string]domain.Fen{}
	for _, acct := range []string{ledger.PartyAvailable(m.company.ID), ledger.PartyAvailable(m.uni.ID), ledger.InventorRewards(m.uni.ID),
		ledger.Escrow(m.contractID), ledger.AccountPlatformFees, ledger.AccountBankClearing} {
		b, err := m.app.Ledger.Balance(ctx, domain.SystemActor("test"), acct)
		if err != nil {
			t.Fatalf("balance %s: %v", acct, err)
		}
		out[acct] = b
	}
	return out
}

func (m *ledgerMarket) wantBalances(t *testing.T, before map[string]domain.Fen, what string) {
	t.Helper()
	if after := m.balances(t); !reflect.DeepEqual(before, after) {
		t.Fatalf("%s moved money: before %v, after %v", what, before, after)
	}
}

// The whole settlement of a contract over the API: fund, deliver, dispute,
// deliver again, accept, refund from escrow and refund a release.
func TestLedgerCommandsFullFlow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		if _, err := m.bank.LedgerDeposit(ctx, "dep-1", client.LedgerBankNotice{BankRef: "ICBC-CMD-1", OrgID: m.company.ID,
			AmountFen: ledgerDeposit}); err != nil {
			t.Fatal(err)
		}
		id := m.contractID
		total := milestone1 + milestone2

		// Hold: the buyer only; someone of another organisation is told nothing exists.
		before := m.balances(t)
		_, err := m.rivalSeller.HoldEscrow(ctx, "hold-1", id, client.LedgerHoldRequest{AmountFen: total})
		wantStatus(t, err, http.StatusNotFound, "outsider funding escrow")
		_, err = m.seller.HoldEscrow(ctx, "hold-1", id, client.LedgerHoldRequest{AmountFen: total})
		wantStatus(t, err, http.StatusForbidden, "seller funding escrow")
		_, err = m.buyer.HoldEscrow(ctx, "hold-0", id, client.LedgerHoldRequest{AmountFen: total + 1})
		wantStatus(t, err, http.StatusConflict, "escrow above the price")
		resp, data := m.rawKey(http.MethodPost, "/api/v1/ledger/contracts/"+id+"/hold", m.tokenFor("buyer@company.test"), "hold-0",
			"application/json", `{"amount_fen":0}`)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "amount_fen")
		m.wantBalances(t, before, "refused holds")

		hold, err := m.buyer.HoldEscrow(ctx, "hold-1", id, client.LedgerHoldRequest{AmountFen: total})
		if err != nil || hold.Kind != ledger.KindHold || hold.AmountFen != total || len(hold.Postings) != 1 ||
			hold.Postings[0].Destination != ledger.Escrow(id) {
			t.Fatalf("hold: %+v %v", hold, err)
		}
		again, err := m.buyer.HoldEscrow(ctx, "hold-1", id, client.LedgerHoldRequest{AmountFen: total})
		if err != nil || again.ID != hold.ID || !again.Replayed || !again.RecordedAt.Equal(hold.RecordedAt) {
			t.Fatalf("replayed hold: %+v %v", again, err)
		}
		_, err = m.buyer.HoldEscrow(ctx, "hold-1", id, client.LedgerHoldRequest{AmountFen: 5})
		wantStatus(t, err, http.StatusConflict, "conflicting replay of a hold")

		// Deliver: the seller only.
		before = m.balances(t)
		_, err = m.rivalSeller.DeliverMilestone(ctx, "dl-1", id, 1)
		wantStatus(t, err, http.StatusNotFound, "outsider delivering")
		_, err = m.buyer.DeliverMilestone(ctx, "dl-1", id, 1)
		wantStatus(t, err, http.StatusForbidden, "buyer delivering")
		_, err = m.seller.DeliverMilestone(ctx, "dl-x", id, 9)
		wantStatus(t, err, http.StatusNotFound, "delivering a milestone that does not exist")
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/contracts/"+id+"/milestones/first/deliver", m.tokenFor("seller@uni.test"),
			"dl-1", "application/json", "")
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "seq")
		dl, err := m.seller.DeliverMilestone(ctx, "dl-1", id, 1)
		if err != nil || dl.Kind != ledger.KindDeliver || dl.MilestoneSeq != 1 || len(dl.Postings) != 0 {
			t.Fatalf("deliver: %+v %v", dl, err)
		}
		if again, err := m.seller.DeliverMilestone(ctx, "dl-1", id, 1); err != nil || again.ID != dl.ID || !again.Replayed {
			t.Fatalf("replayed delivery: %+v %v", again, err)
		}
		_, err = m.seller.DeliverMilestone(ctx, "dl-1", id, 2)
		wantStatus(t, err, http.StatusConflict, "conflicting replay of a delivery")
		_, err = m.seller.DeliverMilestone(ctx, "dl-2", id, 1)
		wantStatus(t, err, http.StatusConflict, "delivering twice")

		// Dispute: the buyer, with a reason.
		_, err = m.rivalSeller.DisputeMilestone(ctx, "dp-1", id, 1, client.LedgerDisputeRequest{Reason: "x"})
		wantStatus(t, err, http.StatusNotFound, "outsider disputing")
		_, err = m.seller.DisputeMilestone(ctx, "dp-1", id, 1, client.LedgerDisputeRequest{Reason: "x"})
		wantStatus(t, err, http.StatusForbidden, "seller disputing")
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/contracts/"+id+"/milestones/1/dispute", m.tokenFor("buyer@company.test"),
			"dp-1", "application/json", `{"reason":""}`)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "reason")
		_, err = m.buyer.DisputeMilestone(ctx, "dp-2", id, 2, client.LedgerDisputeRequest{Reason: "未交付"})
		wantStatus(t, err, http.StatusConflict, "disputing an undelivered milestone")
		dp, err := m.buyer.DisputeMilestone(ctx, "dp-1", id, 1, client.LedgerDisputeRequest{Reason: "图纸不全"})
		if err != nil || dp.Kind != ledger.KindDispute || dp.Memo != "图纸不全" {
			t.Fatalf("dispute: %+v %v", dp, err)
		}
		if again, err := m.buyer.DisputeMilestone(ctx, "dp-1", id, 1, client.LedgerDisputeRequest{Reason: "图纸不全"}); err != nil ||
			again.ID != dp.ID || !again.Replayed {
			t.Fatalf("replayed dispute: %+v %v", again, err)
		}
		_, err = m.buyer.DisputeMilestone(ctx, "dp-1", id, 1, client.LedgerDisputeRequest{Reason: "另一理由"})
		wantStatus(t, err, http.StatusConflict, "conflicting replay of a dispute")
		m.wantBalances(t, before, "deliveries and disputes")

		// The seller delivers again; the buyer accepts.
		if _, err := m.seller.DeliverMilestone(ctx, "dl-3", id, 1); err != nil {
			t.Fatalf("redelivery: %v", err)
		}
		if _, err := m.buyer.AcceptMilestone(ctx, "acc-1", id, 1, client.LedgerAcceptRequest{}); err != nil {
			t.Fatalf("accept: %v", err)
		}

		// Refund: the seller or an operator; the buyer may not refund itself.
		before = m.balances(t)
		_, err = m.rivalSeller.Refund(ctx, "rf-1", id, client.LedgerRefundRequest{AmountFen: milestone2, Reason: "x"})
		wantStatus(t, err, http.StatusNotFound, "outsider refunding")
		_, err = m.buyer.Refund(ctx, "rf-1", id, client.LedgerRefundRequest{AmountFen: milestone2, Reason: "x"})
		wantStatus(t, err, http.StatusForbidden, "buyer refunding")
		_, err = m.seller.Refund(ctx, "rf-0", id, client.LedgerRefundRequest{AmountFen: milestone2 + 1, Reason: "多退"})
		wantStatus(t, err, http.StatusConflict, "refunding more than escrow holds")
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/contracts/"+id+"/refunds", m.tokenFor("seller@uni.test"), "rf-0",
			"application/json", `{"amount_fen":-5,"reason":""}`)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "amount_fen", "reason")
		m.wantBalances(t, before, "refused refunds")

		rf, err := m.seller.Refund(ctx, "rf-1", id, client.LedgerRefundRequest{AmountFen: milestone2, Reason: "第二节点取消"})
		if err != nil || rf.Kind != ledger.KindRefund || rf.AmountFen != milestone2 || len(rf.Postings) != 1 ||
			rf.Postings[0].Source != ledger.Escrow(id) || rf.Postings[0].Destination != ledger.PartyAvailable(m.company.ID) {
			t.Fatalf("escrow refund: %+v %v", rf, err)
		}
		if again, err := m.seller.Refund(ctx, "rf-1", id, client.LedgerRefundRequest{AmountFen: milestone2, Reason: "第二节点取消"}); err != nil ||
			again.ID != rf.ID || !again.Replayed {
			t.Fatalf("replayed refund: %+v %v", again, err)
		}
		_, err = m.seller.Refund(ctx, "rf-1", id, client.LedgerRefundRequest{AmountFen: 1, Reason: "第二节点取消"})
		wantStatus(t, err, http.StatusConflict, "conflicting replay of a refund")
		const clawback = int64(1_000_000)
		cb, err := m.operator.Refund(ctx, "rf-2", id, client.LedgerRefundRequest{Seq: 1, AmountFen: clawback, Reason: "质量折让"})
		if err != nil || cb.MilestoneSeq != 1 || cb.AmountFen != clawback {
			t.Fatalf("clawback refund: %+v %v", cb, err)
		}

		after := m.balances(t)
		if got, want := after[ledger.PartyAvailable(m.company.ID)], domain.Fen(ledgerDeposit-milestone1+clawback); got != want {
			t.Errorf("buyer available %d, want %d", got, want)
		}
		if got := after[ledger.Escrow(id)]; got != 0 {
			t.Errorf("escrow %d, want 0", got)
		}
		if got, want := after[ledger.AccountPlatformFees], domain.Fen((milestone1-clawback)*3/100); got != want {
			t.Errorf("platform fees %d, want %d", got, want)
		}
		tl, err := m.buyer.LedgerTimeline(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, ev := range tl.Events {
			kinds = append(kinds, ev.Kind)
		}
		want := "agreement hold deliver dispute deliver release refund refund"
		if strings.Join(kinds, " ") != want {
			t.Errorf("timeline %v, want %s", kinds, want)
		}
	})
}

func TestLedgerWithdrawAndPayInvoice(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		if _, err := m.bank.LedgerDeposit(ctx, "dep-1", client.LedgerBankNotice{BankRef: "ICBC-CMD-2", OrgID: m.company.ID,
			AmountFen: ledgerDeposit}); err != nil {
			t.Fatal(err)
		}
		acct := ledger.PartyAvailable(m.company.ID)

		// Withdraw: only the account's organisation (or an operator).
		before := m.balances(t)
		_, err := m.seller.Withdraw(ctx, "wd-1", client.LedgerWithdrawalRequest{Account: acct, AmountFen: 100})
		wantStatus(t, err, http.StatusForbidden, "another organisation withdrawing")
		_, err = m.buyer.Withdraw(ctx, "wd-0", client.LedgerWithdrawalRequest{Account: acct, AmountFen: ledgerDeposit + 1})
		wantStatus(t, err, http.StatusConflict, "withdrawing more than available")
		resp, data := m.rawKey(http.MethodPost, "/api/v1/ledger/withdrawals", m.tokenFor("buyer@company.test"), "wd-0", "application/json",
			`{"account":"contract:`+m.contractID+`:escrow","amount_fen":0,"bank_ref":"has space"}`)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "account", "amount_fen", "bank_ref")
		m.wantBalances(t, before, "refused withdrawals")
		wd, err := m.buyer.Withdraw(ctx, "wd-1", client.LedgerWithdrawalRequest{Account: acct, AmountFen: 1_000_000, Memo: "退回基本户"})
		if err != nil || wd.Kind != ledger.KindWithdrawal || !strings.HasPrefix(wd.BankRef, "TM") || wd.Postings[0].Destination != ledger.AccountBankClearing {
			t.Fatalf("withdraw: %+v %v", wd, err)
		}
		if again, err := m.buyer.Withdraw(ctx, "wd-1", client.LedgerWithdrawalRequest{Account: acct, AmountFen: 1_000_000, Memo: "退回基本户"}); err != nil ||
			again.ID != wd.ID || again.BankRef != wd.BankRef || !again.Replayed {
			t.Fatalf("replayed withdrawal: %+v %v", again, err)
		}
		_, err = m.buyer.Withdraw(ctx, "wd-1", client.LedgerWithdrawalRequest{Account: acct, AmountFen: 2})
		wantStatus(t, err, http.StatusConflict, "conflicting replay of a withdrawal")

		// Pay a royalty invoice: the licensee only; others learn nothing.
		tl, err := m.buyer.LedgerTimeline(ctx, m.contractID)
		if err != nil {
			t.Fatal(err)
		}
		start := tl.Agreement.Terms.Royalty.StartDate
		s, _ := time.Parse("2006-01-02", start)
		res, err := m.buyer.ReportRoyalty(ctx, "roy-1", m.contractID, client.LedgerRoyaltyReportRequest{PeriodStart: start,
			PeriodEnd: s.AddDate(0, 3, -1).Format("2006-01-02"), SalesFen: 10_000_000})
		if err != nil || len(res.Invoices) != 1 {
			t.Fatalf("report: %+v %v", res, err)
		}
		inv := res.Invoices[0]
		before = m.balances(t)
		_, err = m.rivalSeller.PayRoyaltyInvoice(ctx, "pay-1", inv.ID)
		wantStatus(t, err, http.StatusNotFound, "outsider paying")
		_, err = m.seller.PayRoyaltyInvoice(ctx, "pay-1", inv.ID)
		wantStatus(t, err, http.StatusForbidden, "licensor paying")
		_, err = m.buyer.PayRoyaltyInvoice(ctx, "pay-1", "no-such-invoice")
		wantStatus(t, err, http.StatusNotFound, "unknown invoice")
		m.wantBalances(t, before, "refused payments")
		pay, err := m.buyer.PayRoyaltyInvoice(ctx, "pay-1", inv.ID)
		if err != nil || pay.Kind != ledger.KindRoyaltyPayment || pay.AmountFen != inv.AmountFen || pay.RefID != inv.ID {
			t.Fatalf("pay: %+v %v", pay, err)
		}
		if again, err := m.buyer.PayRoyaltyInvoice(ctx, "pay-1", inv.ID); err != nil || again.ID != pay.ID || !again.Replayed {
			t.Fatalf("replayed payment: %+v %v", again, err)
		}
		_, err = m.buyer.PayRoyaltyInvoice(ctx, "pay-2", inv.ID)
		wantStatus(t, err, http.StatusConflict, "paying twice")
		after := m.balances(t)
		if got, want := after[acct], domain.Fen(ledgerDeposit-1_000_000-inv.AmountFen); got != want {
			t.Errorf("buyer available %d, want %d", got, want)
		}
	})
}

func TestLedgerReleaseDeemedNow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		m.fundAndDeliver(t)
		res, err := m.operator.ReleaseDeemed(ctx)
		if err != nil || res.Count != 0 || len(res.Released) != 0 {
			t.Fatalf("nothing due yet: %+v %v", res, err)
		}
		later := time.Now().AddDate(0, 0, 16)
		m.app.Ledger.SetClock(func() time.Time { return later })
		before := m.balances(t)
		for _, c := range []*client.Client{m.buyer, m.seller, m.rivalSeller} {
			_, err := c.ReleaseDeemed(ctx)
			wantStatus(t, err, http.StatusForbidden, "a party running deemed acceptance")
		}
		_, err = m.anon.ReleaseDeemed(ctx)
		wantStatus(t, err, http.StatusUnauthorized, "anonymous")
		m.wantBalances(t, before, "refused runs")
		res, err = m.operator.ReleaseDeemed(ctx)
		if err != nil || res.Count != 1 || res.Released[0].Kind != ledger.KindRelease || res.Released[0].MilestoneSeq != 1 ||
			res.Released[0].AmountFen != milestone1 {
			t.Fatalf("deemed release: %+v %v", res, err)
		}
		res, err = m.operator.ReleaseDeemed(ctx)
		if err != nil || res.Count != 0 {
			t.Fatalf("second run: %+v %v", res, err)
		}
	})
}
