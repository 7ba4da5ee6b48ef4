package app_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// A bidder who paid its deposit through the ledger may bid without an
// operator's confirmation, and when the auction closes every loser's deposit
// goes back to its available balance while the winner's stays held.
func TestAuctionDepositsFlowThroughTheLedger(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
		defer a.Ledger.Close()
		if err := a.Deals.EnsureSeed(ctx); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		now := time.Date(2025, 9, 26, 2, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		a.Listings.SetClock(clock)
		a.Deals.SetClock(clock)

		sys := domain.SystemActor("test")
		org := func(name, typ, serial string) identity.Org {
			o, err := a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: domain.MakeUSCC('9', '1', "310104", serial), RegionCode: "310104"})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		uni, firmA, firmB := org("测试大学", "university", "MA0000011"), org("甲科技有限公司", "enterprise", "MA0000022"), org("乙制造有限公司", "enterprise", "MA0000033")
		exchange := org("测试技术交易所", "exchange", "MA0000044")
		user := func(email string, o identity.Org, role string) domain.Actor {
			if _, err := a.Identity.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "password-123",
				Roles: []domain.OrgRole{{OrgID: o.ID, Role: role}}}); err != nil {
				t.Fatal(err)
			}
			act, err := a.Identity.Login(ctx, email, "password-123", "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			return act
		}
		seller, op := user("seller@uni.cn", uni, domain.RoleSeller), user("op@exchange.cn", exchange, domain.RoleOperator)
		buyers := map[string]domain.Actor{firmA.ID: user("buyer@a.cn", firmA, domain.RoleBuyer), firmB.ID: user("buyer@b.cn", firmB, domain.RoleBuyer)}

		price := int64(200_000_000)
		l, err := a.Listings.Create(ctx, seller, uni.ID, listing.Input{Kind: listing.KindAchievement, TitleZh: "高镍正极材料制备工艺",
			SummaryZh: "循环寿命提升30%的正极材料工艺。", Field: "NM", TRL: 6, TRLEvidence: "中试报告",
			IPItems:       []listing.IPItem{{Type: "invention_patent", Number: "ZL202110000001.2", Status: "granted"}},
			TransferModes: []string{"transfer"}, PriceType: "indicative", PriceFen: &price, RegionCode: "310104", ValidityMonths: 12}, true)
		if err != nil {
			t.Fatal(err)
		}
		if l, err = a.Listings.Review(ctx, op, l.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		for id, b := range buyers {
			d, err := a.Deals.ExpressInterest(ctx, b, deal.InterestInput{ListingID: l.ID, Venue: "east"})
			if err != nil {
				t.Fatal(err)
			}
			nda, err := a.Deals.CurrentNDA(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Deals.AcceptNDA(ctx, b, d.ID, nda.Version); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Ledger.DepositFromBank(ctx, op, "bank-"+id, ledger.BankNotice{BankRef: "BR" + id[len(id)-8:], OrgID: id, Amount: 100_000_000}); err != nil {
				t.Fatal(err)
			}
		}
		// The east venue announces auctions 5 working days ahead: from Friday
		// 26 September 2025 that is after the National Day holidays.
		start := time.Date(2025, 10, 10, 16, 0, 0, 0, time.UTC)
		end := start.Add(2 * time.Hour)
		sale, err := a.Deals.OpenSale(ctx, seller, deal.SaleInput{ListingID: l.ID, Venue: "east", Method: rules.English,
			StartPriceFen: 300_000_000, StartsAt: &start, EndsAt: &end})
		if err != nil {
			t.Fatal(err)
		}
		if sale.DepositFen <= 0 {
			t.Fatalf("the east venue should ask a deposit, got %d", sale.DepositFen)
		}
		// Without a deposit the bidder is refused.
		if _, err := a.Deals.RegisterBidder(ctx, buyers[firmA.ID], sale.ID, ""); err == nil {
			t.Fatal("registered a bidder without a deposit")
		}
		for id, b := range buyers {
			if _, err := a.Ledger.HoldAuctionDeposit(ctx, b, "hold-"+id, ledger.AuctionDepositInput{AuctionID: sale.ID, OrgID: id, Amount: sale.DepositFen}); err != nil {
				t.Fatal(err)
			}
			bidder, err := a.Deals.RegisterBidder(ctx, b, sale.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if bidder.DepositBasis != "ledger" {
				t.Errorf("deposit basis %q, want ledger", bidder.DepositBasis)
			}
		}
		mu.Lock()
		now = sale.StartsAt.Add(time.Minute)
		mu.Unlock()
		if _, err := a.Deals.PlaceBid(ctx, buyers[firmA.ID], sale.ID, deal.BidInput{AmountFen: 300_000_000}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Deals.PlaceBid(ctx, buyers[firmB.ID], sale.ID, deal.BidInput{AmountFen: 310_000_000}); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		now = sale.EndsAt.Add(time.Hour)
		mu.Unlock()
		if _, err := a.Deals.CloseSale(ctx, op, sale.ID); err != nil {
			t.Fatal(err)
		}
		held := func(org string) domain.Fen {
			b, err := a.Ledger.Balance(ctx, sys, ledger.AuctionDeposit(sale.ID, org))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		avail := func(org string) domain.Fen {
			b, err := a.Ledger.Balance(ctx, sys, ledger.PartyAvailable(org))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if held(firmA.ID) != 0 || avail(firmA.ID) != 100_000_000 {
			t.Errorf("loser: deposit %d held, %d available; want 0 and all back", held(firmA.ID), avail(firmA.ID))
		}
		if held(firmB.ID) != sale.DepositFen || avail(firmB.ID) != 100_000_000-sale.DepositFen {
			t.Errorf("winner: deposit %d held, %d available; want the deposit still held", held(firmB.ID), avail(firmB.ID))
		}
	})
}
