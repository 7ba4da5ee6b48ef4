package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// ledgerMarket is the market plus a bank officer and one registered contract:
// the company buys from the university, two milestones of 300,000.00 and
// 100,000.00 yuan, 3% platform fee, with royalty terms whose first licence year
// has just ended (so a royalty report is due).
type ledgerMarket struct {
	*market
	bank       *client.Client
	bankToken  string
	contractID string
}

const (
	ledgerDeposit = int64(50_000_000) // 500,000.00 yuan
	milestone1    = int64(30_000_000)
	milestone2    = int64(10_000_000)
)

func newLedgerMarket(t *testing.T, db *store.DB) *ledgerMarket {
	t.Helper()
	ctx := context.Background()
	m := &ledgerMarket{market: newMarket(t, db), contractID: "TC-2026-0001"}
	if _, err := m.app.Identity.CreateUser(ctx, domain.SystemActor("test"), identity.UserInput{Email: "officer@bank.test",
		Name: "officer", Password: testPassword, Roles: []domain.OrgRole{{OrgID: m.exchange.ID, Role: domain.RoleBankOfficer}}}); err != nil {
		t.Fatal(err)
	}
	m.bankToken = m.tokenFor("officer@bank.test")
	m.bank = m.client(m.bankToken)
	start := time.Now().UTC().AddDate(-1, 0, -10).Format("2006-01-02")
	_, err := m.app.Ledger.RegisterAgreement(ctx, domain.SystemActor("deals"), "agree-1", ledger.AgreementInput{
		ContractID: m.contractID, BuyerOrg: m.company.ID, SellerOrg: m.uni.ID, PlatformFeeBps: 300,
		Milestones: []ledger.MilestoneInput{{Title: "图纸交付", Amount: domain.Fen(milestone1)}, {Title: "技术培训", Amount: domain.Fen(milestone2)}},
		Royalty:    &ledger.RoyaltyTerms{StartDate: start, Tiers: []ledger.RoyaltyTier{{RateBps: 500}}, PaymentDays: 30},
	})
	if err != nil {
		t.Fatalf("register agreement: %v", err)
	}
	return m
}

// buyerActor and sellerActor act through the service for steps the API does
// not expose (funding escrow, delivering).
func (m *ledgerMarket) buyerActor() domain.Actor {
	return domain.Actor{UserID: "svc-buyer", Roles: []domain.OrgRole{{OrgID: m.company.ID, Role: domain.RoleBuyer}}}
}

func (m *ledgerMarket) sellerActor() domain.Actor {
	return domain.Actor{UserID: "svc-seller", Roles: []domain.OrgRole{{OrgID: m.uni.ID, Role: domain.RoleSeller}}}
}

// fundAndDeliver deposits through the API, holds escrow and delivers milestone 1.
func (m *ledgerMarket) fundAndDeliver(t *testing.T) *client.LedgerTransaction {
	t.Helper()
	ctx := context.Background()
	dep, err := m.bank.LedgerDeposit(ctx, "dep-1", client.LedgerBankNotice{BankRef: "ICBC20260001", OrgID: m.company.ID,
		AmountFen: ledgerDeposit, Payer: "买方科技有限公司"})
	if err != nil {
		t.Fatalf("deposit: %v", err)
	}
	if _, err := m.app.Ledger.HoldEscrow(ctx, m.buyerActor(), "hold-1", m.contractID, domain.Fen(milestone1+milestone2)); err != nil {
		t.Fatalf("hold: %v", err)
	}
	if _, err := m.app.Ledger.DeliverMilestone(ctx, m.sellerActor(), "deliver-1", m.contractID, 1); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	return dep
}

func wantField(t *testing.T, p client.Problem, fields ...string) {
	t.Helper()
	got := fieldSet(p.Errors)
	for _, f := range fields {
		if !got[f] {
			t.Errorf("no error for field %s in %+v", f, p.Errors)
		}
	}
}

func TestLedgerDepositIdempotency(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		dep := m.fundAndDeliver(t)
		if dep.Replayed || dep.AmountFen != ledgerDeposit || len(dep.Postings) != 1 || dep.Postings[0].Destination != ledger.PartyAvailable(m.company.ID) {
			t.Fatalf("deposit: %+v", dep)
		}

		// A replay answers the original transaction, flagged.
		body := `{"bank_ref":"ICBC20260001","org_id":"` + m.company.ID + `","amount_fen":50000000,"payer":"买方科技有限公司"}`
		resp, data := m.rawKey(http.MethodPost, "/api/v1/ledger/deposits", m.bankToken, "dep-1", "application/json", body)
		if resp.StatusCode != http.StatusCreated || resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: status %d, header %q: %s", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"), data)
		}
		var again client.LedgerTransaction
		if err := json.Unmarshal(data, &again); err != nil || again.ID != dep.ID || !again.Replayed || !again.RecordedAt.Equal(dep.RecordedAt) {
			t.Fatalf("replay answered %+v (%v), want the original %s", again, err, dep.ID)
		}

		// The same key with another request is refused.
		_, err := m.bank.LedgerDeposit(ctx, "dep-1", client.LedgerBankNotice{BankRef: "ICBC20260001", OrgID: m.company.ID, AmountFen: 1})
		wantStatus(t, err, http.StatusConflict, "conflicting replay")
		// The same bank notice under another key credits nothing twice.
		_, err = m.bank.LedgerDeposit(ctx, "dep-2", client.LedgerBankNotice{BankRef: "ICBC20260001", OrgID: m.company.ID, AmountFen: ledgerDeposit})
		wantStatus(t, err, http.StatusConflict, "second deposit of one bank notice")
		// Only bank officers and operators record notices; keys are per user.
		_, err = m.buyer.LedgerDeposit(ctx, "dep-1", client.LedgerBankNotice{BankRef: "X1", OrgID: m.company.ID, AmountFen: 100})
		wantStatus(t, err, http.StatusForbidden, "deposit by a buyer")
		if _, err := m.operator.LedgerDeposit(ctx, "dep-1", client.LedgerBankNotice{BankRef: "X2", OrgID: m.company.ID, AmountFen: 100}); err != nil {
			t.Fatalf("operator reusing another user's key: %v", err)
		}

		// Bad input: the header and each field are named.
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/deposits", m.bankToken, "", "application/json", body)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "Idempotency-Key")
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/deposits", m.bankToken, "has space", "application/json", body)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "Idempotency-Key")
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/deposits", m.bankToken, "dep-3", "application/json",
			`{"bank_ref":"","org_id":"`+m.company.ID+`","amount_fen":0}`)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "bank_ref", "amount_fen")
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/deposits", m.bankToken, "dep-3", "application/json", `{"amount_fen":"ten"}`)
		wantField(t, problemOf(t, resp, data, http.StatusBadRequest), "amount_fen")
		resp, data = m.rawKey(http.MethodPost, "/api/v1/ledger/deposits", "", "dep-3", "application/json", body)
		problemOf(t, resp, data, http.StatusUnauthorized)

		accts, err := m.buyer.LedgerAccounts(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		want := ledgerDeposit + 100 - milestone1 - milestone2
		if accts.OrgID != m.company.ID || len(accts.Items) != 1 || accts.Items[0].BalanceFen != want {
			t.Fatalf("buyer accounts %+v, want available %d", accts, want)
		}
	})
}

// rawKey sends a raw request with an Idempotency-Key header ("" for none).
func (m *market) rawKey(method, path, token, key, contentType, body string) (*http.Response, []byte) {
	m.t.Helper()
	req, err := http.NewRequest(method, m.srv.URL+path, strings.NewReader(body))
	if err != nil {
		m.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

func TestLedgerAcceptPendingAndTimeline(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		m.fundAndDeliver(t)

		// The buyer sees the milestone to accept with its deemed-acceptance date,
		// and the royalty report that fell due.
		p, err := m.buyer.LedgerPending(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		var accept, report *client.LedgerPendingAction
		for i, a := range p.Actions {
			switch a.Kind {
			case "accept":
				accept = &p.Actions[i]
			case "report_royalty":
				report = &p.Actions[i]
			}
		}
		if accept == nil || accept.MilestoneSeq != 1 || accept.Due == nil || accept.Due.Sub(time.Now()) < 14*24*time.Hour {
			t.Fatalf("no accept action with a deemed date 15 days out: %+v", p.Actions)
		}
		if report == nil || report.Due == nil || report.Period == "" || report.ContractID != m.contractID {
			t.Fatalf("no royalty report due: %+v", p.Actions)
		}
		if len(p.UnmatchedBank) != 0 {
			t.Errorf("a buyer sees bank lines: %+v", p.UnmatchedBank)
		}
		sp, err := m.seller.LedgerPending(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range sp.Actions {
			if a.Kind == "accept" || a.Kind == "report_royalty" {
				t.Errorf("the seller is asked to %s", a.Kind)
			}
		}

		// Only the buyer accepts; someone not party to the contract is told it does not exist.
		_, err = m.seller.AcceptMilestone(ctx, "acc-1", m.contractID, 1, client.LedgerAcceptRequest{})
		wantStatus(t, err, http.StatusForbidden, "seller accepting")
		_, err = m.rivalSeller.AcceptMilestone(ctx, "acc-1", m.contractID, 1, client.LedgerAcceptRequest{})
		wantStatus(t, err, http.StatusNotFound, "outsider accepting")
		resp, data := m.rawKey(http.MethodPost, "/api/v1/ledger/contracts/"+m.contractID+"/milestones/zero/accept",
			m.tokenFor("buyer@company.test"), "acc-1", "application/json", `{}`)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "seq")

		tx, err := m.buyer.AcceptMilestone(ctx, "acc-1", m.contractID, 1, client.LedgerAcceptRequest{Memo: "验收合格"})
		if err != nil {
			t.Fatalf("accept: %v", err)
		}
		var fee int64
		for _, pst := range tx.Postings {
			if pst.Destination == ledger.AccountPlatformFees {
				fee = pst.AmountFen
			}
		}
		if tx.Kind != ledger.KindRelease || tx.AmountFen != milestone1 || fee != milestone1*3/100 {
			t.Fatalf("release %+v, fee %d", tx, fee)
		}
		again, err := m.buyer.AcceptMilestone(ctx, "acc-1", m.contractID, 1, client.LedgerAcceptRequest{Memo: "验收合格"})
		if err != nil || again.ID != tx.ID || !again.Replayed {
			t.Fatalf("replayed accept: %+v %v", again, err)
		}
		_, err = m.buyer.AcceptMilestone(ctx, "acc-1", m.contractID, 1, client.LedgerAcceptRequest{AmountFen: 5})
		wantStatus(t, err, http.StatusConflict, "conflicting replay of an accept")
		_, err = m.buyer.AcceptMilestone(ctx, "acc-2", m.contractID, 1, client.LedgerAcceptRequest{})
		wantStatus(t, err, http.StatusConflict, "second release of a milestone")

		// The timeline shows each step with amounts and the split postings.
		tl, err := m.seller.LedgerTimeline(ctx, m.contractID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := []string{}
		for _, e := range tl.Events {
			kinds = append(kinds, e.Kind)
		}
		if got := strings.Join(kinds, ","); got != "agreement,hold,deliver,release" {
			t.Fatalf("timeline kinds %s", got)
		}
		rel := tl.Events[3]
		if rel.AmountFen != milestone1 || rel.EscrowAfterFen != milestone2 || len(rel.Postings) < 3 || rel.At.IsZero() {
			t.Fatalf("release event %+v", rel)
		}
		if tl.Agreement.Milestones[0].Status != ledger.MilestoneReleased || tl.Agreement.PriceFen != milestone1+milestone2 {
			t.Fatalf("agreement %+v", tl.Agreement)
		}
		list, err := m.buyer.LedgerContracts(ctx, "")
		if err != nil || len(list.Items) != 1 || list.Items[0].Role != "buyer" || list.Items[0].ReleasedFen != milestone1 {
			t.Fatalf("buyer's contracts %+v %v", list, err)
		}
	})
}

func TestLedgerStatementPagesAndDates(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		m.fundAndDeliver(t)
		acct := ledger.PartyAvailable(m.company.ID)
		st, err := m.buyer.LedgerStatement(ctx, acct, client.LedgerStatementQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 2 || len(st.Lines) != 2 || st.Lines[0].CreditFen != ledgerDeposit || st.Lines[0].BalanceFen != ledgerDeposit ||
			st.Lines[1].DebitFen != milestone1+milestone2 || st.ClosingFen != ledgerDeposit-milestone1-milestone2 {
			t.Fatalf("statement %+v", st)
		}
		page2, err := m.buyer.LedgerStatement(ctx, acct, client.LedgerStatementQuery{Page: 2, PerPage: 1})
		if err != nil || len(page2.Lines) != 1 || page2.Lines[0].Kind != ledger.KindHold || page2.Total != 2 || page2.OpeningFen != 0 {
			t.Fatalf("page 2: %+v %v", page2, err)
		}
		today := time.Now().UTC().Format("2006-01-02")
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
		day, err := m.buyer.LedgerStatement(ctx, acct, client.LedgerStatementQuery{From: today, To: today})
		if err != nil || len(day.Lines) != 2 {
			t.Fatalf("today's statement: %+v %v", day, err)
		}
		later, err := m.buyer.LedgerStatement(ctx, acct, client.LedgerStatementQuery{From: tomorrow})
		if err != nil || len(later.Lines) != 0 || later.OpeningFen != day.ClosingFen {
			t.Fatalf("statement from tomorrow: %+v %v", later, err)
		}
		token := m.tokenFor("buyer@company.test")
		resp, data := m.raw(http.MethodGet, "/api/v1/ledger/accounts/"+acct+"/statement?from=2026-13-01&to=x&per_page=0", token, "", "")
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "from", "to", "per_page")
		resp, data = m.raw(http.MethodGet, "/api/v1/ledger/accounts/"+acct+"/statement?from=2026-05-02&to=2026-05-01", token, "", "")
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "to")
		resp, data = m.raw(http.MethodGet, "/api/v1/ledger/accounts/nonsense/statement", token, "", "")
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "account")
		resp, _ = m.raw(http.MethodGet, "/api/v1/ledger/accounts/"+acct+"/statement?per_page=1", token, "", "")
		if resp.Header.Get("X-Total-Count") != "2" || !strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
			t.Errorf("pagination headers: %v", resp.Header)
		}
	})
}

// Another organisation sees neither the accounts, the statement, the contract
// nor its pending actions, and no amount leaks into the refusals.
func TestLedgerOtherOrganisationSeesNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		m.fundAndDeliver(t)
		token := m.tokenFor("seller@rival.test")
		checks := []struct {
			path   string
			status int
		}{
			{"/api/v1/ledger/accounts?org=" + m.company.ID, http.StatusForbidden},
			{"/api/v1/ledger/accounts/" + ledger.PartyAvailable(m.company.ID) + "/statement", http.StatusForbidden},
			{"/api/v1/ledger/accounts/" + ledger.Escrow(m.contractID) + "/statement", http.StatusNotFound},
			{"/api/v1/ledger/accounts/" + ledger.AccountPlatformFees + "/statement", http.StatusForbidden},
			{"/api/v1/ledger/contracts/" + m.contractID + "/timeline", http.StatusNotFound},
			{"/api/v1/ledger/contracts?org=" + m.company.ID, http.StatusForbidden},
			{"/api/v1/ledger/pending?org=" + m.company.ID, http.StatusForbidden},
		}
		for _, c := range checks {
			resp, data := m.raw(http.MethodGet, c.path, token, "", "")
			problemOf(t, resp, data, c.status)
			for _, secret := range []string{"50000000", "40000000", "30000000", "ICBC20260001", m.contractID} {
				if c.status == http.StatusNotFound && secret == m.contractID {
					continue // the caller named it
				}
				if strings.Contains(string(data), secret) {
					t.Errorf("%s leaks %s: %s", c.path, secret, data)
				}
			}
		}
		_, err := m.rivalSeller.ReportRoyalty(ctx, "r-1", m.contractID, client.LedgerRoyaltyReportRequest{PeriodStart: "2026-01-01", PeriodEnd: "2026-01-31"})
		wantStatus(t, err, http.StatusNotFound, "outsider reporting royalties")
		// The rival's own views are empty, not someone else's.
		p, err := m.rivalSeller.LedgerPending(ctx, "")
		if err != nil || len(p.Actions) != 0 {
			t.Fatalf("rival pending %+v %v", p, err)
		}
		list, err := m.rivalSeller.LedgerContracts(ctx, "")
		if err != nil || len(list.Items) != 0 {
			t.Fatalf("rival contracts %+v %v", list, err)
		}
		_, err = m.anon.LedgerPending(ctx, "")
		wantStatus(t, err, http.StatusUnauthorized, "anonymous pending")
		// Operators see everything, including the platform's accounts.
		accts, err := m.operator.LedgerAccounts(ctx, "")
		if err != nil || len(accts.Items) != 3 || accts.Items[0].Account != ledger.AccountBankClearing || accts.Items[0].BalanceFen != -ledgerDeposit {
			t.Fatalf("operator accounts %+v %v", accts, err)
		}
		if _, err := m.operator.LedgerTimeline(ctx, m.contractID); err != nil {
			t.Fatalf("operator timeline: %v", err)
		}
	})
}

func TestLedgerRoyaltyReport(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		tl, err := m.buyer.LedgerTimeline(ctx, m.contractID)
		if err != nil {
			t.Fatal(err)
		}
		start := tl.Agreement.Terms.Royalty.StartDate
		s, _ := time.Parse("2006-01-02", start)
		end := s.AddDate(0, 3, -1).Format("2006-01-02")
		in := client.LedgerRoyaltyReportRequest{PeriodStart: start, PeriodEnd: end, SalesFen: 10_000_000}
		_, err = m.seller.ReportRoyalty(ctx, "roy-1", m.contractID, in)
		wantStatus(t, err, http.StatusForbidden, "the licensor reporting")
		res, err := m.buyer.ReportRoyalty(ctx, "roy-1", m.contractID, in)
		if err != nil {
			t.Fatalf("report: %v", err)
		}
		if len(res.Invoices) != 1 || res.Invoices[0].AmountFen != 500_000 || res.Invoices[0].Kind != ledger.InvoiceRoyalty {
			t.Fatalf("invoices %+v", res.Invoices)
		}
		again, err := m.buyer.ReportRoyalty(ctx, "roy-1", m.contractID, in)
		if err != nil || again.Transaction.ID != res.Transaction.ID || !again.Transaction.Replayed {
			t.Fatalf("replayed report %+v %v", again, err)
		}
		in.SalesFen++
		_, err = m.buyer.ReportRoyalty(ctx, "roy-1", m.contractID, in)
		wantStatus(t, err, http.StatusConflict, "conflicting replay of a report")
		_, err = m.buyer.ReportRoyalty(ctx, "roy-2", m.contractID, in)
		wantStatus(t, err, http.StatusConflict, "overlapping period")
		resp, data := m.rawKey(http.MethodPost, "/api/v1/ledger/contracts/"+m.contractID+"/royalty-reports",
			m.tokenFor("buyer@company.test"), "roy-3", "application/json", `{"period_start":"soon","period_end":"2026-02-30","sales_fen":-1}`)
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "period_start", "period_end", "sales_fen")
		// The invoice is now pending for the licensee.
		p, err := m.buyer.LedgerPending(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range p.Actions {
			found = found || a.Kind == "pay_invoice" && a.InvoiceID == res.Invoices[0].ID && a.AmountFen == 500_000
		}
		if !found {
			t.Fatalf("no pay_invoice action: %+v", p.Actions)
		}
	})
}

func TestLedgerReconciliationUpload(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newLedgerMarket(t, db)
		ctx := context.Background()
		m.fundAndDeliver(t)
		today := time.Now().UTC().Format("2006-01-02")
		csv := "value_date,bank_ref,direction,amount,counterparty,memo\n" +
			today + ",ICBC20260001,in,500000.00,买方科技有限公司,\n" +
			today + ",ICBC20269999,in,12.34,unknown payer,\n"
		_, err := m.buyer.Reconcile(ctx, "buyer.csv", []byte(csv))
		wantStatus(t, err, http.StatusForbidden, "a buyer reconciling")
		rep, err := m.bank.Reconcile(ctx, "icbc-today.csv", []byte(csv))
		if err != nil {
			t.Fatalf("reconcile: %v", err)
		}
		if rep.Replayed || len(rep.Matched) != 1 || rep.Matched[0].By != "reference" || len(rep.UnmatchedBank) != 1 ||
			rep.UnmatchedBank[0].BankRef != "ICBC20269999" || len(rep.UnmatchedLedger) != 0 {
			t.Fatalf("report %+v", rep)
		}
		again, err := m.bank.Reconcile(ctx, "icbc-today.csv", []byte(csv))
		if err != nil || !again.Replayed || again.StatementID != rep.StatementID {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		p, err := m.bank.LedgerPending(ctx, "")
		if err != nil || len(p.UnmatchedBank) != 1 || p.UnmatchedBank[0].StatementName != "icbc-today.csv" || p.UnmatchedBank[0].AmountFen != 1234 {
			t.Fatalf("bank officer's pending %+v %v", p, err)
		}

		bank := m.bankToken
		resp, data := m.raw(http.MethodPost, "/api/v1/ledger/reconciliations", bank, "text/csv",
			"value_date,bank_ref,direction,amount\n2026-01-01,R1,sideways,1.234\n")
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "line 2.direction", "line 2.amount")
		resp, data = m.raw(http.MethodPost, "/api/v1/ledger/reconciliations", bank, "text/csv", "bank_ref,amount\nR1,1.00\n")
		wantField(t, problemOf(t, resp, data, http.StatusUnprocessableEntity), "statement")
		resp, data = m.raw(http.MethodPost, "/api/v1/ledger/reconciliations", bank, "application/json", `{}`)
		problemOf(t, resp, data, http.StatusUnsupportedMediaType)
	})
}
