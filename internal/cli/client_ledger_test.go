package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
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

func TestCLILedgerClientCommands(t *testing.T) {
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
		buyerOrg, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "买方公司", Type: "enterprise", RegionCode: "310101"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: "buyer@company.test", Name: "buyer",
			Password: cliTestPassword, Roles: []domain.OrgRole{{OrgID: buyerOrg.ID, Role: domain.RoleBuyer}}}); err != nil {
			t.Fatal(err)
		}
		token := func(email string) string {
			tok, err := client.New(url, "").CreateToken(ctx, client.TokenRequest{Email: email, Password: cliTestPassword, Name: "cli-test"})
			if err != nil {
				t.Fatal(err)
			}
			return tok.Token
		}
		buyerTok, sellerTok, opTok := token("buyer@company.test"), token("seller@uni.test"), token("operator@exchange.test")
		const contract = "TC-CLI-1"
		if _, err := a.Ledger.RegisterAgreement(ctx, system, "a1", ledger.AgreementInput{ContractID: contract, BuyerOrg: buyerOrg.ID,
			SellerOrg: uni.ID, PlatformFeeBps: 300, Milestones: []ledger.MilestoneInput{{Title: "交付", Amount: 10_000_000}}}); err != nil {
			t.Fatal(err)
		}

		deposit := []string{"ledger", "deposit", "--bank-ref", "B-CLI-1", "--org", buyerOrg.ID, "--amount", "100000.00", "--key", "dep-1",
			"--server", url, "--token", opTok}
		out, _, err := runCLI(t, "", deposit...)
		if err != nil || !strings.Contains(out, "deposit  100,000.00 yuan") || strings.Contains(out, "replayed") {
			t.Fatalf("deposit: %v\n%s", err, out)
		}
		out, _, err = runCLI(t, "", deposit...)
		if err != nil || !strings.Contains(out, "replayed") {
			t.Fatalf("replayed deposit: %v\n%s", err, out)
		}
		deposit[7] = "1.00"
		if _, _, err := runCLI(t, "", deposit...); err == nil || !strings.Contains(err.Error(), "HTTP 409") {
			t.Fatalf("conflicting replay: %v", err)
		}

		buyer := domain.Actor{UserID: "svc-buyer", Roles: []domain.OrgRole{{OrgID: buyerOrg.ID, Role: domain.RoleBuyer}}}
		seller := domain.Actor{UserID: "svc-seller", Roles: []domain.OrgRole{{OrgID: uni.ID, Role: domain.RoleSeller}}}
		if _, err := a.Ledger.HoldEscrow(ctx, buyer, "h1", contract, 10_000_000); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Ledger.DeliverMilestone(ctx, seller, "d1", contract, 1); err != nil {
			t.Fatal(err)
		}

		out, _, err = runCLI(t, "", "ledger", "pending", "--json", "--server", url, "--token", buyerTok)
		if err != nil {
			t.Fatal(err)
		}
		var p client.LedgerPending
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil || len(p.Actions) != 1 || p.Actions[0].Kind != "accept" || p.Actions[0].Due == nil {
			t.Fatalf("pending: %v %+v\n%s", err, p, out)
		}
		out, _, err = runCLI(t, "", "ledger", "pending", "--server", url, "--token", buyerTok)
		deemed := time.Now().UTC().AddDate(0, 0, 15).Format("2006-01-02")
		if err != nil || !strings.Contains(out, "accept") || !strings.Contains(out, contract) || !strings.Contains(out, deemed) {
			t.Fatalf("pending table: %v\n%s", err, out)
		}

		if _, _, err := runCLI(t, "", "ledger", "accept", contract, "1", "--key", "acc-1", "--server", url, "--token", sellerTok); err == nil ||
			!strings.Contains(err.Error(), "HTTP 403") {
			t.Fatalf("seller accepting: %v", err)
		}
		out, _, err = runCLI(t, "", "ledger", "accept", contract, "1", "--key", "acc-1", "--server", url, "--token", buyerTok)
		if err != nil || !strings.Contains(out, "release  100,000.00 yuan") || !strings.Contains(out, ledger.AccountPlatformFees) {
			t.Fatalf("accept: %v\n%s", err, out)
		}

		out, _, err = runCLI(t, "", "ledger", "account-statement", "--account", ledger.PartyAvailable(buyerOrg.ID), "--json",
			"--server", url, "--token", buyerTok)
		if err != nil {
			t.Fatal(err)
		}
		var st client.LedgerStatement
		if err := json.Unmarshal([]byte(out), &st); err != nil || st.Total != 2 || st.ClosingFen != 0 {
			t.Fatalf("statement: %v %+v", err, st)
		}
		if _, _, err := runCLI(t, "", "ledger", "account-statement", "--account", ledger.PartyAvailable(buyerOrg.ID),
			"--server", url, "--token", sellerTok); err == nil || !strings.Contains(err.Error(), "HTTP 403") {
			t.Fatalf("seller reading the buyer's statement: %v", err)
		}
		out, _, err = runCLI(t, "", "ledger", "contract", contract, "--server", url, "--token", sellerTok)
		if err != nil || !strings.Contains(out, "release") || !strings.Contains(out, "released 100,000.00") {
			t.Fatalf("contract: %v\n%s", err, out)
		}
		out, _, err = runCLI(t, "", "ledger", "accounts", "--server", url, "--token", sellerTok)
		if err != nil || !strings.Contains(out, ledger.PartyAvailable(uni.ID)) {
			t.Fatalf("accounts: %v\n%s", err, out)
		}

		file := filepath.Join(t.TempDir(), "bank.csv")
		today := time.Now().UTC().Format("2006-01-02")
		csv := "value_date,bank_ref,direction,amount\n" + today + ",B-CLI-1,in,100000.00\n" + today + ",B-CLI-9,in,5.00\n"
		if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		out, _, err = runCLI(t, "", "ledger", "upload-statement", file, "--server", url, "--token", opTok)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(out, "1 matched") || !strings.Contains(out, "B-CLI-9") {
			t.Fatalf("upload: %v\n%s", err, out)
		}
	})
}
