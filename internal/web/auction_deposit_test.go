package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestOperatorConfirmsDeposit: at a venue that takes deposits a buyer cannot
// register until an operator confirms, from the sale page, the deposit it paid
// outside the ledger; an amount below the deposit is refused beside the field,
// and a buyer cannot confirm its own.
func TestOperatorConfirmsDeposit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := dealEnv(t, db)
		l := e.published(sampleAchievement())
		buyerA := e.actor("buyer@company.test")
		d, err := e.a.Deals.ExpressInterest(ctx, buyerA, deal.InterestInput{ListingID: l.ID, Venue: "east"})
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
		starts := time.Now().AddDate(0, 0, 30) // past east's announcement of 5 working days, whatever the holidays
		// east: deposit 10% of the opening bid, at least 10,000 yuan.
		sale, err := e.a.Deals.OpenSale(ctx, e.actor("seller@uni.test"), deal.SaleInput{ListingID: l.ID, Venue: "east",
			Method: rules.English, StartPriceFen: 100_000_000, StartsAt: &starts})
		if err != nil {
			t.Fatal(err)
		}
		if sale.DepositFen != 10_000_000 {
			t.Fatalf("deposit %d", sale.DepositFen)
		}
		if _, err := e.a.Deals.RegisterBidder(ctx, buyerA, sale.ID, ""); err == nil {
			t.Fatal("registered without a deposit")
		}
		path := "/auctions/" + sale.ID

		buyer := e.browser()
		buyer.login("buyer@company.test")
		mustNotContain(t, buyer.get(path), `action="`+path+`/deposits"`)
		if p := buyer.postForm(path+"/deposits", url.Values{"org_id": {e.company.ID}, "amount_yuan": {"100000"}}); p.status != http.StatusForbidden {
			t.Errorf("a buyer confirms its own deposit: %d", p.status)
		}

		op := e.browser()
		op.login("operator@exchange.test")
		p := op.get(path)
		mustContain(t, p, `action="`+path+`/deposits"`, `value="`+e.company.ID+`"`, "星河新材料有限公司", `value="100000"`, "确认场外保证金")
		noRawIDs(t, p)
		p = op.postForm(path+"/deposits", url.Values{"org_id": {e.company.ID}, "amount_yuan": {"5000"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("deposit below the venue's: %d", p.status)
		}
		mustContain(t, p, `id="deposit_yuan-error"`, "保证金为100,000.00元", `value="5000"`)
		if _, err := e.a.Deals.RegisterBidder(ctx, buyerA, sale.ID, ""); err == nil {
			t.Fatal("a refused confirmation let the buyer register")
		}
		p = op.postForm(path+"/deposits", url.Values{"org_id": {e.company.ID}, "amount_yuan": {"100000"}})
		mustContain(t, p, "保证金到账已确认")
		if _, err := e.a.Deals.RegisterBidder(ctx, buyerA, sale.ID, ""); err != nil {
			t.Fatalf("register after the confirmed deposit: %v", err)
		}
		op.lang = "en"
		mustContain(t, op.get(path), "Confirm a deposit paid outside the ledger")
	})
}
