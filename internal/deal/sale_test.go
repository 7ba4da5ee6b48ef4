package deal_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// auction opens a sale on the platform venue that starts now and runs for the
// given length, with buyers A and B registered.
func (f *fixture) auction(l listing.Listing, method rules.Method, start domain.Fen, reserve *domain.Fen, length time.Duration) (deal.Sale, deal.Deal, deal.Deal) {
	f.t.Helper()
	dA, dB := f.room(l, f.buyerA, ""), f.room(l, f.buyerB, "")
	end := f.clock().Add(length)
	sale := got(f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: l.ID, Method: method, StartPriceFen: start, ReserveFen: reserve, EndsAt: &end}))(f.t)
	got(f.svc.RegisterBidder(f.ctx, f.buyerA, sale.ID, ""))(f.t)
	got(f.svc.RegisterBidder(f.ctx, f.buyerB, sale.ID, ""))(f.t)
	return sale, dA, dB
}

func (f *fixture) bid(a domain.Actor, saleID string, amount domain.Fen) (deal.Bid, error) {
	return f.svc.PlaceBid(f.ctx, a, saleID, deal.BidInput{AmountFen: amount})
}

func TestEnglishAuctionIncrementsAntiSnipingAndServerSideClose(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		reserve := domain.Fen(1_050_000_000)
		sale, dA, dB := f.auction(l, rules.English, 1_000_000_000, &reserve, 30*time.Minute) // platform: +1,000 yuan, 2-minute anti-sniping

		_, err := f.bid(f.buyerA, sale.ID, 999_999_999)
		refusedWith(t, err, apperr.Invalid, "bid_below_minimum")
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "amount_fen" || fe[0].MessageZh == "" {
			t.Fatalf("below-start bid: %v", err)
		}
		b1 := got(f.bid(f.buyerA, sale.ID, 1_000_000_000))(t)
		if b1.Seq != 1 || b1.MinNextFen != 1_000_100_000 {
			t.Fatalf("first bid %+v", b1)
		}
		_, err = f.bid(f.buyerA, sale.ID, 1_100_000_000)
		refusedWith(t, err, apperr.Conflict, "already_leading")
		res, err := f.bid(f.buyerB, sale.ID, 1_000_050_000) // below the increment
		refusedWith(t, err, apperr.Invalid, "bid_below_minimum")
		if res.MinNextFen != 1_000_100_000 {
			t.Fatalf("a refusal should tell the minimum: %+v", res)
		}
		got(f.bid(f.buyerB, sale.ID, 1_000_100_000))(t)

		// Inside the last two minutes a bid moves the close to two minutes after it.
		f.advance(29 * time.Minute)
		b3 := got(f.bid(f.buyerA, sale.ID, 1_060_000_000))(t)
		if !b3.Extended || !b3.EndsAt.Equal(f.clock().Add(2*time.Minute)) {
			t.Fatalf("anti-sniping: %+v (now %v)", b3, f.clock())
		}
		// Closing before the stored close time is refused whoever asks.
		f.advance(90 * time.Second) // the original close has passed, the extended one has not
		_, err = f.svc.CloseSale(f.ctx, f.op, sale.ID)
		refusedWith(t, err, apperr.Conflict, "sale_not_ended")
		f.advance(31 * time.Second)
		// A bid after the close time is refused even before anyone closes the sale.
		_, err = f.bid(f.buyerB, sale.ID, 2_000_000_000)
		refusedWith(t, err, apperr.Conflict, "sale_closed")
		if closed, _ := got2i(f.svc.Tick(f.ctx))(t); closed != 1 {
			t.Fatalf("tick closed %d sales", closed)
		}
		view := got(f.svc.GetSale(f.ctx, f.buyerB, sale.ID))(t)
		if view.State != deal.SaleClosed || view.Outcome != deal.OutcomeSold || view.WinnerOrgID != f.firmA.ID || *view.WinningBidFen != 1_060_000_000 {
			t.Fatalf("closed sale %+v", view.Sale)
		}
		if view.ReserveFen != nil {
			t.Fatal("a bidder sees the reserve")
		}
		winner := got(f.svc.Get(f.ctx, f.buyerA, dA.ID))(t).Deal
		loser := got(f.svc.Get(f.ctx, f.buyerB, dB.ID))(t).Deal
		if winner.State != deal.StateAgreed || winner.AgreedTerms.PriceFen != 1_060_000_000 || loser.State != deal.StateLost {
			t.Fatalf("winner %s %+v, loser %s", winner.State, winner.AgreedTerms, loser.State)
		}
		rep := got(f.svc.VerifyReplay(f.ctx, sale.ID))(t)
		if !rep.Equal || rep.Bids != 3 || rep.Stored.Extensions != 1 {
			t.Fatalf("replay %+v", rep)
		}
		// The winner goes to contract; an auction price needs no further notice.
		got(f.svc.DraftContract(f.ctx, f.seller, winner.ID, licenceTerms(1_060_000_000)))(t)
	})
}

func TestReserveNotMetLeavesTheListingUnsold(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		reserve := domain.Fen(2_000_000_000)
		sale, dA, _ := f.auction(l, rules.English, 1_000_000_000, &reserve, 15*time.Minute)
		got(f.bid(f.buyerA, sale.ID, 1_500_000_000))(t)
		view := got(f.svc.GetSale(f.ctx, f.buyerA, sale.ID))(t)
		if view.ReserveMet == nil || *view.ReserveMet || !view.YouLead {
			t.Fatalf("view %+v", view)
		}
		f.advance(16 * time.Minute)
		closed := got(f.svc.CloseSale(f.ctx, f.buyerA, sale.ID))(t)
		if closed.Outcome != deal.OutcomeUnsold || closed.WinnerOrgID != "" {
			t.Fatalf("closed %+v", closed)
		}
		if d := got(f.svc.Get(f.ctx, f.buyerA, dA.ID))(t).Deal; d.State != deal.StateRoomOpen {
			t.Fatalf("an unsold sale changed the bidder's room to %s", d.State)
		}
		_, err := f.svc.CloseSale(f.ctx, f.op, sale.ID)
		refusedWith(t, err, apperr.Conflict, "invalid_transition")
	})
}

func TestSealedBidTieGoesToTheEarlierBidDeterministically(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		sale, _, _ := f.auction(l, rules.Sealed, 500_000_000, nil, 20*time.Minute)
		got(f.bid(f.buyerB, sale.ID, 800_000_000))(t)
		got(f.bid(f.buyerA, sale.ID, 800_000_000))(t)
		_, err := f.bid(f.buyerA, sale.ID, 900_000_000)
		refusedWith(t, err, apperr.Conflict, "already_bid")
		// Sealed: before the close a bidder sees only its own bid; the price is hidden.
		bids := got(f.svc.Bids(f.ctx, f.buyerA, sale.ID))(t)
		if len(bids) != 1 || !bids[0].Mine {
			t.Fatalf("bidder A sees %+v", bids)
		}
		if v := got(f.svc.GetSale(f.ctx, f.buyerA, sale.ID))(t); v.CurrentPriceFen != nil {
			t.Fatal("sealed price visible before the close")
		}
		f.advance(21 * time.Minute)
		closed := got(f.svc.CloseSale(f.ctx, f.seller, sale.ID))(t)
		if closed.WinnerOrgID != f.firmB.ID || closed.WinningSeq != 1 {
			t.Fatalf("tie went to %s (seq %d), want the earlier bid of B", closed.WinnerOrgID, closed.WinningSeq)
		}
		if all := got(f.svc.Bids(f.ctx, f.buyerA, sale.ID))(t); len(all) != 2 {
			t.Fatalf("after the close all bids are public: %+v", all)
		}
	})
}

func TestSealedWinnerIsIndependentOfInputOrder(t *testing.T) {
	bids := []deal.StoredBid{{Seq: 4, OrgID: "d", Amount: 900}, {Seq: 2, OrgID: "b", Amount: 900}, {Seq: 1, OrgID: "a", Amount: 700},
		{Seq: 3, OrgID: "c", Amount: 900}, {Seq: 5, OrgID: "e", Amount: 100}}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		rng.Shuffle(len(bids), func(i, j int) { bids[i], bids[j] = bids[j], bids[i] })
		if w, ok := deal.SealedWinner(bids); !ok || w.OrgID != "b" {
			t.Fatalf("winner %+v for %+v", w, bids)
		}
	}
}

func TestListingWithSeveralBuyersGoesToAuction(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		dA, dB := f.room(l, f.buyerA, ""), f.room(l, f.buyerB, "")
		// east: listing for 20 working days, deposit 10% (min 10,000 yuan), several buyers → English auction.
		short := f.clock().Add(7 * 24 * time.Hour)
		_, err := f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: l.ID, Venue: "east", Method: rules.Listing, StartPriceFen: 300_000_000, EndsAt: &short})
		refusedWith(t, err, apperr.Invalid, "notice_too_short")
		sale := got(f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: l.ID, Venue: "east", Method: rules.Listing, StartPriceFen: 300_000_000}))(t)
		// 20 working days after Fri 26 Sept 2025 end on Thu 30 Oct (the National Day holiday skipped).
		if !sale.EndsAt.Equal(cst(2025, 10, 31, 0, 0)) || sale.DepositFen != 30_000_000 {
			t.Fatalf("listing ends %v, deposit %d", sale.EndsAt, sale.DepositFen)
		}
		_, err = f.svc.RegisterBidder(f.ctx, f.buyerA, sale.ID, "")
		refusedWith(t, err, apperr.Conflict, "deposit_missing")
		if err := f.svc.ConfirmDeposit(f.ctx, f.buyerA, sale.ID, f.firmA.ID, 30_000_000); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a bidder confirmed its own deposit: %v", err)
		}
		for _, org := range []string{f.firmA.ID, f.firmB.ID} {
			if err := f.svc.ConfirmDeposit(f.ctx, f.op, sale.ID, org, 30_000_000); err != nil {
				t.Fatal(err)
			}
		}
		got(f.svc.RegisterBidder(f.ctx, f.buyerA, sale.ID, ""))(t)
		got(f.svc.RegisterBidder(f.ctx, f.buyerB, sale.ID, ""))(t)
		_, err = f.bid(f.buyerA, sale.ID, 290_000_000)
		refusedWith(t, err, apperr.Invalid, "not_listed_price")
		got(f.bid(f.buyerA, sale.ID, 300_000_000))(t)
		got(f.bid(f.buyerB, sale.ID, 300_000_000))(t)
		// Agreement pricing is closed while the sale runs, and bidders cannot walk away.
		_, err = f.svc.MakeOffer(f.ctx, f.buyerA, dA.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 1}})
		refusedWith(t, err, apperr.Conflict, "priced_by_sale")
		_, err = f.svc.Withdraw(f.ctx, f.buyerA, dA.ID, "改变主意")
		refusedWith(t, err, apperr.Conflict, "in_running_sale")

		f.setNow(cst(2025, 10, 31, 0, 0))
		closed := got(f.svc.CloseSale(f.ctx, domain.SystemActor("test"), sale.ID))(t)
		if closed.Outcome != deal.OutcomeToAuction || closed.FollowOnSaleID == "" {
			t.Fatalf("closed listing %+v", closed)
		}
		next := got(f.svc.GetSale(f.ctx, f.op, closed.FollowOnSaleID))(t)
		if next.Method != rules.English || next.StartPriceFen != 300_000_000 || next.Bidders != 2 || next.IncrementFen != 1_000_000 {
			t.Fatalf("follow-on auction %+v", next)
		}
		got(f.bid(f.buyerB, next.ID, 300_000_000))(t)
		got(f.bid(f.buyerA, next.ID, 301_000_000))(t)
		f.advance(61 * time.Minute)
		won := got(f.svc.CloseSale(f.ctx, f.op, next.ID))(t)
		if won.WinnerOrgID != f.firmA.ID {
			t.Fatalf("winner %s", won.WinnerOrgID)
		}
		if got(f.svc.Get(f.ctx, f.buyerB, dB.ID))(t).Deal.State != deal.StateLost {
			t.Fatal("the other buyer's room did not end")
		}
	})
}

func TestTradingEligibilityForStateOwnedAndAssetTypes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		stateOwned := f.publish(true, "invention_patent")
		f.room(stateOwned, f.buyerA, "")
		// east allows no sealed bids for state-owned achievements.
		later := f.clock().Add(30 * 24 * time.Hour)
		_, err := f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: stateOwned.ID, Venue: "east", Method: rules.Sealed,
			StartPriceFen: 100_000_000, StartsAt: &later})
		refusedWith(t, err, apperr.Invalid, "state_owned_method")
		// north has no sealed bids at all.
		_, err = f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: stateOwned.ID, Venue: "north", Method: rules.Sealed, StartPriceFen: 100_000_000})
		refusedWith(t, err, apperr.Invalid, "method_not_offered")
		// An auction must be announced: east asks 5 working days.
		_, err = f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: stateOwned.ID, Venue: "east", Method: rules.English, StartPriceFen: 100_000_000})
		refusedWith(t, err, apperr.Invalid, "announce_too_short")
		// A state-owned listing on the platform (10-day listings) must run the 15-day notice.
		short := f.clock().Add(12 * 24 * time.Hour)
		_, err = f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: stateOwned.ID, Method: rules.Listing, StartPriceFen: 100_000_000, EndsAt: &short})
		refusedWith(t, err, apperr.Invalid, "notice_too_short")
		if r, _ := deal.ReasonOf(err); r.Field != "ends_at" {
			t.Fatalf("refusal field %q", r.Field)
		}
		ok := got(f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: stateOwned.ID, Method: rules.Listing, StartPriceFen: 100_000_000}))(t)
		if !ok.EndsAt.Equal(cst(2025, 10, 12, 0, 0)) {
			t.Fatalf("state-owned listing on the platform ends %v", ok.EndsAt)
		}

		// Technology secrets are never auctioned at east.
		secret := f.publish(false, "technology_secret")
		f.room(secret, f.buyerA, "")
		_, err = f.svc.OpenSale(f.ctx, f.seller, deal.SaleInput{ListingID: secret.ID, Venue: "east", Method: rules.English,
			StartPriceFen: 100_000_000, StartsAt: &later})
		refusedWith(t, err, apperr.Invalid, "method_not_permitted_for_asset")

		// A rule set that would notice a state-owned price for less than 15 days is refused.
		rs := got(f.svc.RuleSet(f.ctx, "platform", 0))(t)
		rs.StateOwned.Notice = rules.Period{Days: 10, Unit: rules.CalendarDays}
		rs.StateOwned.Methods = append(rs.StateOwned.Methods, rules.Challenge)
		_, err = f.svc.PublishRuleSet(f.ctx, f.op, "platform", rs, "too short")
		codes := map[string]string{}
		for _, fe := range apperr.FieldsOf(err) {
			codes[fe.Field] = fe.Code
		}
		if codes["state_owned.notice"] != "below_legal_minimum" || codes["state_owned.methods[4]"] != "unlawful" {
			t.Fatalf("unlawful rule set: %v", err)
		}
		if _, err := f.svc.PublishRuleSet(f.ctx, f.buyerA, "platform", rs, "x"); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a buyer changed venue rules: %v", err)
		}
	})
}

func TestRuleSetChangesNeverReachRunningDeals(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		agreement := f.room(f.publish(false, "invention_patent"), f.buyerA, "")
		sale, _, _ := f.auction(l, rules.English, 100_000_000, nil, time.Hour)

		rs := got(f.svc.RuleSet(f.ctx, "platform", 0))(t)
		rs.Auction.IncrementFen = 5_000_000
		rs.Fees.Seller = rules.Rate{RateBP: 1000} // 10%
		v2 := got(f.svc.PublishRuleSet(f.ctx, f.op, "platform", rs, "raise increment and seller fee"))(t)
		if v2.Version != 2 {
			t.Fatalf("published version %d", v2.Version)
		}
		if versions := got(f.svc.RuleSetVersions(f.ctx, "platform"))(t); len(versions) != 2 || versions[1].Note == "" {
			t.Fatalf("versions %+v", versions)
		}
		// The running auction keeps its 1,000-yuan increment.
		got(f.bid(f.buyerA, sale.ID, 100_000_000))(t)
		got(f.bid(f.buyerB, sale.ID, 100_100_000))(t)
		// A new auction runs under version 2.
		l2 := f.publish(false, "invention_patent")
		sale2, _, _ := f.auction(l2, rules.English, 100_000_000, nil, time.Hour)
		if sale2.RuleVersion != 2 || sale2.IncrementFen != 5_000_000 {
			t.Fatalf("new sale under v%d, increment %d", sale2.RuleVersion, sale2.IncrementFen)
		}
		got(f.bid(f.buyerA, sale2.ID, 100_000_000))(t)
		_, err := f.bid(f.buyerB, sale2.ID, 100_100_000)
		refusedWith(t, err, apperr.Invalid, "bid_below_minimum")

		// The agreement deal opened under version 1 concludes with version 1's fees.
		o := got(f.svc.MakeOffer(f.ctx, f.seller, agreement.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 100_000_000}}))(t)
		got(f.svc.RespondOffer(f.ctx, f.buyerA, agreement.ID, o.ID, true))(t)
		cv := got(f.svc.DraftContract(f.ctx, f.seller, agreement.ID, licenceTerms(100_000_000)))(t)
		got(f.svc.Sign(f.ctx, f.seller, agreement.ID, cv.Version, cv.HTMLSHA256))(t)
		d := got(f.svc.Sign(f.ctx, f.buyerA, agreement.ID, cv.Version, cv.HTMLSHA256))(t)
		if d.RuleVersion != 1 || *d.SellerFeeFen != 500_000 { // 0.5% of 1,000,000 yuan = 5,000 yuan
			t.Fatalf("deal under v%d paid seller fee %d", d.RuleVersion, *d.SellerFeeFen)
		}
	})
}

func got2i(a, b int, err error) func(t *testing.T) (int, int) {
	return func(t *testing.T) (int, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}
