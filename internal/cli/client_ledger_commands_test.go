package cli

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
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

var printedKey = regexp.MustCompile(`idempotency key: (cli-[0-9a-f]+)`)

// wantRefused checks a command failed with a non-zero exit and the HTTP status.
func wantRefused(t *testing.T, err error, status, what string) {
	t.Helper()
	var ee *exitError
	if !errors.As(err, &ee) || ee.code == 0 || !strings.Contains(err.Error(), "HTTP "+status) {
		t.Fatalf("%s: want a non-zero exit with HTTP %s, got %v", what, status, err)
	}
}

func TestCLILedgerCommands(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		isolateClientConfig(t)
		url, a := cliMarket(t, db)
		ctx := context.Background()
		system := domain.SystemActor("test")
		unis, err := a.Identity.ListOrgs(ctx, "university")
		if err != nil || len(unis) != 1 {
			t.Fatalf("university: %v %d", err, len(unis))
		}
		uni := unis[0]
		mkBuyer := func(name, email string) identity.Org {
			o, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: name, Type: "enterprise", RegionCode: "310101"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: email, Name: email,
				Password: cliTestPassword, Roles: []domain.OrgRole{{OrgID: o.ID, Role: domain.RoleBuyer}}}); err != nil {
				t.Fatal(err)
			}
			return o
		}
		buyerOrg := mkBuyer("买方公司", "buyer@company.test")
		mkBuyer("另一公司", "rival@rival.test")
		token := func(email string) string {
			tok, err := client.New(url, "").CreateToken(ctx, client.TokenRequest{Email: email, Password: cliTestPassword, Name: "cli-test"})
			if err != nil {
				t.Fatal(err)
			}
			return tok.Token
		}
		buyerTok, sellerTok, opTok, rivalTok := token("buyer@company.test"), token("seller@uni.test"), token("operator@exchange.test"),
			token("rival@rival.test")
		const contract = "TC-CLI-2"
		if _, err := a.Ledger.RegisterAgreement(ctx, system, "a2", ledger.AgreementInput{ContractID: contract, BuyerOrg: buyerOrg.ID,
			SellerOrg: uni.ID, PlatformFeeBps: 300, Milestones: []ledger.MilestoneInput{{Title: "交付", Amount: 6_000_000},
				{Title: "培训", Amount: 4_000_000}},
			Royalty: &ledger.RoyaltyTerms{StartDate: time.Now().UTC().Format("2006-01-02"), EntryFee: 500_000,
				Tiers: []ledger.RoyaltyTier{{RateBps: 300}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Ledger.DepositFromBank(ctx, system, "d1", ledger.BankNotice{BankRef: "B-CLI-2", OrgID: buyerOrg.ID,
			Amount: 20_000_000}); err != nil {
			t.Fatal(err)
		}
		balance := func(acct string) domain.Fen {
			t.Helper()
			b, err := a.Ledger.Balance(ctx, system, acct)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		buyerAcct := ledger.PartyAvailable(buyerOrg.ID)
		cli := func(tok string, args ...string) (string, string, error) {
			return runCLI(t, "", append(args, "--server", url, "--token", tok)...)
		}

		// Refusals exit non-zero and move nothing.
		_, _, err = cli(rivalTok, "ledger", "hold", contract, "--amount", "100000.00")
		wantRefused(t, err, "404", "another organisation funding escrow")
		_, _, err = cli(sellerTok, "ledger", "hold", contract, "--amount", "100000.00")
		wantRefused(t, err, "403", "the seller funding escrow")
		_, _, err = cli(buyerTok, "ledger", "hold", contract, "--amount", "100000.01")
		wantRefused(t, err, "409", "escrow above the price")
		if _, _, err := cli(buyerTok, "ledger", "hold", contract, "--amount", "lots"); err == nil || !strings.Contains(err.Error(), "--amount") {
			t.Fatalf("bad amount: %v", err)
		}
		if got := balance(buyerAcct); got != 20_000_000 {
			t.Fatalf("refused holds moved money: %d", got)
		}

		// Hold with a generated key, printed so it can be reused.
		out, stderr, err := cli(buyerTok, "ledger", "hold", contract, "--amount", "100000.00")
		m := printedKey.FindStringSubmatch(stderr)
		if err != nil || m == nil || !strings.Contains(out, "hold  100,000.00 yuan") || strings.Contains(out, "replayed") {
			t.Fatalf("hold: %v\nstdout %s\nstderr %s", err, out, stderr)
		}
		out, stderr, err = cli(buyerTok, "ledger", "hold", contract, "--amount", "100000.00", "--idempotency-key", m[1], "--json")
		var tx client.LedgerTransaction
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err != nil || dec.Decode(&tx) != nil || !tx.Replayed || tx.Kind != ledger.KindHold || stderr != "" {
			t.Fatalf("replayed hold: %v %+v\n%s\nstderr %s", err, tx, out, stderr)
		}
		_, _, err = cli(buyerTok, "ledger", "hold", contract, "--amount", "1.00", "--idempotency-key", m[1])
		wantRefused(t, err, "409", "conflicting replay of a hold")
		if got := balance(buyerAcct); got != 10_000_000 {
			t.Fatalf("after one hold: %d", got)
		}

		// Deliver, dispute, deliver again, accept.
		_, _, err = cli(buyerTok, "ledger", "deliver", contract, "1", "--idempotency-key", "dl-0")
		wantRefused(t, err, "403", "the buyer delivering")
		if out, _, err := cli(sellerTok, "ledger", "deliver", contract, "1", "--idempotency-key", "dl-1"); err != nil || !strings.Contains(out, "deliver") {
			t.Fatalf("deliver: %v\n%s", err, out)
		}
		_, _, err = cli(buyerTok, "ledger", "dispute", contract, "1", "--reason", "", "--idempotency-key", "dp-0")
		wantRefused(t, err, "422", "a dispute without a reason")
		if out, _, err := cli(buyerTok, "ledger", "dispute", contract, "1", "--reason", "图纸不全", "--idempotency-key", "dp-1"); err != nil ||
			!strings.Contains(out, "dispute") {
			t.Fatalf("dispute: %v\n%s", err, out)
		}
		if _, _, err := cli(sellerTok, "ledger", "deliver", contract, "1", "--idempotency-key", "dl-2"); err != nil {
			t.Fatalf("redeliver: %v", err)
		}
		if _, _, err := cli(buyerTok, "ledger", "accept", contract, "1", "--key", "acc-1"); err != nil {
			t.Fatalf("accept: %v", err)
		}

		// Refund: the seller from escrow, the operator from the release.
		_, _, err = cli(buyerTok, "ledger", "refund", contract, "--amount", "1.00", "--reason", "x")
		wantRefused(t, err, "403", "the buyer refunding")
		if out, _, err := cli(sellerTok, "ledger", "refund", contract, "--amount", "40000.00", "--reason", "培训取消"); err != nil ||
			!strings.Contains(out, "refund  40,000.00 yuan") {
			t.Fatalf("escrow refund: %v\n%s", err, out)
		}
		if out, _, err := cli(opTok, "ledger", "refund", contract, "--seq", "1", "--amount", "6000.00", "--reason", "质量折让"); err != nil ||
			!strings.Contains(out, "refund  6,000.00 yuan") {
			t.Fatalf("clawback refund: %v\n%s", err, out)
		}
		if got := balance(buyerAcct); got != 10_000_000+4_000_000+600_000 {
			t.Fatalf("after the refunds: %d", got)
		}

		// Pay the entry-fee invoice.
		tl, err := a.Ledger.Timeline(ctx, system, contract)
		if err != nil || len(tl.Invoices) != 1 {
			t.Fatalf("invoices: %v %+v", err, tl.Invoices)
		}
		inv := tl.Invoices[0].ID
		_, _, err = cli(rivalTok, "ledger", "pay-invoice", inv)
		wantRefused(t, err, "404", "another organisation paying")
		if out, _, err := cli(buyerTok, "ledger", "pay-invoice", inv, "--idempotency-key", "pay-1"); err != nil ||
			!strings.Contains(out, "royalty_payment  5,000.00 yuan") {
			t.Fatalf("pay: %v\n%s", err, out)
		}
		_, _, err = cli(buyerTok, "ledger", "pay-invoice", inv, "--idempotency-key", "pay-2")
		wantRefused(t, err, "409", "paying twice")

		// Withdraw.
		_, _, err = cli(sellerTok, "ledger", "withdraw", "--account", buyerAcct, "--amount", "1.00")
		wantRefused(t, err, "403", "another organisation withdrawing")
		before := balance(buyerAcct)
		out, _, err = cli(buyerTok, "ledger", "withdraw", "--account", buyerAcct, "--amount", "1000.00", "--idempotency-key", "wd-1")
		if err != nil || !strings.Contains(out, "withdrawal  1,000.00 yuan") || !strings.Contains(out, "bank reference TM") {
			t.Fatalf("withdraw: %v\n%s", err, out)
		}
		if got := balance(buyerAcct); got != before-100_000 {
			t.Fatalf("after withdrawing: %d", got)
		}

		// Deemed acceptance now: operators only.
		_, _, err = cli(buyerTok, "ledger", "release-deemed")
		wantRefused(t, err, "403", "a buyer running deemed acceptance")
		out, _, err = cli(opTok, "ledger", "release-deemed")
		if err != nil || !strings.Contains(out, "0 milestones released") {
			t.Fatalf("release-deemed: %v\n%s", err, out)
		}
		out, _, err = cli(opTok, "ledger", "release-deemed", "--json")
		var res client.LedgerDeemedResult
		if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.Count != 0 || res.Released == nil {
			t.Fatalf("release-deemed --json: %v\n%s", err, out)
		}
	})
}
