package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestObjectionsToANotice: an agreed price at a venue that notices every price
// is on the public board; a third party objects there (it cannot open the
// room), the parties see the objection, only an operator decides it: a
// dismissal leaves the notice running, an upheld objection sends the deal back
// to negotiation.
func TestObjectionsToANotice(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := dealEnv(t, db)
		e.secondBuyer()
		l := e.published(sampleAchievement())
		buyerA, sellerA := e.actor("buyer@company.test"), e.actor("seller@uni.test")
		d, err := e.a.Deals.ExpressInterest(ctx, buyerA, deal.InterestInput{ListingID: l.ID, Venue: "north"})
		if err != nil {
			t.Fatal(err)
		}
		nda, err := e.a.Deals.CurrentNDA(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Deals.AcceptNDA(ctx, buyerA, d.ID, nda.Version); err != nil {
			t.Fatal(err)
		}
		o, err := e.a.Deals.MakeOffer(ctx, sellerA, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 120_000_000}})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = e.a.Deals.RespondOffer(ctx, buyerA, d.ID, o.ID, true); err != nil || d.State != deal.StateNotice {
			t.Fatalf("agreement: %v, state %s", err, d.State)
		}
		room := "/deals/" + d.ID

		anon := e.browser()
		p := anon.get("/notices")
		mustContain(t, p, "协议定价公示", "高安全固态锂电池电解质", "登录后可提出异议")
		mustNotContain(t, p, `action="/notices/`+d.ID+`/objections"`, secret)
		noRawIDs(t, p)

		third := e.browser()
		third.login("buyer2@morning.test")
		if p := third.get(room); p.status != http.StatusNotFound {
			t.Fatalf("a third party opens the room: %d", p.status)
		}
		p = third.get("/notices")
		mustContain(t, p, `action="/notices/`+d.ID+`/objections"`)
		p = third.postForm("/notices/"+d.ID+"/objections", url.Values{"reason": {"  "}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("empty objection: %d", p.status)
		}
		mustContain(t, p, `id="reason-`+d.ID+`-error"`)
		p = third.postForm("/notices/"+d.ID+"/objections", url.Values{"reason": {"该价格明显低于评估值"}})
		if p.status != http.StatusOK || p.url.Query().Get("done") != "objection" {
			t.Fatalf("objection: %d at %s", p.status, p.url)
		}
		mustContain(t, p, "异议已提交")

		buyer := e.browser()
		buyer.login("buyer@company.test")
		p = buyer.get(room)
		mustContain(t, p, "该价格明显低于评估值", "待处理", `href="/notices#n-`+d.ID+`"`)
		room1, err := e.a.Deals.Get(ctx, buyerA, d.ID)
		if err != nil || len(room1.Objections) != 1 {
			t.Fatalf("objections: %v %d", err, len(room1.Objections))
		}
		obj := room1.Objections[0]
		resolve := room + "/objections/" + obj.ID
		mustNotContain(t, p, `action="`+resolve+`"`)
		if p := buyer.postForm(resolve, url.Values{"outcome": {"upheld"}, "resolution": {"同意"}}); p.status != http.StatusForbidden {
			t.Errorf("a party decides the objection: %d", p.status)
		}
		if p := third.postForm(resolve, url.Values{"outcome": {"upheld"}, "resolution": {"同意"}}); p.status != http.StatusNotFound {
			t.Errorf("a third party decides the objection: %d", p.status)
		}

		operator := e.browser()
		operator.login("operator@exchange.test")
		p = operator.get(room)
		mustContain(t, p, `action="`+resolve+`"`, "驳回异议")
		p = operator.postForm(resolve, url.Values{"outcome": {"dismissed"}, "resolution": {""}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("decision without reasons: %d", p.status)
		}
		mustContain(t, p, `id="objection-error"`)
		p = operator.postForm(resolve, url.Values{"outcome": {"dismissed"}, "resolution": {"评估报告已备案，价格合理"}})
		mustContain(t, p, "异议已处理", "已驳回", "评估报告已备案，价格合理")
		if got, _ := e.a.Deals.Get(ctx, buyerA, d.ID); got.Deal.State != deal.StateNotice {
			t.Errorf("after a dismissal: %s", got.Deal.State)
		}

		third.postForm("/notices/"+d.ID+"/objections", url.Values{"reason": {"转让方未披露共有权人意见"}})
		room2, _ := e.a.Deals.Get(ctx, buyerA, d.ID)
		var open string
		for _, o := range room2.Objections {
			if o.Status == "open" {
				open = o.ID
			}
		}
		if open == "" {
			t.Fatal("second objection not stored")
		}
		p = operator.postForm(room+"/objections/"+open, url.Values{"outcome": {"upheld"}, "resolution": {"须取得共有权人书面同意"}})
		mustContain(t, p, "异议成立")
		if got, _ := e.a.Deals.Get(ctx, buyerA, d.ID); got.Deal.State != deal.StateNegotiating || got.Deal.AgreedTerms != nil {
			t.Errorf("after an upheld objection: %s", got.Deal.State)
		}
		mustNotContain(t, anon.get("/notices"), "高安全固态锂电池电解质")

		third.lang = "en"
		mustContain(t, third.get("/notices"), "Agreed-price notices")
	})
}
