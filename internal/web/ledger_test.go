package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

const ledgerContract = "TC-WEB-0001"

// ledgerEnv registers a contract (the company buys from the university, two
// milestones), credits the company 500,000.00 yuan from a bank notice, holds
// 400,000.00 in escrow and delivers milestone 1. A rival company and a bank
// officer are added.
func ledgerEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := newEnv(t, db, app.Config{})
	ctx := context.Background()
	rival, err := e.a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "竞争对手有限公司", Type: "enterprise", RegionCode: "110108",
		USCC: domain.MakeUSCC('1', '2', "110108", "400007777")})
	if err != nil {
		t.Fatal(err)
	}
	e.user("rival@rival.test", "对手", domain.OrgRole{OrgID: rival.ID, Role: domain.RoleBuyer})
	e.user("officer@bank.test", "银行", domain.OrgRole{OrgID: e.exchange.ID, Role: domain.RoleBankOfficer})
	s := e.a.Ledger
	buyer := domain.Actor{UserID: "svc-buyer", Roles: []domain.OrgRole{{OrgID: e.company.ID, Role: domain.RoleBuyer}}}
	seller := domain.Actor{UserID: "svc-seller", Roles: []domain.OrgRole{{OrgID: e.uni.ID, Role: domain.RoleSeller}}}
	steps := []func() error{
		func() error {
			_, err := s.RegisterAgreement(ctx, system, "a1", ledger.AgreementInput{ContractID: ledgerContract, BuyerOrg: e.company.ID,
				SellerOrg: e.uni.ID, PlatformFeeBps: 300, Milestones: []ledger.MilestoneInput{{Title: "样机交付", Amount: 30_000_000},
					{Title: "技术培训", Amount: 10_000_000}}})
			return err
		},
		func() error {
			_, err := s.DepositFromBank(ctx, system, "d1", ledger.BankNotice{BankRef: "ICBC-WEB-1", OrgID: e.company.ID, Amount: 50_000_000})
			return err
		},
		func() error { _, err := s.HoldEscrow(ctx, buyer, "h1", ledgerContract, 40_000_000); return err },
		func() error { _, err := s.DeliverMilestone(ctx, seller, "m1", ledgerContract, 1); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("ledger setup step %d: %v", i, err)
		}
	}
	return e
}

func TestLedgerOverviewAndStatementPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := ledgerEnv(t, db)
		b := e.browser()
		b.login("buyer@company.test")

		p := b.get("/ledger")
		if p.status != http.StatusOK {
			t.Fatalf("overview: status %d", p.status)
		}
		mustContain(t, p, ledgerContract, "验收或提出异议", "可用余额", "100,000.00 元", `href="/ledger"`)
		en := b.get("/ledger?lang=en")
		mustContain(t, en, "Accept or dispute", "Available", "¥100,000.00", time.Now().UTC().AddDate(0, 0, 15).Format("2006-01-02"))
		b.get("/ledger?lang=zh") // the choice of language is remembered

		acct := ledger.PartyAvailable(e.company.ID)
		st := b.get("/ledger/statement?account=" + url.QueryEscape(acct))
		if st.status != http.StatusOK {
			t.Fatalf("statement: status %d", st.status)
		}
		mustContain(t, st, "<svg", "<polyline", "银行入账", "资金托管", "500,000.00 元", "100,000.00 元")
		bad := b.get("/ledger/statement?account=" + url.QueryEscape(acct) + "&from=2026-02-31")
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad date: status %d", bad.status)
		}
		mustContain(t, bad, `id="from-error"`, "须为 YYYY-MM-DD 格式的日期")
		future := b.get("/ledger/statement?account=" + url.QueryEscape(acct) + "&from=" + time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02"))
		mustContain(t, future, "该期间没有发生额", "100,000.00 元")
		mustNotContain(t, future, "<polyline")

		// The seller sees its own (empty) accounts and the contract, not the buyer's money.
		s := e.browser()
		s.login("seller@uni.test")
		sp := s.get("/ledger")
		mustContain(t, sp, ledgerContract, "卖方")
		mustNotContain(t, sp, "验收或提出异议")
		if p := s.get("/ledger/statement?account=" + url.QueryEscape(acct)); p.status != http.StatusForbidden {
			t.Errorf("seller reading the buyer's statement: status %d", p.status)
		}
		// Anonymous visitors are sent to sign in.
		anon := e.browser().get("/ledger")
		if anon.url.Path != "/login" {
			t.Errorf("anonymous overview ended at %s", anon.url)
		}
	})
}

func TestLedgerTimelineAndAccept(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := ledgerEnv(t, db)
		b := e.browser()
		b.login("buyer@company.test")
		p := b.get("/ledger/contracts/" + ledgerContract)
		if p.status != http.StatusOK {
			t.Fatalf("timeline: status %d", p.status)
		}
		mustContain(t, p, "样机交付", "资金托管", "交付", "400,000.00 元", "验收并付款", `name="csrf_token"`, "3%")

		path := "/ledger/contracts/" + ledgerContract + "/milestones/1/accept"
		bad := b.postForm(path, url.Values{"key": {"k1"}, "amount": {"lots"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad amount: status %d", bad.status)
		}
		mustContain(t, bad, "<code>amount</code>")
		ok := b.postForm(path, url.Values{"key": {"k1"}, "memo": {"合格"}})
		if ok.status != http.StatusOK || ok.url.Query().Get("msg") != "ledger_accepted" {
			t.Fatalf("accept: status %d at %s", ok.status, ok.url)
		}
		mustContain(t, ok, "已验收", "验收付款", "平台服务费")
		// A double submit of the same form releases once and answers the same.
		again := b.postForm(path, url.Values{"key": {"k1"}, "memo": {"合格"}})
		if again.status != http.StatusOK || again.url.Query().Get("msg") != "ledger_accepted" {
			t.Fatalf("resubmit: status %d at %s", again.status, again.url)
		}
		conflict := b.postForm(path, url.Values{"key": {"k2"}})
		if conflict.status != http.StatusConflict {
			t.Fatalf("second release: status %d", conflict.status)
		}
		tl, err := e.a.Ledger.Timeline(context.Background(), system, ledgerContract)
		if err != nil {
			t.Fatal(err)
		}
		releases := 0
		for _, ev := range tl.Events {
			if ev.Kind == ledger.KindRelease {
				releases++
			}
		}
		if releases != 1 || tl.Agreement.Released != 30_000_000 {
			t.Fatalf("%d releases, released %d", releases, tl.Agreement.Released)
		}

		// The seller sees the timeline but cannot accept.
		s := e.browser()
		s.login("seller@uni.test")
		sp := s.get("/ledger/contracts/" + ledgerContract)
		mustContain(t, sp, "验收付款")
		mustNotContain(t, sp, "验收并付款")
		if p := s.postForm("/ledger/contracts/"+ledgerContract+"/milestones/2/accept", url.Values{"key": {"s1"}}); p.status != http.StatusForbidden {
			t.Errorf("seller accepting: status %d", p.status)
		}
	})
}

// Another organisation learns nothing: not the contract, nor any amount.
func TestLedgerPagesDoNotLeak(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := ledgerEnv(t, db)
		b := e.browser()
		b.login("rival@rival.test")
		for path, status := range map[string]int{
			"/ledger/contracts/" + ledgerContract:                                               http.StatusNotFound,
			"/ledger/statement?account=" + url.QueryEscape(ledger.PartyAvailable(e.company.ID)): http.StatusForbidden,
			"/ledger/statement?account=" + url.QueryEscape(ledger.Escrow(ledgerContract)):       http.StatusNotFound,
			"/ledger?org=" + e.company.ID:                                                       http.StatusForbidden,
			"/ledger/reconcile":                                                                 http.StatusForbidden,
		} {
			p := b.get(path)
			if p.status != status {
				t.Errorf("%s: status %d, want %d", path, p.status, status)
			}
			mustNotContain(t, p, "500,000", "400,000", "样机交付", "ICBC-WEB-1")
		}
		p := b.postForm("/ledger/contracts/"+ledgerContract+"/milestones/1/accept", url.Values{"key": {"r1"}})
		if p.status != http.StatusNotFound {
			t.Errorf("rival accepting: status %d", p.status)
		}
		own := b.get("/ledger")
		mustContain(t, own, "目前没有待办事项", "尚无资金往来")
		mustNotContain(t, own, ledgerContract)
	})
}

func TestLedgerReconcilePage(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := ledgerEnv(t, db)
		b := e.browser()
		b.login("officer@bank.test")
		if p := b.get("/ledger/reconcile"); p.status != http.StatusOK {
			t.Fatalf("form: status %d", p.status)
		}
		today := time.Now().UTC().Format("2006-01-02")
		csv := "value_date,bank_ref,direction,amount,counterparty\n" + today + ",ICBC-WEB-1,in,500000.00,星河\n" + today + ",ICBC-WEB-9,in,8.88,某人\n"
		p := b.upload("/ledger/reconcile", "icbc.csv", csv)
		if p.status != http.StatusOK {
			t.Fatalf("upload: status %d", p.status)
		}
		mustContain(t, p, "对账报告：icbc.csv", "已匹配 (1)", "银行有、账簿无 (1)", "ICBC-WEB-9", "8.88 元")
		again := b.upload("/ledger/reconcile", "icbc.csv", csv)
		mustContain(t, again, "该文件此前已导入")
		bad := b.upload("/ledger/reconcile", "bad.csv", "value_date,bank_ref,direction,amount\nyesterday,R,in,1\n")
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad statement: status %d", bad.status)
		}
		mustContain(t, bad, "line 2.value_date")
		overview := b.get("/ledger")
		mustContain(t, overview, "未匹配的银行流水", "ICBC-WEB-9")

		buyer := e.browser()
		buyer.login("buyer@company.test")
		if p := buyer.upload("/ledger/reconcile", "x.csv", csv); p.status != http.StatusForbidden {
			t.Errorf("buyer uploading: status %d", p.status)
		}
	})
}

// upload posts a file as the reconciliation form does, with the CSRF token.
func (b *browser) upload(path, name, content string) page {
	b.t.Helper()
	token := b.csrf()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", token)
	fw, _ := mw.CreateFormFile("statement", name)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(body.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}
