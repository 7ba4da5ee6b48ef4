package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

const ledgerContract2 = "TC-WEB-0002"

// ledgerActionsEnv adds to ledgerEnv a second contract with nothing held yet
// (two milestones of 60,000.00 and 40,000.00 yuan) and licence terms whose
// entry fee of 5,000.00 yuan is invoiced at registration.
func ledgerActionsEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := ledgerEnv(t, db)
	_, err := e.a.Ledger.RegisterAgreement(context.Background(), system, "a2", ledger.AgreementInput{ContractID: ledgerContract2,
		BuyerOrg: e.company.ID, SellerOrg: e.uni.ID, PlatformFeeBps: 300,
		Milestones: []ledger.MilestoneInput{{Title: "小试", Amount: 6_000_000}, {Title: "中试", Amount: 4_000_000}},
		Royalty: &ledger.RoyaltyTerms{StartDate: time.Now().UTC().AddDate(0, -1, 0).Format("2006-01-02"), EntryFee: 500_000,
			Tiers: []ledger.RoyaltyTier{{RateBps: 300}}, PaymentDays: 30}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func available(t *testing.T, e *env, org string) domain.Fen {
	t.Helper()
	b, err := e.a.Ledger.Balance(context.Background(), system, ledger.PartyAvailable(org))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func wantRedirect(t *testing.T, p page, msg string) {
	t.Helper()
	if p.status != http.StatusOK || p.url.Query().Get("msg") != msg {
		t.Fatalf("want a redirect with %s: status %d at %s\n%s", msg, p.status, p.url, p.body)
	}
}

// The buyer funds escrow and disputes, the seller delivers, each from the
// timeline, in both languages; bad input is shown beside its field.
func TestLedgerTimelineForms(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := ledgerActionsEnv(t, db)
		path := "/ledger/contracts/" + ledgerContract2
		b := e.browser()
		b.login("buyer@company.test")
		p := b.get(path)
		mustContain(t, p, "存入托管资金", `action="`+path+`/hold"`, "支付", `name="csrf_token"`)
		mustNotContain(t, p, "标记为已交付", "退款给买方", "提出异议")
		en := e.browser()
		en.lang = "en"
		en.login("buyer@company.test")
		mustContain(t, en.get(path), "Fund escrow", "Amount (yuan)", "Pay")

		// A bad amount is named beside the field, in the reader's language; nothing moves.
		before := available(t, e, e.company.ID)
		bad := b.postForm(path+"/hold", url.Values{"key": {"h1"}, "amount": {"lots"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad amount: status %d", bad.status)
		}
		mustContain(t, bad, `id="hold-amount-error"`, "请填写正数金额", `value="lots"`)
		badEn := en.postForm(path+"/hold", url.Values{"key": {"h1"}, "amount": {"1.234"}})
		mustContain(t, badEn, `id="hold-amount-error"`, "a positive amount in yuan")
		over := b.postForm(path+"/hold", url.Values{"key": {"h2"}, "amount": {"100000.01"}})
		if over.status != http.StatusConflict {
			t.Fatalf("over the price: status %d", over.status)
		}
		mustContain(t, over, "escrow would exceed the contract price", `class="field-error"`)
		if got := available(t, e, e.company.ID); got != before {
			t.Fatalf("refused holds moved money: %d → %d", before, got)
		}
		// Someone of another organisation learns nothing and moves nothing.
		rival := e.browser()
		rival.login("rival@rival.test")
		if p := rival.postForm(path+"/hold", url.Values{"key": {"r1"}, "amount": {"10"}}); p.status != http.StatusNotFound {
			t.Fatalf("rival funding: status %d", p.status)
		}
		if p := rival.postForm(path+"/milestones/1/dispute", url.Values{"key": {"r2"}, "reason": {"x"}}); p.status != http.StatusNotFound {
			t.Fatalf("rival disputing: status %d", p.status)
		}

		wantRedirect(t, b.postForm(path+"/hold", url.Values{"key": {"h3"}, "amount": {"60,000.00"}}), "ledger_held")
		if got := available(t, e, e.company.ID); got != before-6_000_000 {
			t.Fatalf("after holding 60,000.00: %d, want %d", got, before-6_000_000)
		}
		// A resubmitted form holds once.
		wantRedirect(t, b.postForm(path+"/hold", url.Values{"key": {"h3"}, "amount": {"60,000.00"}}), "ledger_held")
		if got := available(t, e, e.company.ID); got != before-6_000_000 {
			t.Fatalf("a resubmitted hold moved money again: %d", got)
		}

		// The seller delivers; the buyer cannot.
		s := e.browser()
		s.login("seller@uni.test")
		sp := s.get(path)
		mustContain(t, sp, "标记为已交付", "15 天内验收", "退款给买方")
		mustNotContain(t, sp, "存入托管资金")
		if p := b.postForm(path+"/milestones/1/deliver", url.Values{"key": {"d0"}}); p.status != http.StatusForbidden {
			t.Fatalf("buyer delivering: status %d", p.status)
		}
		wantRedirect(t, s.postForm(path+"/milestones/1/deliver", url.Values{"key": {"d1"}}), "ledger_delivered")
		again := s.postForm(path+"/milestones/1/deliver", url.Values{"key": {"d2"}})
		if again.status != http.StatusConflict {
			t.Fatalf("delivering twice: status %d", again.status)
		}
		mustContain(t, again, "the milestone is already delivered")

		// The buyer disputes: a reason is required.
		p = b.get(path)
		mustContain(t, p, "提出异议", "验收并付款")
		noReason := b.postForm(path+"/milestones/1/dispute", url.Values{"key": {"x1"}, "reason": {" "}})
		if noReason.status != http.StatusUnprocessableEntity {
			t.Fatalf("dispute without a reason: status %d", noReason.status)
		}
		mustContain(t, noReason, `id="reason-1-error"`, "须填写异议理由")
		wantRedirect(t, b.postForm(path+"/milestones/1/dispute", url.Values{"key": {"x2"}, "reason": {"样品不合格"}}), "ledger_disputed")
		mustContain(t, s.get(path), "样品不合格", "标记为已交付")
		tl, err := e.a.Ledger.Timeline(context.Background(), system, ledgerContract2)
		if err != nil {
			t.Fatal(err)
		}
		if st := tl.Agreement.Milestones[0].Status; st != ledger.MilestoneDisputed {
			t.Fatalf("milestone 1 is %s", st)
		}
	})
}

// Refunds (seller, operator), invoice payment (licensee), withdrawal and the
// operator's deemed-acceptance run.
func TestLedgerRefundPayWithdrawForms(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := ledgerActionsEnv(t, db)
		path := "/ledger/contracts/" + ledgerContract
		op := e.browser()
		op.login("operator@exchange.test")
		mustContain(t, op.get(path), "退款给买方", "托管资金")
		b := e.browser()
		b.login("buyer@company.test")
		mustNotContain(t, b.get(path), "退款给买方")
		if p := b.postForm(path+"/refunds", url.Values{"key": {"b1"}, "seq": {"0"}, "amount": {"1"}, "reason": {"x"}}); p.status != http.StatusForbidden {
			t.Fatalf("buyer refunding: status %d", p.status)
		}

		before := available(t, e, e.company.ID)
		bad := op.postForm(path+"/refunds", url.Values{"key": {"o1"}, "seq": {"0"}, "amount": {"-3"}, "reason": {""}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad refund: status %d", bad.status)
		}
		mustContain(t, bad, `id="refund-amount-error"`)
		noReason := op.postForm(path+"/refunds", url.Values{"key": {"o1"}, "seq": {"0"}, "amount": {"100"}, "reason": {""}})
		mustContain(t, noReason, `id="refund-reason-error"`, "须填写退款理由")
		wantRedirect(t, op.postForm(path+"/refunds", url.Values{"key": {"o2"}, "seq": {"0"}, "amount": {"100000.00"}, "reason": {"第二节点取消"}}),
			"ledger_refunded")
		if got := available(t, e, e.company.ID); got != before+10_000_000 {
			t.Fatalf("after the refund: %d, want %d", got, before+10_000_000)
		}

		// The entry-fee invoice of the second contract: the licensee pays once.
		tl, err := e.a.Ledger.Timeline(context.Background(), system, ledgerContract2)
		if err != nil || len(tl.Invoices) != 1 {
			t.Fatalf("invoices: %v %+v", err, tl.Invoices)
		}
		inv := tl.Invoices[0]
		rival := e.browser()
		rival.login("rival@rival.test")
		if p := rival.postForm("/ledger/invoices/"+inv.ID+"/pay", url.Values{"key": {"r1"}}); p.status != http.StatusNotFound {
			t.Fatalf("rival paying: status %d", p.status)
		}
		s := e.browser()
		s.login("seller@uni.test")
		if p := s.postForm("/ledger/invoices/"+inv.ID+"/pay", url.Values{"key": {"s1"}}); p.status != http.StatusForbidden {
			t.Fatalf("licensor paying: status %d", p.status)
		}
		before = available(t, e, e.company.ID)
		paid := b.postForm("/ledger/invoices/"+inv.ID+"/pay", url.Values{"key": {"p1"}})
		wantRedirect(t, paid, "ledger_paid")
		mustContain(t, paid, "账单已支付", "已支付")
		twice := b.postForm("/ledger/invoices/"+inv.ID+"/pay", url.Values{"key": {"p2"}})
		if twice.status != http.StatusConflict {
			t.Fatalf("paying twice: status %d", twice.status)
		}
		mustContain(t, twice, "the invoice is already paid")
		if got := available(t, e, e.company.ID); got != before-500_000 {
			t.Fatalf("after paying: %d, want %d", got, before-500_000)
		}

		// Withdrawal from the accounts page.
		p := b.get("/ledger")
		mustContain(t, p, "提现到银行账户", ledger.PartyAvailable(e.company.ID))
		mustNotContain(t, p, "立即执行视为验收")
		en := e.browser()
		en.lang = "en"
		en.login("buyer@company.test")
		mustContain(t, en.get("/ledger"), "Withdraw to the bank", "Bank payment reference")
		acct := ledger.PartyAvailable(e.company.ID)
		before = available(t, e, e.company.ID)
		badW := b.postForm("/ledger/withdrawals", url.Values{"key": {"w1"}, "account": {acct}, "amount": {"0"}})
		if badW.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad withdrawal: status %d", badW.status)
		}
		mustContain(t, badW, `id="withdraw-amount-error"`, "请填写正数金额")
		badRef := b.postForm("/ledger/withdrawals", url.Values{"key": {"w1"}, "account": {acct}, "amount": {"10"}, "bank_ref": {"a b"}})
		mustContain(t, badRef, `id="withdraw-bank-ref-error"`)
		if p := s.postForm("/ledger/withdrawals", url.Values{"key": {"w2"}, "account": {acct}, "amount": {"10"}}); p.status != http.StatusForbidden {
			t.Fatalf("another organisation withdrawing: status %d", p.status)
		}
		if got := available(t, e, e.company.ID); got != before {
			t.Fatalf("refused withdrawals moved money: %d → %d", before, got)
		}
		ok := b.postForm("/ledger/withdrawals", url.Values{"key": {"w3"}, "account": {acct}, "amount": {"1000.00"}})
		if ok.status != http.StatusOK {
			t.Fatalf("withdraw: status %d", ok.status)
		}
		mustContain(t, ok, "已提现 1,000.00 元", "银行付款参考号 TM")
		if got := available(t, e, e.company.ID); got != before-100_000 {
			t.Fatalf("after withdrawing: %d", got)
		}

		// Deemed acceptance now: operators only.
		if p := b.postForm("/ledger/deemed-releases", url.Values{}); p.status != http.StatusForbidden {
			t.Fatalf("buyer running deemed acceptance: status %d", p.status)
		}
		ov := op.get("/ledger")
		mustContain(t, ov, "立即执行视为验收")
		e.a.Ledger.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 16) })
		run := op.postForm("/ledger/deemed-releases", url.Values{})
		if run.status != http.StatusOK {
			t.Fatalf("deemed run: status %d", run.status)
		}
		mustContain(t, run, "1 个节点已付款")
	})
}
