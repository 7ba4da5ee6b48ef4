package deal_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestAgreementFromInterestToSignedContract(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		d := got(f.svc.ExpressInterest(f.ctx, f.buyerA, deal.InterestInput{ListingID: l.ID, Message: "请提供更多资料"}))(t)
		if d.State != deal.StateInterest || d.Venue != "platform" || d.RuleVersion != 1 || d.Method != "agreement" {
			t.Fatalf("new deal = %+v", d)
		}
		again := got(f.svc.ExpressInterest(f.ctx, f.buyerA, deal.InterestInput{ListingID: l.ID}))(t)
		if again.ID != d.ID {
			t.Fatal("a second expression of interest opened a second room")
		}
		nda := got(f.svc.CurrentNDA(f.ctx))(t)
		d = got(f.svc.AcceptNDA(f.ctx, f.buyerA, d.ID, nda.Version))(t)
		if d.State != deal.StateRoomOpen || d.NDA == nil || d.NDA.SHA256 != nda.SHA256 || d.NDA.AcceptedBy != f.buyerA.UserID {
			t.Fatalf("after NDA: %+v", d)
		}
		got(f.svc.PostMessage(f.ctx, f.seller, d.ID, "资料已上传数据室"))(t)
		o1 := got(f.svc.MakeOffer(f.ctx, f.buyerA, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 150_000_000, ContractType: "LIC", Exclusivity: "ordinary"}}))(t)
		o2 := got(f.svc.MakeOffer(f.ctx, f.seller, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 180_000_000, ContractType: "LIC", Exclusivity: "ordinary"}}))(t)
		if o1.Seq != 1 || o2.Seq != 2 || o2.FromSide != deal.SideSeller {
			t.Fatalf("offers: %+v %+v", o1, o2)
		}
		room := got(f.svc.Get(f.ctx, f.buyerA, d.ID))(t)
		if room.Offers[0].Status != deal.OfferCountered || room.Offers[1].Status != deal.OfferOpen || len(room.Messages) != 2 {
			t.Fatalf("room offers %+v, %d messages", room.Offers, len(room.Messages))
		}
		d = got(f.svc.RespondOffer(f.ctx, f.buyerA, d.ID, o2.ID, true))(t)
		if d.State != deal.StateAgreed || d.AgreedTerms.PriceFen != 180_000_000 || d.NoticeRequired {
			t.Fatalf("agreed deal = %+v", d)
		}
		cv := got(f.svc.DraftContract(f.ctx, f.seller, d.ID, licenceTerms(180_000_000)))(t)
		html, sum := must2(t)(f.svc.ContractDocument(f.ctx, f.buyerA, d.ID, 0))
		if sum != cv.HTMLSHA256 || !strings.Contains(string(html), "技术许可合同（专利实施许可）") || !strings.Contains(string(html), "甲科技有限公司") {
			t.Fatalf("document %s vs %s:\n%s", sum, cv.HTMLSHA256, html)
		}
		pdfBytes := got(f.svc.ContractPDF(f.ctx, f.seller, d.ID, 0))(t)
		if !strings.HasPrefix(string(pdfBytes), "%PDF") {
			t.Fatal("contract PDF is not a PDF")
		}
		d = got(f.svc.Sign(f.ctx, f.seller, d.ID, cv.Version, cv.HTMLSHA256))(t)
		if d.State != deal.StateContracting {
			t.Fatalf("after one signature: %s", d.State)
		}
		d = got(f.svc.Sign(f.ctx, f.buyerA, d.ID, cv.Version, strings.ToUpper(cv.HTMLSHA256)))(t)
		if d.State != deal.StateConcluded || d.ConcludedAt == nil {
			t.Fatalf("after both signatures: %+v", d)
		}
		// platform v1: seller pays 0.5% (min 500, cap 20,000 yuan); buyer pays nothing.
		if *d.SellerFeeFen != 900_000 || *d.BuyerFeeFen != 0 {
			t.Fatalf("fees seller %d buyer %d", *d.SellerFeeFen, *d.BuyerFeeFen)
		}
		room = got(f.svc.Get(f.ctx, f.seller, d.ID))(t)
		if len(room.Contract.Signatures) != 2 || room.Contract.Signatures[0].DocumentSHA256 != cv.HTMLSHA256 {
			t.Fatalf("signatures %+v", room.Contract.Signatures)
		}
		want := []string{"deal.interest", "deal.nda.accept", "deal.message", "deal.offer", "deal.offer", "deal.offer.accept",
			"deal.contract.draft", "deal.contract.sign", "deal.contract.sign"}
		if got := f.auditActions("deal", d.ID); !slices.Equal(got, want) {
			t.Fatalf("audit trail %v, want %v", got, want)
		}
		notes, unread, err := f.notes.List(f.ctx, f.seller.UserID, 50)
		if err != nil || unread == 0 || len(notes) < 3 {
			t.Fatalf("seller notifications: %d (%d unread), %v", len(notes), unread, err)
		}
	})
}

func must2(t *testing.T) func([]byte, string, error) ([]byte, string) {
	return func(b []byte, s string, err error) ([]byte, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b, s
	}
}

func TestInvalidStepsAreRefusedWithAReasonAndChangeNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		d := got(f.svc.ExpressInterest(f.ctx, f.buyerA, deal.InterestInput{ListingID: l.ID}))(t)

		// An offer before the NDA.
		_, err := f.svc.MakeOffer(f.ctx, f.buyerA, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 1}})
		refusedWith(t, err, apperr.Conflict, "nda_required")
		f.unchanged(d)

		// The seller cannot accept the NDA; an outdated NDA version is refused.
		_, err = f.svc.AcceptNDA(f.ctx, f.seller, d.ID, 1)
		if !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("seller accepted the buyer's NDA: %v", err)
		}
		_, err = f.svc.AcceptNDA(f.ctx, f.buyerA, d.ID, 7)
		refusedWith(t, err, apperr.Conflict, "nda_outdated")
		f.unchanged(d)

		d = f.room(l, f.buyerA, "")
		o := got(f.svc.MakeOffer(f.ctx, f.buyerA, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 100_000_000}, ValidDays: 3}))(t)
		d = got(f.svc.Get(f.ctx, f.buyerA, d.ID))(t).Deal

		// Bad terms name every field.
		_, err = f.svc.MakeOffer(f.ctx, f.buyerA, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: -5, ContractType: "XX", FreeUseMonths: 99}})
		fields := map[string]bool{}
		for _, fe := range apperr.FieldsOf(err) {
			fields[fe.Field] = true
		}
		for _, want := range []string{"terms.price_fen", "terms.contract_type"} {
			if !fields[want] {
				t.Fatalf("missing field error %s in %v", want, err)
			}
		}
		f.unchanged(d)

		// Nobody accepts their own offer.
		_, err = f.svc.RespondOffer(f.ctx, f.buyerA, d.ID, o.ID, true)
		refusedWith(t, err, apperr.Conflict, "own_offer")
		// An offer past its validity cannot be accepted.
		f.advance(4 * 24 * time.Hour)
		_, err = f.svc.RespondOffer(f.ctx, f.seller, d.ID, o.ID, true)
		refusedWith(t, err, apperr.Conflict, "offer_expired")
		f.unchanged(d)

		// An offer on an expired listing.
		f.advance(400 * 24 * time.Hour)
		_, err = f.svc.MakeOffer(f.ctx, f.seller, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 90_000_000}})
		refusedWith(t, err, apperr.Conflict, "listing_not_available")
		_, err = f.svc.ExpressInterest(f.ctx, f.buyerB, deal.InterestInput{ListingID: l.ID})
		refusedWith(t, err, apperr.Conflict, "listing_not_available")
		f.unchanged(d)

		// A contract cannot be drafted before agreement.
		_, err = f.svc.DraftContract(f.ctx, f.seller, d.ID, licenceTerms(100_000_000))
		refusedWith(t, err, apperr.Conflict, "invalid_transition")
		f.unchanged(d)

		// Outsiders do not learn that the room exists.
		if _, err := f.svc.Get(f.ctx, f.buyerB, d.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another buyer saw the room: %v", err)
		}
		// An organisation cannot deal on its own listing.
		_, err = f.svc.ExpressInterest(f.ctx, domain.Actor{UserID: "x", Roles: []domain.OrgRole{{OrgID: f.uni.ID, Role: domain.RoleBuyer}}},
			deal.InterestInput{ListingID: l.ID, OrgID: f.uni.ID})
		if !apperr.Is(err, apperr.Conflict) && !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("own listing: %v", err)
		}
	})
}

func TestSignatureNeedsTheStoredDocumentAndTheParty(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		d := f.room(l, f.buyerA, "")
		o := got(f.svc.MakeOffer(f.ctx, f.seller, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 120_000_000}}))(t)
		got(f.svc.RespondOffer(f.ctx, f.buyerA, d.ID, o.ID, true))(t)

		bad := licenceTerms(99_000_000) // differs from the agreed price
		_, err := f.svc.DraftContract(f.ctx, f.seller, d.ID, bad)
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "price_fen" {
			t.Fatalf("wrong price accepted: %v", err)
		}
		cv := got(f.svc.DraftContract(f.ctx, f.seller, d.ID, licenceTerms(120_000_000)))(t)
		before := got(f.svc.Get(f.ctx, f.seller, d.ID))(t).Deal
		_, err = f.svc.Sign(f.ctx, f.seller, d.ID, cv.Version, strings.Repeat("0", 64))
		refusedWith(t, err, apperr.Invalid, "document_mismatch")
		_, err = f.svc.Sign(f.ctx, f.seller, d.ID, cv.Version+1, cv.HTMLSHA256)
		refusedWith(t, err, apperr.Conflict, "contract_outdated")
		_, err = f.svc.Sign(f.ctx, f.broker, d.ID, cv.Version, cv.HTMLSHA256)
		if !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("an unmandated broker reached the room: %v", err)
		}
		f.unchanged(before)
		got(f.svc.Sign(f.ctx, f.seller, d.ID, cv.Version, cv.HTMLSHA256))(t)
		_, err = f.svc.Sign(f.ctx, f.seller, d.ID, cv.Version, cv.HTMLSHA256)
		refusedWith(t, err, apperr.Conflict, "already_signed")
		// A redraft supersedes the first signature.
		terms := licenceTerms(120_000_000)
		terms.Confidentiality.Years = 5
		cv2 := got(f.svc.DraftContract(f.ctx, f.buyerA, d.ID, terms))(t)
		if cv2.Version != 2 || cv2.HTMLSHA256 == cv.HTMLSHA256 {
			t.Fatalf("redraft %+v", cv2)
		}
		_, err = f.svc.Sign(f.ctx, f.buyerA, d.ID, cv.Version, cv.HTMLSHA256)
		refusedWith(t, err, apperr.Conflict, "contract_outdated")
		got(f.svc.Sign(f.ctx, f.buyerA, d.ID, 2, cv2.HTMLSHA256))(t)
		d = got(f.svc.Sign(f.ctx, f.seller, d.ID, 2, cv2.HTMLSHA256))(t)
		if d.State != deal.StateConcluded {
			t.Fatalf("state %s", d.State)
		}
	})
}

func TestNDAUnlocksDetailForThatPartyOnly(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		dA := f.room(l, f.buyerA, "")
		dB := got(f.svc.ExpressInterest(f.ctx, f.buyerB, deal.InterestInput{ListingID: l.ID}))(t)

		seenA := got(f.listings.Get(f.ctx, f.buyerA, l.ID))(t)
		seenB := got(f.listings.Get(f.ctx, f.buyerB, l.ID))(t)
		if seenA.DetailZh == "" || seenA.DetailWithheld {
			t.Fatalf("buyer A accepted the NDA but sees no detail: %+v", seenA)
		}
		if seenB.DetailZh != "" || !seenB.DetailWithheld {
			t.Fatalf("buyer B sees the detail without an NDA: %q", seenB.DetailZh)
		}
		roomA := got(f.svc.Get(f.ctx, f.buyerA, dA.ID))(t)
		roomB := got(f.svc.Get(f.ctx, f.buyerB, dB.ID))(t)
		if roomA.Listing.DetailZh == "" || roomB.Listing.DetailZh != "" || !roomB.Listing.DetailWithheld {
			t.Fatalf("room detail: A %q, B %q", roomA.Listing.DetailZh, roomB.Listing.DetailZh)
		}
		if _, err := f.svc.Get(f.ctx, f.buyerA, dB.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("buyer A sees buyer B's room: %v", err)
		}
		if room := got(f.svc.Get(f.ctx, f.op, dB.ID))(t); room.ViewerSide != "operator" {
			t.Fatalf("operator view %q", room.ViewerSide)
		}
	})
}

func TestStateOwnedAgreementIsNoticedForWorkingDaysAcrossTheHoliday(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db) // Friday 2025-09-26 10:00 China time, before the National Day holiday
		l := f.publish(true, "invention_patent")
		d := f.room(l, f.buyerA, "east") // east: state-owned notice 15 working days
		o := got(f.svc.MakeOffer(f.ctx, f.seller, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 160_000_000}}))(t)
		d = got(f.svc.RespondOffer(f.ctx, f.buyerA, d.ID, o.ID, true))(t)
		// 15 working days after 26 Sept 2025: Sun 28 Sept (make-up day), 29, 30 Sept, then the
		// 1–8 Oct holiday, then 9, 10, Sat 11 Oct (make-up day), 13–17, 20–23 Oct.
		wantEnd := cst(2025, 10, 24, 0, 0)
		if d.State != deal.StateNotice || !d.NoticeRequired || !d.NoticeEndsAt.Equal(wantEnd) {
			t.Fatalf("notice: state %s ends %v, want %v", d.State, d.NoticeEndsAt, wantEnd)
		}
		notices := got(f.svc.PublicNotices(f.ctx))(t)
		if len(notices) != 1 || notices[0].PriceFen != 160_000_000 || !notices[0].StateOwned {
			t.Fatalf("public notices %+v", notices)
		}
		_, err := f.svc.DraftContract(f.ctx, f.seller, d.ID, licenceTerms(160_000_000))
		refusedWith(t, err, apperr.Conflict, "notice_required")
		_, err = f.svc.EndNotice(f.ctx, f.seller, d.ID)
		refusedWith(t, err, apperr.Conflict, "notice_running")

		// An objection holds the notice open past its end until the venue decides.
		obj := got(f.svc.RaiseObjection(f.ctx, f.buyerB, d.ID, "价格明显低于评估值"))(t)
		f.setNow(cst(2025, 10, 23, 23, 59))
		if closed, ended := must2i(t)(f.svc.Tick(f.ctx)); closed != 0 || ended != 0 {
			t.Fatalf("tick before the end ended %d notices", ended)
		}
		f.setNow(cst(2025, 10, 24, 0, 0))
		_, err = f.svc.EndNotice(f.ctx, f.buyerA, d.ID)
		refusedWith(t, err, apperr.Conflict, "objection_open")
		if _, err := f.svc.ResolveObjection(f.ctx, f.buyerA, d.ID, obj.ID, false, "x"); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a party resolved an objection: %v", err)
		}
		got(f.svc.ResolveObjection(f.ctx, f.op, d.ID, obj.ID, false, "评估报告支持该价格，异议不成立"))(t)
		if _, ended := must2i(t)(f.svc.Tick(f.ctx)); ended != 1 {
			t.Fatalf("tick ended %d notices", ended)
		}
		room := got(f.svc.Get(f.ctx, f.seller, d.ID))(t)
		if room.Deal.State != deal.StateAgreed || room.Deal.NoticeClearedAt == nil || len(room.Objections) != 1 {
			t.Fatalf("after notice: %+v", room.Deal)
		}
		got(f.svc.DraftContract(f.ctx, f.seller, d.ID, licenceTerms(160_000_000)))(t)
	})
}

func TestUpheldObjectionReopensNegotiation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		d := f.room(l, f.buyerA, "north") // north notices every agreed price for 15 calendar days
		o := got(f.svc.MakeOffer(f.ctx, f.seller, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 50_000_000}}))(t)
		d = got(f.svc.RespondOffer(f.ctx, f.buyerA, d.ID, o.ID, true))(t)
		// 15 calendar days after Fri 26 Sept end on Sat 11 Oct, a make-up working day.
		if d.State != deal.StateNotice || !d.NoticeEndsAt.Equal(cst(2025, 10, 12, 0, 0)) {
			t.Fatalf("notice ends %v", d.NoticeEndsAt)
		}
		obj := got(f.svc.RaiseObjection(f.ctx, f.buyerB, d.ID, "我方愿出更高价格"))(t)
		d = got(f.svc.ResolveObjection(f.ctx, f.op, d.ID, obj.ID, true, "异议成立，重新议价"))(t)
		if d.State != deal.StateNegotiating || d.AgreedTerms != nil || d.NoticeEndsAt != nil {
			t.Fatalf("after upheld objection: %+v", d)
		}
	})
}

func must2i(t *testing.T) func(int, int, error) (int, int) {
	return func(a, b int, err error) (int, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}
