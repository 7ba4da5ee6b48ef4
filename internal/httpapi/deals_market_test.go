package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// roomFor opens a buyer's deal room on a listing and accepts the NDA.
func roomFor(t *testing.T, c *client.Client, listingID string) *client.Deal {
	t.Helper()
	ctx := context.Background()
	d := must[*client.Deal](t)(c.ExpressInterest(ctx, client.InterestInput{ListingID: listingID}))
	return must[*client.Deal](t)(c.AcceptNDA(ctx, d.ID, 1))
}

// TestAuctionOverAPI runs an English auction: registration, ETag polling, bids
// with an idempotency key, refused bad bids that change nothing, anti-sniping,
// the server-side close and the replay proof.
func TestAuctionOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("固态电解质拍卖"))
		dA, dB := roomFor(t, m.buyer, l.ID), roomFor(t, m.buyer2, l.ID)

		end := m.clock().Add(30 * time.Minute)
		reserve := int64(105_000_000)
		_, err := m.buyer.OpenSale(ctx, client.SaleInput{ListingID: l.ID, Method: "auction_english", StartPriceFen: 100_000_000, EndsAt: &end})
		wantStatus(t, err, http.StatusForbidden, "a buyer opening a sale")
		_, err = m.seller.OpenSale(ctx, client.SaleInput{ListingID: l.ID, Method: "auction_english", StartPriceFen: 100_000_000, IncrementFen: 1, EndsAt: &end})
		if fs := fieldSet(client.FieldErrors(err)); client.StatusCode(err) != 422 || !fs["increment_fen"] {
			t.Fatalf("an increment below the venue's: %v", err)
		}
		sale := must[*client.Sale](t)(m.seller.OpenSale(ctx, client.SaleInput{ListingID: l.ID, Method: "auction_english",
			StartPriceFen: 100_000_000, ReserveFen: &reserve, EndsAt: &end}))
		if sale.IncrementFen != 100_000 || sale.AntiSnipingSec != 120 || sale.State != "open" {
			t.Fatalf("sale %+v", sale)
		}
		_, err = m.buyer.PlaceBid(ctx, sale.ID, 100_000_000, "")
		wantRefusal(t, err, http.StatusConflict, "sale_id", "not_registered")
		must[*client.Bidder](t)(m.buyer.RegisterBidder(ctx, sale.ID, ""))
		must[*client.Bidder](t)(m.buyer2.RegisterBidder(ctx, sale.ID, ""))

		board := must[[]client.SaleView](t)(m.anon.Sales(ctx, ""))
		if len(board) != 1 || board[0].ID != sale.ID || board[0].ReserveFen != nil {
			t.Fatalf("sale board %+v", board)
		}
		view, tag, err := m.buyer.PollSale(ctx, sale.ID, "")
		if err != nil || view == nil || tag == "" || view.MinNextFen != 100_000_000 || !view.Registered || view.ReserveFen != nil {
			t.Fatalf("first poll %+v %q %v", view, tag, err)
		}
		unchanged := func(what string) {
			t.Helper()
			if v, again, err := m.buyer.PollSale(ctx, sale.ID, tag); err != nil || v != nil || again != tag {
				t.Fatalf("%s changed the sale (or the ETag): %+v %v", what, v, err)
			}
		}
		unchanged("nothing")

		_, err = m.buyer.PlaceBid(ctx, sale.ID, 99_999_999, "")
		wantRefusal(t, err, http.StatusUnprocessableEntity, "amount_fen", "bid_below_minimum")
		unchanged("a bid below the start price")
		b1 := must[*client.Bid](t)(m.buyer.PlaceBid(ctx, sale.ID, 100_000_000, "retry-1"))
		again := must[*client.Bid](t)(m.buyer.PlaceBid(ctx, sale.ID, 100_000_000, "retry-1"))
		if b1.Seq != 1 || b1.MinNextFen != 100_100_000 || !again.Duplicate || again.Seq != 1 {
			t.Fatalf("bid %+v, retry %+v", b1, again)
		}
		view, tag, _ = m.buyer.PollSale(ctx, sale.ID, tag)
		if view == nil || view.BidCount != 1 || !view.YouLead || *view.ReserveMet {
			t.Fatalf("after the first bid %+v", view)
		}
		_, err = m.buyer.PlaceBid(ctx, sale.ID, 120_000_000, "")
		wantRefusal(t, err, http.StatusConflict, "sale_id", "already_leading")
		_, err = m.buyer2.PlaceBid(ctx, sale.ID, 100_050_000, "")
		wantRefusal(t, err, http.StatusUnprocessableEntity, "amount_fen", "bid_below_minimum")
		unchanged("refused bids")
		must[*client.Bid](t)(m.buyer2.PlaceBid(ctx, sale.ID, 100_100_000, ""))

		// Inside the last two minutes a bid moves the close.
		m.advance(29 * time.Minute)
		b3 := must[*client.Bid](t)(m.buyer.PlaceBid(ctx, sale.ID, 106_000_000, ""))
		if !b3.Extended || !b3.EndsAt.Equal(m.clock().Add(2*time.Minute)) {
			t.Fatalf("anti-sniping %+v", b3)
		}
		bids, btag, err := m.buyer2.PollBids(ctx, sale.ID, 1, "")
		if err != nil || len(bids) != 2 || bids[0].Seq != 2 || !bids[0].Mine || bids[1].Mine || bids[1].OrgID != "" ||
			!strings.Contains(bids[1].Bidder, "Bidder") {
			t.Fatalf("bids after 1: %+v %v", bids, err)
		}
		if b, t2, _ := m.buyer2.PollBids(ctx, sale.ID, 1, btag); b != nil || t2 != btag {
			t.Fatalf("unchanged bid list answered %+v", b)
		}
		_, err = m.seller.CloseSale(ctx, sale.ID)
		wantRefusal(t, err, http.StatusConflict, "sale_id", "sale_not_ended")
		m.advance(3 * time.Minute)
		_, err = m.buyer2.PlaceBid(ctx, sale.ID, 200_000_000, "")
		wantRefusal(t, err, http.StatusConflict, "sale_id", "sale_closed")
		closed := must[*client.Sale](t)(m.buyer2.CloseSale(ctx, sale.ID))
		if closed.State != "closed" || closed.Outcome != "sold" || closed.WinnerOrgID != m.company.ID || *closed.WinningBidFen != 106_000_000 {
			t.Fatalf("closed %+v", closed)
		}
		_, err = m.seller.CloseSale(ctx, sale.ID)
		wantRefusal(t, err, http.StatusConflict, "sale_id", "invalid_transition")
		if rep := must[*client.ReplayReport](t)(m.anon.ReplaySale(ctx, sale.ID)); !rep.Equal || rep.Bids != 3 {
			t.Fatalf("replay %+v", rep)
		}
		won := must[*client.Room](t)(m.buyer.GetDeal(ctx, dA.ID))
		lost := must[*client.Room](t)(m.buyer2.GetDeal(ctx, dB.ID))
		if won.Deal.State != "agreed" || won.Deal.AgreedTerms.PriceFen != 106_000_000 || lost.Deal.State != "lost" {
			t.Fatalf("winner %s, loser %s", won.Deal.State, lost.Deal.State)
		}
		// The seller sees bidder organisations after the close; the reserve stays its own.
		if v := must[*client.SaleView](t)(m.seller.GetSale(ctx, sale.ID)); v.ReserveFen == nil || *v.ReserveFen != reserve {
			t.Fatalf("seller's view %+v", v)
		}
		if v := must[*client.SaleView](t)(m.anon.GetSale(ctx, sale.ID)); v.ReserveFen != nil || v.LeaderOrgID != "" {
			t.Fatalf("anonymous view leaks %+v", v)
		}
		// An offer on a listing priced by its own sale's winner: the winner goes to contract.
		must[*client.ContractVersion](t)(m.seller.DraftContract(ctx, dA.ID, licenceTermsJSON(106_000_000)))
	})
}

// TestChallengeToSelectedWinnerOverAPI publishes a need as a challenge, takes
// two proposals, refuses an early selection, a late proposal and a selection
// without feedback, then awards one and tells the other why.
func TestChallengeToSelectedWinnerOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		need := must[*client.Listing](t)(m.buyer.CreateListing(ctx, client.NewListing{ListingInput: client.ListingInput{Kind: "need",
			TitleZh: "低温电池电解液", SummaryZh: "零下40度可用的电解液。", DetailZh: secretDetail, Field: "NE", RegionCode: "110108"}, Submit: true}))
		must[*client.Listing](t)(m.operator.ReviewListing(ctx, need.ID, true, ""))

		_, err := m.buyer.OpenChallenge(ctx, client.ChallengeInput{ListingID: need.ID, RewardFen: 50_000_000, Deadline: m.chinaDate(2)})
		wantRefusal(t, err, http.StatusUnprocessableEntity, "deadline", "too_soon")
		_, err = m.seller.OpenChallenge(ctx, client.ChallengeInput{ListingID: need.ID, RewardFen: 50_000_000, Deadline: m.chinaDate(30)})
		wantStatus(t, err, http.StatusForbidden, "a stranger opening a challenge")
		c := must[*client.Challenge](t)(m.buyer.OpenChallenge(ctx, client.ChallengeInput{ListingID: need.ID, RewardFen: 50_000_000,
			Deadline: m.chinaDate(30), Criteria: "零下40度容量保持率≥80%", MaxWinners: 1}))

		board := must[[]client.Challenge](t)(m.anon.Challenges(ctx, ""))
		if len(board) != 1 || board[0].ID != c.ID || board[0].State != "open" {
			t.Fatalf("challenge board %+v", board)
		}
		if awarded := must[[]client.Challenge](t)(m.anon.Challenges(ctx, "awarded")); len(awarded) != 0 {
			t.Fatalf("awarded board %+v", awarded)
		}
		// The university reads the need's detail under NDA before proposing; the rival proposes blind.
		roomFor(t, m.seller, need.ID)
		byUni := must[*client.Proposal](t)(m.seller.SubmitProposal(ctx, c.ID, client.ProposalInput{Summary: "离子液体添加剂", Plan: "两阶段开发", DurationMonths: 12}))
		byRival := must[*client.Proposal](t)(m.rivalSeller.SubmitProposal(ctx, c.ID, client.ProposalInput{Summary: "氟代溶剂", PriceFen: 80_000_000, DurationMonths: 18}))
		_, err = m.seller.SubmitProposal(ctx, c.ID, client.ProposalInput{Summary: "again", DurationMonths: 1})
		wantRefusal(t, err, http.StatusConflict, "challenge_id", "already_proposed")

		if v := must[*client.ChallengeView](t)(m.anon.GetChallenge(ctx, c.ID)); len(v.Proposals) != 0 {
			t.Fatalf("anonymous sees proposals %+v", v.Proposals)
		}
		if v := must[*client.ChallengeView](t)(m.rivalSeller.GetChallenge(ctx, c.ID)); len(v.Proposals) != 1 || v.Proposals[0].ID != byRival.ID {
			t.Fatalf("a solver sees %+v", v.Proposals)
		}
		sel := client.Selection{Winners: []string{byUni.ID}}
		_, err = m.buyer.SelectWinners(ctx, c.ID, sel)
		wantRefusal(t, err, http.StatusConflict, "challenge_id", "challenge_running")

		m.advance(31 * 24 * time.Hour)
		_, err = m.rivalSeller.SubmitProposal(ctx, c.ID, client.ProposalInput{Summary: "late", DurationMonths: 1})
		wantRefusal(t, err, http.StatusConflict, "challenge_id", "challenge_closed")
		_, err = m.buyer.SelectWinners(ctx, c.ID, sel)
		wantRefusal(t, err, http.StatusUnprocessableEntity, "feedback."+byRival.ID+".code", "required")
		_, err = m.seller.SelectWinners(ctx, c.ID, sel)
		wantStatus(t, err, http.StatusForbidden, "a solver selecting winners")
		sel.Feedback = map[string]client.Feedback{byRival.ID: {Code: "price", Text: "报价高于预算"}}
		c = must[*client.Challenge](t)(m.buyer.SelectWinners(ctx, c.ID, sel))
		if c.State != "awarded" || c.DecidedAt == nil {
			t.Fatalf("challenge %+v", c)
		}
		v := must[*client.ChallengeView](t)(m.rivalSeller.GetChallenge(ctx, c.ID))
		if len(v.Proposals) != 1 || v.Proposals[0].FeedbackCode != "price" || v.Proposals[0].FeedbackText != "报价高于预算" {
			t.Fatalf("feedback to the unsuccessful solver: %+v", v.Proposals)
		}
		won := must[*client.Room](t)(m.seller.GetDeal(ctx, byUni.DealID))
		lost := must[*client.Room](t)(m.rivalSeller.GetDeal(ctx, byRival.DealID))
		if won.Deal.State != "agreed" || won.Deal.AgreedTerms.ContractType != "DEV" || won.Deal.AgreedTerms.PriceFen != 50_000_000 || lost.Deal.State != "lost" {
			t.Fatalf("winner %+v, other %s", won.Deal, lost.Deal.State)
		}
		// Only the solver that accepted the NDA sees the need's confidential detail.
		if !strings.Contains(won.Listing.DetailZh, secretDetail) || strings.Contains(lost.Listing.DetailZh, secretDetail) || !lost.Listing.DetailWithheld {
			t.Fatal("the need's detail reached the wrong solver")
		}
		_, err = m.seller.GetDeal(ctx, byRival.DealID)
		wantStatus(t, err, http.StatusNotFound, "a solver opening another solver's room")
	})
}

// TestSealedBidsStayHiddenOverAPI: before a sealed-bid auction closes nobody
// (operators and the seller included) sees another bidder's amount, over the
// sale view, the bid list or the board; after the close the highest wins.
func TestSealedBidsStayHiddenOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("密封报价"))
		roomFor(t, m.buyer, l.ID)
		roomFor(t, m.buyer2, l.ID)
		end := m.clock().Add(time.Hour)
		sale := must[*client.Sale](t)(m.seller.OpenSale(ctx, client.SaleInput{ListingID: l.ID, Method: "auction_sealed", StartPriceFen: 100_000_000, EndsAt: &end}))
		must[*client.Bidder](t)(m.buyer.RegisterBidder(ctx, sale.ID, ""))
		must[*client.Bidder](t)(m.buyer2.RegisterBidder(ctx, sale.ID, ""))
		must[*client.Bid](t)(m.buyer.PlaceBid(ctx, sale.ID, 130_000_000, ""))
		must[*client.Bid](t)(m.buyer2.PlaceBid(ctx, sale.ID, 120_000_000, ""))
		_, err := m.buyer.PlaceBid(ctx, sale.ID, 140_000_000, "")
		wantRefusal(t, err, http.StatusConflict, "sale_id", "already_bid")

		for who, tok := range map[string]string{"seller": m.tokenFor("seller@uni.test"), "operator": m.tokenFor("operator@exchange.test"),
			"other bidder": m.tokenFor("buyer@second.test"), "anonymous": ""} {
			for _, path := range []string{"/sales/" + sale.ID, "/sales/" + sale.ID + "/bids", "/sales"} {
				resp, raw := m.raw(http.MethodGet, "/api/v1"+path, tok, "", "")
				if resp.StatusCode != http.StatusOK || strings.Contains(string(raw), "130000000") {
					t.Fatalf("%s sees the sealed amount at %s: %s", who, path, raw)
				}
			}
		}
		if own := must[[]client.BidView](t)(m.buyer.Bids(ctx, sale.ID)); len(own) != 1 || own[0].AmountFen != 130_000_000 || !own[0].Mine {
			t.Fatalf("a bidder's own sealed bid: %+v", own)
		}
		m.advance(time.Hour)
		closed := must[*client.Sale](t)(m.seller.CloseSale(ctx, sale.ID))
		if closed.WinnerOrgID != m.company.ID || *closed.WinningBidFen != 130_000_000 {
			t.Fatalf("sealed result %+v", closed)
		}
		if all := must[[]client.BidView](t)(m.anon.Bids(ctx, sale.ID)); len(all) != 2 {
			t.Fatalf("bids after the close: %+v", all)
		}
	})
}

// TestFixedPriceListingOverAPI: a fixed-price listing (挂牌) for at least the
// venue's listing period, accepted at exactly the listed price by one buyer.
func TestFixedPriceListingOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("挂牌转让"))
		d := roomFor(t, m.buyer, l.ID)
		short := m.clock().Add(48 * time.Hour)
		_, err := m.seller.OpenSale(ctx, client.SaleInput{ListingID: l.ID, Method: "listing", StartPriceFen: 80_000_000, EndsAt: &short})
		if client.StatusCode(err) != http.StatusUnprocessableEntity || len(client.FieldErrors(err)) == 0 {
			t.Fatalf("a two-day listing on a 10-day venue: %v", err)
		}
		sale := must[*client.Sale](t)(m.seller.OpenSale(ctx, client.SaleInput{ListingID: l.ID, Method: "listing", StartPriceFen: 80_000_000}))
		must[*client.Bidder](t)(m.buyer.RegisterBidder(ctx, sale.ID, ""))
		_, err = m.buyer.MakeOffer(ctx, d.ID, client.OfferTerms{PriceFen: 70_000_000}, 0)
		wantRefusal(t, err, http.StatusConflict, "deal_id", "priced_by_sale")
		_, err = m.buyer.PlaceBid(ctx, sale.ID, 70_000_000, "")
		wantRefusal(t, err, http.StatusUnprocessableEntity, "amount_fen", "not_listed_price")
		must[*client.Bid](t)(m.buyer.PlaceBid(ctx, sale.ID, 80_000_000, ""))
		_, err = m.buyer.PlaceBid(ctx, sale.ID, 80_000_000, "")
		wantRefusal(t, err, http.StatusConflict, "sale_id", "already_accepted")
		m.advance(sale.EndsAt.Sub(m.clock()) + time.Second)
		closed := must[*client.Sale](t)(m.operator.CloseSale(ctx, sale.ID))
		if closed.Outcome != "sold" || closed.WinnerOrgID != m.company.ID || *closed.WinningBidFen != 80_000_000 {
			t.Fatalf("closed listing %+v", closed)
		}
		if won := must[*client.Room](t)(m.buyer.GetDeal(ctx, d.ID)); won.Deal.State != "agreed" || won.Deal.AgreedTerms.PriceFen != 80_000_000 {
			t.Fatalf("buyer's deal %+v", won.Deal)
		}
	})
}
