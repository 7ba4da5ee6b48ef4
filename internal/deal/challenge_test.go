package deal_test

import (
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestChallengeWinnerGoesToContractAndOthersGetFeedback(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		need := f.publishNeed()
		_, err := f.svc.OpenChallenge(f.ctx, f.needOwner, deal.ChallengeInput{ListingID: need.ID, RewardFen: 50_000_000, Deadline: "2025-09-30"})
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "deadline" || fe[0].Code != "too_soon" {
			t.Fatalf("a 4-day challenge on a 7-day venue: %v", err)
		}
		if _, err := f.svc.OpenChallenge(f.ctx, f.seller, deal.ChallengeInput{ListingID: need.ID, RewardFen: 1, Deadline: "2025-10-10"}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a stranger opened a challenge: %v", err)
		}
		c := got(f.svc.OpenChallenge(f.ctx, f.needOwner, deal.ChallengeInput{ListingID: need.ID, RewardFen: 50_000_000, Deadline: "2025-10-10",
			Criteria: "零下40度容量保持率≥80%"}))(t)
		if !c.Deadline.Equal(cst(2025, 10, 11, 0, 0)) || c.Title.Zh != "低温电池电解液" {
			t.Fatalf("challenge %+v", c)
		}
		byLab := got(f.svc.SubmitProposal(f.ctx, f.solver, c.ID, deal.ProposalInput{Summary: "新型氟代溶剂体系", DurationMonths: 12}))(t)
		byUni := got(f.svc.SubmitProposal(f.ctx, f.seller, c.ID, deal.ProposalInput{Summary: "离子液体添加剂", PriceFen: 80_000_000}))(t)
		_, err = f.svc.SubmitProposal(f.ctx, f.solver, c.ID, deal.ProposalInput{Summary: "again"})
		refusedWith(t, err, apperr.Conflict, "already_proposed")
		winners := deal.Selection{Winners: []string{byLab.ID}}
		_, err = f.svc.SelectWinners(f.ctx, f.needOwner, c.ID, winners)
		refusedWith(t, err, apperr.Conflict, "challenge_running")

		f.setNow(cst(2025, 10, 11, 0, 0))
		_, err = f.svc.SubmitProposal(f.ctx, f.solver, c.ID, deal.ProposalInput{Summary: "late"})
		refusedWith(t, err, apperr.Conflict, "challenge_closed")
		_, err = f.svc.SelectWinners(f.ctx, f.needOwner, c.ID, winners)
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "feedback."+byUni.ID+".code" {
			t.Fatalf("selection without feedback for the other solver: %v", err)
		}
		winners.Feedback = map[string]deal.Feedback{byUni.ID: {Code: "price", Text: "报价高于预算"}}
		c = got(f.svc.SelectWinners(f.ctx, f.needOwner, c.ID, winners))(t)
		if c.State != deal.ChallengeAwarded {
			t.Fatalf("challenge state %s", c.State)
		}
		won := got(f.svc.Get(f.ctx, f.solver, byLab.DealID))(t).Deal
		if won.State != deal.StateAgreed || won.AgreedTerms.PriceFen != 50_000_000 || won.AgreedTerms.ContractType != "DEV" ||
			won.SellerOrgID != f.lab.ID || won.BuyerOrgID != f.firmA.ID {
			t.Fatalf("winner's deal %+v", won)
		}
		// The winner proposed without the NDA; it may accept it now to see the
		// need's confidential detail, and the deal stays agreed.
		if l := got(f.listings.Get(f.ctx, f.solver, need.ID))(t); l.DetailZh != "" {
			t.Fatal("the solver saw the need's detail before the NDA")
		}
		nda := got(f.svc.CurrentNDA(f.ctx))(t)
		if d := got(f.svc.AcceptNDA(f.ctx, f.solver, byLab.DealID, nda.Version))(t); d.State != deal.StateAgreed || d.NDA == nil {
			t.Fatalf("NDA after winning: state %s, nda %v", d.State, d.NDA)
		}
		if l := got(f.listings.Get(f.ctx, f.solver, need.ID))(t); l.DetailZh != "内部测试数据" {
			t.Fatalf("the winner still does not see the need's detail: %q", l.DetailZh)
		}
		if _, err = f.svc.AcceptNDA(f.ctx, f.solver, byLab.DealID, nda.Version); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("a second NDA acceptance: %v", err)
		}
		lost := got(f.svc.Get(f.ctx, f.seller, byUni.DealID))(t).Deal
		if lost.State != deal.StateLost {
			t.Fatalf("other solver's deal %s", lost.State)
		}
		view := got(f.svc.GetChallenge(f.ctx, f.seller, c.ID))(t)
		if len(view.Proposals) != 1 || view.Proposals[0].FeedbackCode != "price" || view.Proposals[0].FeedbackText != "报价高于预算" {
			t.Fatalf("solver's view %+v", view.Proposals)
		}
		if all := got(f.svc.GetChallenge(f.ctx, f.needOwner, c.ID))(t); len(all.Proposals) != 2 {
			t.Fatalf("owner sees %d proposals", len(all.Proposals))
		}
		notes, _, _ := f.notes.List(f.ctx, f.seller.UserID, 20)
		found := false
		for _, n := range notes {
			if n.Kind == "deal.challenge.lost" && n.Title.Zh != "" {
				found = true
			}
		}
		if !found {
			t.Fatal("the unsuccessful solver was not told")
		}
		// The winner goes straight to a development contract.
		terms := deal.Terms{ContractType: "DEV", SubType: "DEV_COMMISSIONED", Title: "低温电解液委托开发合同", Subject: "开发零下40度可用的电解液",
			PriceFen: 50_000_000, Payment: deal.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
			Milestones: []deal.Milestone{
				{Name: "配方定型", Deliverables: []string{"配方报告"}, AcceptanceCriteria: "容量保持率≥80%", AmountFen: 20_000_000, DueDate: "2026-03-31"},
				{Name: "中试", Deliverables: []string{"中试样品100kg"}, AcceptanceCriteria: "第三方检测合格", AmountFen: 30_000_000, DueDate: "2026-09-30"}},
			Confidentiality: deal.Confidentiality{Years: 5}, Improvements: "joint", Dispute: deal.Dispute{Method: "litigation", Forum: "上海市浦东新区人民法院"}}
		cv := got(f.svc.DraftContract(f.ctx, f.needOwner, won.ID, terms))(t)
		got(f.svc.Sign(f.ctx, f.needOwner, won.ID, cv.Version, cv.HTMLSHA256))(t)
		if d := got(f.svc.Sign(f.ctx, f.solver, won.ID, cv.Version, cv.HTMLSHA256))(t); d.State != deal.StateConcluded {
			t.Fatalf("state %s", d.State)
		}
	})
}

func TestBrokerActsUnderMandateAndEarnsOnlyOnConclusion(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		d := f.room(l, f.buyerA, "")

		// Bad mandates name every field; a user without the broker role cannot be mandated.
		_, err := f.svc.ProposeMandate(f.ctx, f.buyerA, deal.MandateInput{PartyOrgID: f.firmA.ID, BrokerUserID: f.broker.UserID, Side: "buyer",
			Commission: deal.Commission{Kind: "percent"}, StartsOn: "2025-09-01", EndsOn: "2025-08-01"})
		fields := map[string]bool{}
		for _, fe := range apperr.FieldsOf(err) {
			fields[fe.Field] = true
		}
		if !fields["commission.bp"] || !fields["ends_on"] {
			t.Fatalf("bad mandate: %v", err)
		}
		_, err = f.svc.ProposeMandate(f.ctx, f.buyerA, deal.MandateInput{PartyOrgID: f.firmA.ID, BrokerUserID: f.buyerB.UserID, Side: "buyer",
			Commission: deal.Commission{Kind: "fixed", FixedFen: 1}, StartsOn: "2025-09-01", EndsOn: "2026-08-31"})
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Code != "not_a_broker" {
			t.Fatalf("a buyer mandated as broker: %v", err)
		}

		m1 := got(f.svc.ProposeMandate(f.ctx, f.buyerA, deal.MandateInput{PartyOrgID: f.firmA.ID, BrokerUserID: f.broker.UserID, Side: "buyer",
			CanNegotiate: true, Commission: deal.Commission{Kind: "percent", BP: 300}, StartsOn: "2025-09-01", EndsOn: "2026-08-31"}))(t)
		m2 := got(f.svc.ProposeMandate(f.ctx, f.seller, deal.MandateInput{PartyOrgID: f.uni.ID, BrokerUserID: f.broker2.UserID, Side: "seller",
			ListingID: l.ID, Commission: deal.Commission{Kind: "unagreed"}, StartsOn: "2025-09-01", EndsOn: "2026-08-31"}))(t)
		// Before accepting, the broker sees nothing.
		if _, err := f.svc.Get(f.ctx, f.broker, d.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a proposed mandate opened the room: %v", err)
		}
		if _, err := f.svc.RespondMandate(f.ctx, f.broker2, m1.ID, true); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("another broker accepted the mandate: %v", err)
		}
		got(f.svc.RespondMandate(f.ctx, f.broker, m1.ID, true))(t)
		got(f.svc.RespondMandate(f.ctx, f.broker2, m2.ID, true))(t)

		room := got(f.svc.Get(f.ctx, f.broker, d.ID))(t)
		if !room.ViaBroker || room.ViewerSide != "buyer" || room.Listing.DetailZh == "" || len(room.Brokers) != 2 {
			t.Fatalf("broker's room: via %v side %s detail %q brokers %d", room.ViaBroker, room.ViewerSide, room.Listing.DetailZh, len(room.Brokers))
		}
		if mine := got(f.svc.Mine(f.ctx, f.broker))(t); len(mine) != 1 || mine[0].ID != d.ID {
			t.Fatalf("broker's deals %+v", mine)
		}
		// The seller's broker may look but was not mandated to negotiate.
		_, err = f.svc.MakeOffer(f.ctx, f.broker2, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 1}})
		if !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a view-only broker made an offer: %v", err)
		}
		o := got(f.svc.MakeOffer(f.ctx, f.broker, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 100_000_000}}))(t)
		if o.FromSide != deal.SideBuyer {
			t.Fatalf("broker's offer is from %s", o.FromSide)
		}
		got(f.svc.RespondOffer(f.ctx, f.seller, d.ID, o.ID, true))(t)
		cv := got(f.svc.DraftContract(f.ctx, f.broker, d.ID, licenceTerms(100_000_000)))(t)
		if _, err := f.svc.Sign(f.ctx, f.broker, d.ID, cv.Version, cv.HTMLSHA256); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a broker signed for the party: %v", err)
		}
		html, _ := must2(t)(f.svc.ContractDocument(f.ctx, f.buyerA, d.ID, 0))
		if !strings.Contains(string(html), "broker@agency.cn") {
			t.Fatal("the contract does not name the intermediary")
		}
		got(f.svc.Sign(f.ctx, f.seller, d.ID, cv.Version, cv.HTMLSHA256))(t)
		got(f.svc.Sign(f.ctx, f.buyerA, d.ID, cv.Version, cv.HTMLSHA256))(t)
		brokers := got(f.svc.Get(f.ctx, f.buyerA, d.ID))(t).Brokers
		due := map[string]*int64{}
		for _, b := range brokers {
			if b.CommissionDueFen != nil {
				v := int64(*b.CommissionDueFen)
				due[b.UserID] = &v
			} else {
				due[b.UserID] = nil
			}
		}
		if due[f.broker.UserID] == nil || *due[f.broker.UserID] != 3_000_000 {
			t.Fatalf("3%% of 1,000,000 yuan: %+v", brokers)
		}
		if due[f.broker2.UserID] != nil {
			t.Fatalf("an unagreed commission got an amount: %+v", brokers)
		}

		// A revoked mandate closes the room to the broker again.
		got(f.svc.RevokeMandate(f.ctx, f.buyerA, m1.ID))(t)
		if _, err := f.svc.Get(f.ctx, f.broker, d.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a revoked broker still sees the room: %v", err)
		}
		_, err = f.svc.RevokeMandate(f.ctx, f.buyerA, m1.ID)
		refusedWith(t, err, apperr.Conflict, "invalid_transition")
	})
}

func TestCommissionIsNotDueWhenTheMandateEndedBeforeConclusion(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		m := got(f.svc.ProposeMandate(f.ctx, f.seller, deal.MandateInput{PartyOrgID: f.uni.ID, BrokerUserID: f.broker.UserID, Side: "seller",
			Commission: deal.Commission{Kind: "fixed", FixedFen: 2_000_000}, StartsOn: "2025-09-01", EndsOn: "2025-10-31"}))(t)
		got(f.svc.RespondMandate(f.ctx, f.broker, m.ID, true))(t)
		d := f.room(l, f.buyerA, "") // the seller's broker is attached when the room opens
		o := got(f.svc.MakeOffer(f.ctx, f.seller, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 100_000_000}, ValidDays: 60}))(t)
		f.setNow(cst(2025, 11, 3, 10, 0)) // the mandate's term is over
		got(f.svc.RespondOffer(f.ctx, f.buyerA, d.ID, o.ID, true))(t)
		cv := got(f.svc.DraftContract(f.ctx, f.seller, d.ID, licenceTerms(100_000_000)))(t)
		got(f.svc.Sign(f.ctx, f.seller, d.ID, cv.Version, cv.HTMLSHA256))(t)
		got(f.svc.Sign(f.ctx, f.buyerA, d.ID, cv.Version, cv.HTMLSHA256))(t)
		brokers := got(f.svc.Get(f.ctx, f.seller, d.ID))(t).Brokers
		if len(brokers) != 1 || brokers[0].CommissionDueFen == nil || *brokers[0].CommissionDueFen != 0 {
			t.Fatalf("brokers %+v", brokers)
		}
	})
}
