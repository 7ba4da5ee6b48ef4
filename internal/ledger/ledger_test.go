package ledger_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// A development contract: 2 milestones, 3% platform fee, one broker at 2%,
// the statutory 50% inventor share.
func devContract(id string) ledger.AgreementInput {
	return ledger.AgreementInput{
		ContractID: id, BuyerOrg: "buyer1", SellerOrg: "univ1",
		Milestones:     []ledger.MilestoneInput{{Title: "prototype", Amount: 600_000_00}, {Title: "pilot line", Amount: 400_000_03}},
		PlatformFeeBps: 300, Brokers: []ledger.BrokerShare{{OrgID: "broker1", CommissionBps: 200}},
		StateFunded: true, DeemedAcceptanceDays: 10,
	}
}

func TestEscrowMilestoneLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := newLedger(t, db, ledger.Config{})
		buyer, seller := member("buyer1", domain.RoleBuyer), member("univ1", domain.RoleSeller)

		must(s.RegisterAgreement(ctx, operator, "agr-c1", devContract("c1")))(t)
		dep := must(s.DepositFromBank(ctx, bankOfficer, "bn-1", ledger.BankNotice{BankRef: "BN001", OrgID: "buyer1", Amount: 2_000_000_00}))(t)
		if len(dep.Postings) != 1 || dep.Postings[0].Source != ledger.AccountBankClearing {
			t.Fatalf("deposit postings = %+v", dep.Postings)
		}
		// The buyer cannot escrow more than the price.
		_, err := s.HoldEscrow(ctx, buyer, "hold-too-much", "c1", 1_000_000_04)
		wantKind(t, err, apperr.Conflict)
		_, err = s.HoldEscrow(ctx, seller, "hold-by-seller", "c1", 100)
		wantKind(t, err, apperr.Forbidden)
		must(s.HoldEscrow(ctx, buyer, "hold-1", "c1", 1_000_000_03))(t)

		// Only the buyer (or an operator) accepts; the seller delivers.
		_, err = s.AcceptMilestone(ctx, seller, "acc-x", ledger.AcceptInput{ContractID: "c1", Seq: 1})
		wantKind(t, err, apperr.Forbidden)
		must(s.DeliverMilestone(ctx, seller, "del-1", "c1", 1))(t)
		rel := must(s.AcceptMilestone(ctx, buyer, "acc-1", ledger.AcceptInput{ContractID: "c1", Seq: 1}))(t)
		// 600,000.00 yuan: fee 3% = 18,000.00; broker 2% = 12,000.00; net 570,000.00 → inventors 285,000.00, seller 285,000.00.
		want := []ledger.Posting{
			{Source: "contract:c1:escrow", Destination: "platform:fees", Amount: 18_000_00, Currency: "CNY"},
			{Source: "contract:c1:escrow", Destination: "broker:broker1:commission", Amount: 12_000_00, Currency: "CNY"},
			{Source: "contract:c1:escrow", Destination: "party:univ1:inventor_rewards", Amount: 285_000_00, Currency: "CNY"},
			{Source: "contract:c1:escrow", Destination: "party:univ1:available", Amount: 285_000_00, Currency: "CNY"},
		}
		if !reflect.DeepEqual(rel.Postings, want) {
			t.Fatalf("release postings:\n got %+v\nwant %+v", rel.Postings, want)
		}

		// Replaying the key returns the original; a different request under it is refused.
		again := must(s.AcceptMilestone(ctx, buyer, "acc-1", ledger.AcceptInput{ContractID: "c1", Seq: 1}))(t)
		if !again.Replayed || again.ID != rel.ID || !reflect.DeepEqual(again.Postings, rel.Postings) ||
			!again.RecordedAt.Equal(rel.RecordedAt) {
			t.Fatalf("replay = %+v, want the original %+v", again, rel)
		}
		_, err = s.AcceptMilestone(ctx, buyer, "acc-1", ledger.AcceptInput{ContractID: "c1", Seq: 2})
		wantKind(t, err, apperr.Conflict)
		// A second release of the same milestone under a new key is refused.
		_, err = s.AcceptMilestone(ctx, buyer, "acc-1b", ledger.AcceptInput{ContractID: "c1", Seq: 1})
		wantKind(t, err, apperr.Conflict)

		// Milestone 2 is delivered and, without acceptance, deemed accepted after 10 days.
		must(s.DeliverMilestone(ctx, seller, "del-2", "c1", 2))(t)
		clk.add(9 * 24 * time.Hour)
		if got := must(s.ReleaseDeemed(ctx, system))(t); len(got) != 0 {
			t.Fatalf("released %d milestones before the deadline", len(got))
		}
		clk.add(24 * time.Hour)
		got := must(s.ReleaseDeemed(ctx, system))(t)
		if len(got) != 1 || got[0].Amount != 400_000_03 {
			t.Fatalf("deemed releases = %+v", got)
		}
		// 400,000.03: exact shares 12,000.0009 / 8,000.0006 / 380,000.0285 → floors leave 1 fen, which goes to the
		// largest remainder (the net); net 380,000.03 → inventors 190,000.02 (tie: earlier part), seller 190,000.01.
		if p := got[0].Postings; p[0].Amount != 12_000_00 || p[1].Amount != 8_000_00 || p[2].Amount != 190_000_02 || p[3].Amount != 190_000_01 {
			t.Fatalf("deemed release split = %+v", p)
		}
		if again := must(s.ReleaseDeemed(ctx, system))(t); len(again) != 0 {
			t.Fatalf("deemed release ran twice: %+v", again)
		}
		wantBalances(t, s, map[string]domain.Fen{
			"contract:c1:escrow": 0, "platform:fees": 30_000_00, "broker:broker1:commission": 20_000_00,
			"party:buyer1:available": 999_999_97, "bank:clearing": -2_000_000_00,
		})
		a := must(s.Agreement(ctx, buyer, "c1"))(t)
		if a.Released != a.Price || a.Milestones[1].Status != ledger.MilestoneReleased {
			t.Fatalf("agreement after releases = %+v", a)
		}
		verifyClean(t, db)
	})
}

func TestPartialReleaseRefundAndClawback(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newLedger(t, db, ledger.Config{})
		buyer, seller := member("buyer1", domain.RoleBuyer), member("univ1", domain.RoleSeller)
		brokerUser := member("broker1", domain.RoleBroker)
		in := devContract("c2")
		in.InventorShareBps = intp(6000)
		must(s.RegisterAgreement(ctx, operator, "agr-c2", in))(t)
		must(s.DepositFromBank(ctx, bankOfficer, "bn-2", ledger.BankNotice{BankRef: "BN002", OrgID: "buyer1", Amount: 1_000_000_03}))(t)
		must(s.HoldEscrow(ctx, buyer, "hold-2", "c2", 1_000_000_03))(t)

		// Partial release of milestone 1: 500,000.00 of 600,000.00; the rest stays in escrow.
		must(s.AcceptMilestone(ctx, buyer, "acc-2", ledger.AcceptInput{ContractID: "c2", Seq: 1, Amount: 500_000_00}))(t)
		// The seller agrees to refund the 100,000.00 left from milestone 1 out of escrow.
		_, err := s.Refund(ctx, buyer, "ref-by-buyer", ledger.RefundInput{ContractID: "c2", Amount: 100, Reason: "x"})
		wantKind(t, err, apperr.Forbidden)
		must(s.Refund(ctx, seller, "ref-escrow", ledger.RefundInput{ContractID: "c2", Amount: 100_000_00, Reason: "partial acceptance"}))(t)
		// Escrow now covers exactly milestone 2; refunding more than escrow holds is refused.
		_, err = s.Refund(ctx, operator, "ref-too-much", ledger.RefundInput{ContractID: "c2", Amount: 400_000_04, Reason: "x"})
		wantKind(t, err, apperr.Conflict)

		// The broker withdraws its commission, then a dispute ends in refunding 250,000.00 of the release.
		comm := balance(t, s, "broker:broker1:commission")
		must(s.Withdraw(ctx, brokerUser, "wd-broker", ledger.WithdrawalInput{Account: "broker:broker1:commission", Amount: comm}))(t)
		_, err = s.Refund(ctx, operator, "claw-too-much", ledger.RefundInput{ContractID: "c2", Seq: 1, Amount: 500_000_01, Reason: "x"})
		wantKind(t, err, apperr.Conflict)
		claw := must(s.Refund(ctx, operator, "claw-1", ledger.RefundInput{ContractID: "c2", Seq: 1, Amount: 250_000_00, Reason: "dispute ruling"}))(t)
		// The release was fee 15,000.00, commission 10,000.00, net 475,000.00 → inventors (60%) 285,000.00 and
		// seller 190,000.00. Half of each part comes back; the broker, having withdrawn, owes its half.
		sums := map[string]domain.Fen{}
		for _, p := range claw.Postings {
			if p.Destination != "party:buyer1:available" {
				t.Fatalf("clawback posting not to the buyer: %+v", p)
			}
			sums[p.Source] += p.Amount
		}
		wantSums := map[string]domain.Fen{"platform:fees": 7_500_00, "broker:broker1:receivable": 5_000_00,
			"party:univ1:inventor_rewards": 142_500_00, "party:univ1:available": 95_000_00}
		if !reflect.DeepEqual(sums, wantSums) {
			t.Fatalf("clawback sources = %v, want %v", sums, wantSums)
		}
		// The second half claws back exactly the rest: every part returns to zero.
		must(s.Refund(ctx, operator, "claw-2", ledger.RefundInput{ContractID: "c2", Seq: 1, Amount: 250_000_00, Reason: "dispute ruling"}))(t)
		wantBalances(t, s, map[string]domain.Fen{
			"platform:fees": 0, "broker:broker1:receivable": -10_000_00, "party:univ1:inventor_rewards": 0,
			"party:univ1:available": 0, "contract:c2:escrow": 400_000_03, "party:buyer1:available": 600_000_00,
		})
		_, err = s.Refund(ctx, operator, "claw-3", ledger.RefundInput{ContractID: "c2", Seq: 1, Amount: 1, Reason: "x"})
		wantKind(t, err, apperr.Conflict)
		a := must(s.Agreement(ctx, operator, "c2"))(t)
		if a.EscrowRefunded != 100_000_00 || a.ClawbackRefunded != 500_000_00 || a.Milestones[0].Refunded != 500_000_00 {
			t.Fatalf("agreement totals = %+v", a)
		}
		verifyClean(t, db)
	})
}

func TestVenueRetainsFeeOnRefund(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newLedger(t, db, ledger.Config{})
		in := ledger.AgreementInput{ContractID: "c3", BuyerOrg: "b3", SellerOrg: "s3",
			Milestones: []ledger.MilestoneInput{{Amount: 10_000_00}}, PlatformFeeBps: 1000, InventorShareBps: intp(0),
			PlatformRetainsFeeOnRefund: true}
		must(s.RegisterAgreement(ctx, operator, "agr-c3", in))(t)
		must(s.DepositFromBank(ctx, bankOfficer, "bn-3", ledger.BankNotice{BankRef: "BN003", OrgID: "b3", Amount: 10_000_00}))(t)
		must(s.HoldEscrow(ctx, member("b3", domain.RoleBuyer), "h3", "c3", 10_000_00))(t)
		must(s.AcceptMilestone(ctx, member("b3", domain.RoleBuyer), "a3", ledger.AcceptInput{ContractID: "c3", Seq: 1}))(t)
		// Seller got 9,000.00 and the platform keeps its 1,000.00: the seller must fund the whole refund.
		_, err := s.Refund(ctx, operator, "r3", ledger.RefundInput{ContractID: "c3", Seq: 1, Amount: 10_000_00, Reason: "x"})
		wantKind(t, err, apperr.Conflict) // seller has only 9,000.00
		r := must(s.Refund(ctx, operator, "r3b", ledger.RefundInput{ContractID: "c3", Seq: 1, Amount: 9_000_00, Reason: "x"}))(t)
		if len(r.Postings) != 1 || r.Postings[0].Source != "party:s3:available" || r.Postings[0].Amount != 9_000_00 {
			t.Fatalf("refund postings = %+v", r.Postings)
		}
		wantBalances(t, s, map[string]domain.Fen{"platform:fees": 1_000_00, "party:s3:available": 0})
		verifyClean(t, db)
	})
}

func TestDisputeStopsDeemedAcceptance(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := newLedger(t, db, ledger.Config{})
		buyer, seller := member("buyer1", domain.RoleBuyer), member("univ1", domain.RoleSeller)
		must(s.RegisterAgreement(ctx, operator, "agr", devContract("c4")))(t)
		must(s.DepositFromBank(ctx, bankOfficer, "bn", ledger.BankNotice{BankRef: "BN4", OrgID: "buyer1", Amount: 600_000_00}))(t)
		must(s.HoldEscrow(ctx, buyer, "h", "c4", 600_000_00))(t)
		must(s.DeliverMilestone(ctx, seller, "d1", "c4", 1))(t)
		_, err := s.DeliverMilestone(ctx, seller, "d1-again", "c4", 1)
		wantKind(t, err, apperr.Conflict)
		clk.add(3 * 24 * time.Hour)
		must(s.DisputeMilestone(ctx, buyer, "disp", "c4", 1, "the prototype misses spec 3.2"))(t)
		clk.add(30 * 24 * time.Hour)
		if got := must(s.ReleaseDeemed(ctx, system))(t); len(got) != 0 {
			t.Fatalf("a disputed milestone was deemed accepted: %+v", got)
		}
		acts := must(s.PendingActions(ctx, seller, "univ1"))(t)
		if len(acts) != 1 || acts[0].Kind != "resolve_dispute" {
			t.Fatalf("seller pending actions = %+v", acts)
		}
		// Redelivery restarts the clock; the buyer is then asked to accept.
		must(s.DeliverMilestone(ctx, seller, "d1-redo", "c4", 1))(t)
		acts = must(s.PendingActions(ctx, buyer, "buyer1"))(t)
		if len(acts) != 2 || acts[0].Kind != "accept" || acts[1].Kind != "fund_escrow" {
			t.Fatalf("buyer pending actions = %+v", acts)
		}
		clk.add(10 * 24 * time.Hour)
		if got := must(s.ReleaseDeemed(ctx, system))(t); len(got) != 1 {
			t.Fatalf("redelivered milestone not deemed accepted: %+v", got)
		}
		tl := must(s.Timeline(ctx, seller, "c4"))(t)
		var kinds []string
		for _, e := range tl.Events {
			kinds = append(kinds, e.Kind)
		}
		wantKinds := []string{"agreement", "hold", "deliver", "dispute", "deliver", "release"}
		if !reflect.DeepEqual(kinds, wantKinds) || tl.Events[5].EscrowAfter != 0 || tl.Events[1].EscrowAfter != 600_000_00 {
			t.Fatalf("timeline = %v (%+v)", kinds, tl.Events)
		}
		_, err = s.Timeline(ctx, member("stranger", domain.RoleBuyer), "c4")
		wantKind(t, err, apperr.NotFound)
		verifyClean(t, db)
	})
}

func TestAuctionDeposits(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newLedger(t, db, ledger.Config{})
		for i, org := range []string{"bidA", "bidB", "bidC"} {
			must(s.DepositFromBank(ctx, bankOfficer, "bn-"+org, ledger.BankNotice{BankRef: "BNA" + string(rune('0'+i)), OrgID: org, Amount: 50_000_00}))(t)
			must(s.HoldAuctionDeposit(ctx, member(org, domain.RoleBuyer), "dep-"+org,
				ledger.AuctionDepositInput{AuctionID: "auc1", OrgID: org, Amount: 20_000_00}))(t)
		}
		_, err := s.HoldAuctionDeposit(ctx, member("bidA", domain.RoleBuyer), "dep-x",
			ledger.AuctionDepositInput{AuctionID: "auc1", OrgID: "bidB", Amount: 1})
		wantKind(t, err, apperr.Forbidden)
		// bidA wins: its deposit funds the contract escrow (price 15,000.00; 5,000.00 excess goes back).
		must(s.RegisterAgreement(ctx, operator, "agr-auc", ledger.AgreementInput{ContractID: "auc1-deal", BuyerOrg: "bidA",
			SellerOrg: "sellerZ", Milestones: []ledger.MilestoneInput{{Amount: 15_000_00}}}))(t)
		ap := must(s.ApplyAuctionDeposit(ctx, operator, "apply-A", ledger.AuctionDepositInput{AuctionID: "auc1", OrgID: "bidA", ContractID: "auc1-deal"}))(t)
		if ap.Amount != 15_000_00 || len(ap.Postings) != 2 {
			t.Fatalf("apply = %+v", ap)
		}
		must(s.ReturnAuctionDeposit(ctx, operator, "ret-B", ledger.AuctionDepositInput{AuctionID: "auc1", OrgID: "bidB"}))(t)
		_, err = s.ReturnAuctionDeposit(ctx, operator, "ret-B2", ledger.AuctionDepositInput{AuctionID: "auc1", OrgID: "bidB"})
		wantKind(t, err, apperr.Conflict) // nothing left: returned at most once
		must(s.ForfeitAuctionDeposit(ctx, operator, "forf-C", ledger.AuctionDepositInput{AuctionID: "auc1", OrgID: "bidC"}))(t)
		wantBalances(t, s, map[string]domain.Fen{
			"party:bidA:available": 35_000_00, "contract:auc1-deal:escrow": 15_000_00, "party:bidB:available": 50_000_00,
			"party:bidC:available": 30_000_00, "platform:forfeits": 20_000_00, "deposit:auc1:bidC": 0,
		})
		verifyClean(t, db)
	})
}

func TestInputValidationNamesFields(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newLedger(t, db, ledger.Config{})
		_, err := s.RegisterAgreement(ctx, operator, "bad", ledger.AgreementInput{ContractID: "has:colon", BuyerOrg: "x", SellerOrg: "x",
			Milestones: []ledger.MilestoneInput{{Amount: -5}}, PlatformFeeBps: 9000,
			Brokers: []ledger.BrokerShare{{OrgID: "k", CommissionBps: 2000}}, StateFunded: true, InventorShareBps: intp(3000)})
		fields := map[string]bool{}
		for _, f := range apperr.FieldsOf(err) {
			fields[f.Field] = true
		}
		for _, f := range []string{"contract_id", "seller_org", "milestones[0].amount_fen", "platform_fee_bps", "inventor_share_bps"} {
			if !fields[f] {
				t.Errorf("no field error for %s in %v", f, err)
			}
		}
		_, err = s.DepositFromBank(ctx, bankOfficer, "", ledger.BankNotice{BankRef: "r", OrgID: "o", Amount: 1})
		wantKind(t, err, apperr.Invalid)
		_, err = s.DepositFromBank(ctx, member("o", domain.RoleBuyer), "k", ledger.BankNotice{BankRef: "r", OrgID: "o", Amount: 1})
		wantKind(t, err, apperr.Forbidden)
		_, err = s.DepositFromBank(ctx, domain.Anonymous, "k", ledger.BankNotice{BankRef: "r", OrgID: "o", Amount: 1})
		wantKind(t, err, apperr.Unauthenticated)
		// One bank notice credits once, even under a new idempotency key.
		must(s.DepositFromBank(ctx, bankOfficer, "k1", ledger.BankNotice{BankRef: "SAME", OrgID: "o", Amount: 1}))(t)
		_, err = s.DepositFromBank(ctx, bankOfficer, "k2", ledger.BankNotice{BankRef: "SAME", OrgID: "o", Amount: 1})
		wantKind(t, err, apperr.Conflict)
		verifyClean(t, db)
	})
}

func TestPostingsAreImmutable(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newLedger(t, db, ledger.Config{})
		tx := must(s.DepositFromBank(ctx, bankOfficer, "k", ledger.BankNotice{BankRef: "R1", OrgID: "o", Amount: 100}))(t)
		for _, stmt := range []string{
			`UPDATE ledger_postings SET amount_fen = 1 WHERE tx_id = ?`,
			`DELETE FROM ledger_postings WHERE tx_id = ?`,
			`UPDATE ledger_transactions SET amount_fen = 1 WHERE id = ?`,
			`DELETE FROM ledger_transactions WHERE id = ?`,
		} {
			if _, err := db.Exec(ctx, stmt, tx.ID); err == nil {
				t.Errorf("%s was allowed", stmt)
			}
		}
		// The floor is enforced by the database too, not only in code.
		if _, err := db.Exec(ctx, `UPDATE ledger_balances SET balance_fen = -1 WHERE account = 'party:o:available'`); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("negative party balance: want a CHECK violation, got %v", err)
		}
		verifyClean(t, db)
	})
}

// The journal is the ledger's audit trail: each accepted command's row names
// who did it, for which organisation and from where, and carries its reason;
// no second audit_log row repeats it.
func TestJournalIsTheAuditTrail(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newLedger(t, db, ledger.Config{})
		buyer, seller := member("buyer1", domain.RoleBuyer), member("univ1", domain.RoleSeller)
		buyer.IP = "203.0.113.7"
		must(s.RegisterAgreement(ctx, operator, "agr", devContract("c9")))(t)
		must(s.DepositFromBank(ctx, bankOfficer, "bn", ledger.BankNotice{BankRef: "BN9", OrgID: "buyer1", Amount: 600_000_00}))(t)
		must(s.HoldEscrow(ctx, buyer, "h", "c9", 600_000_00))(t)
		must(s.DeliverMilestone(ctx, seller, "d1", "c9", 1))(t)
		disp := must(s.DisputeMilestone(ctx, buyer, "disp", "c9", 1, "the prototype misses spec 3.2"))(t)
		var actor, org, ip, memo string
		if err := db.QueryRow(ctx, `SELECT actor_id, actor_org, actor_ip, memo FROM ledger_transactions WHERE id = ?`,
			disp.ID).Scan(&actor, &org, &ip, &memo); err != nil {
			t.Fatal(err)
		}
		if actor != buyer.UserID || org != "buyer1" || ip != "203.0.113.7" || memo != "the prototype misses spec 3.2" {
			t.Fatalf("journal row of the dispute: actor %q org %q ip %q memo %q", actor, org, ip, memo)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'ledger.%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d audit_log rows repeat the journal", n)
		}
	})
}
