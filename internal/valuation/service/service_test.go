package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
	"github.com/techmarket-org/techmarket/internal/valuation"
	"github.com/techmarket-org/techmarket/internal/valuation/service"
)

type fixture struct {
	db                                 *store.DB
	listings                           *listing.Service
	svc                                *service.Service
	listingID                          string
	seller, broker, op, buyer, granted domain.Actor
}

var today = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	ids := identity.New(db)
	f := &fixture{db: db, listings: listing.New(db, notify.New(db))}
	f.svc = service.New(db, f.listings)
	f.svc.SetClock(func() time.Time { return today })
	org := func(name, typ, code string) identity.Org {
		o, err := ids.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: domain.MakeUSCC('9', '1', "310104", code), RegionCode: "310104"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	uni, firm, other := org("测试大学", "university", "MA0000011"), org("测试企业", "enterprise", "MA0000012"), org("另一企业", "enterprise", "MA0000034")
	exchange := org("测试交易所", "exchange", "MA0000023")
	user := func(email string, o identity.Org, role string) domain.Actor {
		if _, err := ids.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "password-123",
			Roles: []domain.OrgRole{{OrgID: o.ID, Role: role}}}); err != nil {
			t.Fatal(err)
		}
		a, err := ids.Login(ctx, email, "password-123", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.seller = user("seller@t.cn", uni, domain.RoleSeller)
	f.buyer = user("buyer@t.cn", firm, domain.RoleBuyer)
	f.broker = user("broker@t.cn", exchange, domain.RoleBroker)
	f.op = user("op@t.cn", exchange, domain.RoleOperator)
	f.granted = user("granted@t.cn", other, domain.RoleBuyer)
	price := int64(150_000_000)
	l, err := f.listings.Create(ctx, f.seller, uni.ID, listing.Input{
		Kind: "achievement", TitleZh: "硅碳负极材料", SummaryZh: "高能量密度负极。", DetailZh: "机密工艺", Field: "NM",
		IPCCodes: []string{"H01M"}, TRL: 6, TRLEvidence: "中试报告",
		IPItems:       []listing.IPItem{{Type: "invention_patent", Number: "ZL201910000001.2", Status: "granted", ExpiryDate: "2039-03-15"}},
		Owners:        []listing.Owner{{Name: "测试大学", ShareBP: 10000}},
		TransferModes: []string{"licence_exclusive"}, PriceType: "indicative", PriceFen: &price, RegionCode: "310104",
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.listings.Review(ctx, f.op, l.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.listings.GrantAccess(ctx, db, sys, l.ID, other.ID, "NDA"); err != nil {
		t.Fatal(err)
	}
	f.listingID = l.ID
	return f
}

// assumptions is a valuer's income-approach input; the facts come from the listing.
func assumptions() valuation.Input {
	return valuation.Input{
		Income: &valuation.IncomeInput{
			Basis:             valuation.BasisReliefFromRoyalty,
			AnnualRevenue:     valuation.FenRange{Low: 1_000_000_000, Base: 2_000_000_000, High: 4_000_000_000},
			RevenueGrowth:     valuation.Tri(0, 0.08, 0.15),
			RoyaltyRate:       &valuation.Range{Low: 0.02, Base: 0.035, High: 0.05},
			DiscountRate:      valuation.Tri(0.12, 0.15, 0.2),
			EconomicLifeYears: valuation.Tri(6, 8, 10),
		},
		Simulation: valuation.Simulation{Draws: 1000, Seed: 42},
	}
}

func TestCreatePrefillsFromListingAndSaves(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		v, err := f.svc.Create(ctx, f.seller, f.listingID, assumptions())
		if err != nil {
			t.Fatal(err)
		}
		if v.Input.Field != "NM" || v.Input.TRL != 6 || v.Input.ValuationDate != "2026-03-10" || len(v.Input.IPItems) != 1 ||
			v.Input.TransferMode != "licence_exclusive" || v.Input.OwnerCount == nil || *v.Input.OwnerCount != 1 {
			t.Errorf("input not prefilled from the listing: %+v", v.Input)
		}
		if v.Method != valuation.MethodIncome || !(0 < v.P10 && v.P10 <= v.P50 && v.P50 <= v.P90) || v.Seed != 42 {
			t.Errorf("valuation = method %s, %d/%d/%d seed %d", v.Method, v.P10, v.P50, v.P90, v.Seed)
		}
		got, err := f.svc.Get(ctx, f.seller, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.P50 != v.P50 || got.Result.Value != v.Result.Value || got.Input.Income.RoyaltyRate.Base != 0.035 || !got.CreatedAt.Equal(v.CreatedAt) {
			t.Errorf("stored valuation differs: %+v", got.Result.Value)
		}
		// The same input and seed give the same result, so a stored valuation is reproducible.
		again, err := valuation.Run(got.Input)
		if err != nil || again.Value != got.Result.Value {
			t.Errorf("re-running the stored input gives %+v (%v), stored %+v", again.Value, err, got.Result.Value)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'valuation.create' AND object_id = ?`, v.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("audit entries = %d (%v)", n, err)
		}
	})
}

func TestWhoMayValueAndSee(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		if _, err := f.svc.Create(ctx, f.buyer, f.listingID, assumptions()); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("buyer valuing: %v, want Forbidden", err)
		}
		if _, err := f.svc.Create(ctx, domain.Anonymous, f.listingID, assumptions()); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous valuing: %v, want Unauthenticated", err)
		}
		byBroker, err := f.svc.Create(ctx, f.broker, f.listingID, assumptions())
		if err != nil {
			t.Fatalf("broker valuing: %v", err)
		}
		bySeller, err := f.svc.Create(ctx, f.seller, f.listingID, assumptions())
		if err != nil {
			t.Fatal(err)
		}
		for name, a := range map[string]domain.Actor{"seller": f.seller, "operator": f.op, "granted": f.granted} {
			if _, err := f.svc.Get(ctx, a, bySeller.ID); err != nil {
				t.Errorf("%s reading: %v", name, err)
			}
		}
		if _, err := f.svc.Get(ctx, f.buyer, bySeller.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("buyer reading: %v, want NotFound", err)
		}
		// The broker sees their own valuation but not the owner's.
		if _, err := f.svc.Get(ctx, f.broker, byBroker.ID); err != nil {
			t.Errorf("broker reading own: %v", err)
		}
		list, err := f.svc.ListForListing(ctx, f.broker, f.listingID)
		if err != nil || len(list) != 1 || list[0].ID != byBroker.ID {
			t.Errorf("broker's list = %d items (%v)", len(list), err)
		}
		list, err = f.svc.ListForListing(ctx, f.seller, f.listingID)
		if err != nil || len(list) != 2 || list[0].ID != bySeller.ID {
			t.Errorf("seller's list = %d items (%v), want newest first", len(list), err)
		}
	})
}

func TestInvalidInputNamesFields(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := assumptions()
		in.TRL = 10
		in.Income.EconomicLifeYears = valuation.Tri(-1, 8, 10)
		_, err := f.svc.Create(context.Background(), f.seller, f.listingID, in)
		fields := map[string]bool{}
		for _, fe := range apperr.FieldsOf(err) {
			fields[fe.Field] = true
		}
		if !apperr.Is(err, apperr.Invalid) || !fields["trl"] || !fields["income.economic_life_years.low"] {
			t.Errorf("err = %v, fields %v", err, fields)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM valuations`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d valuations saved from an invalid input (%v)", n, err)
		}
	})
}

func TestRerunKeepsOriginal(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		orig, err := f.svc.Create(ctx, f.seller, f.listingID, assumptions())
		if err != nil {
			t.Fatal(err)
		}
		changed := orig.Input
		income := *changed.Income
		income.RoyaltyRate = &valuation.Range{Low: 0.04, Base: 0.07, High: 0.10}
		changed.Income = &income
		re, err := f.svc.Rerun(ctx, f.seller, orig.ID, changed)
		if err != nil {
			t.Fatal(err)
		}
		if re.ParentID != orig.ID || re.ID == orig.ID || re.P50 <= orig.P50 {
			t.Errorf("rerun: parent %q, P50 %d vs original %d (a doubled royalty should raise it)", re.ParentID, re.P50, orig.P50)
		}
		stored, err := f.svc.Get(ctx, f.seller, orig.ID)
		if err != nil || stored.P50 != orig.P50 {
			t.Errorf("original changed: %d vs %d (%v)", stored.P50, orig.P50, err)
		}
		if _, err := f.svc.Rerun(ctx, f.buyer, orig.ID, changed); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("buyer rerun: %v, want NotFound", err)
		}
	})
}

func TestRealisedAndAccuracy(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		v, err := f.svc.Create(ctx, f.seller, f.listingID, assumptions())
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.RecordRealised(ctx, f.seller, v.ID, service.Realised{PriceFen: -5, Date: "2027-01-01"})
		fields := map[string]bool{}
		for _, fe := range apperr.FieldsOf(err) {
			fields[fe.Field] = true
		}
		if !fields["price_fen"] || !fields["date"] || !fields["source"] {
			t.Errorf("bad realised price: %v, fields %v", err, fields)
		}
		if _, err := f.svc.RecordRealised(ctx, f.granted, v.ID, service.Realised{PriceFen: 1, Date: "2026-03-01", Source: "x"}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("granted buyer recording: %v, want Forbidden", err)
		}
		// Realised at exactly the P50: log ratio 0, inside [P10, P90].
		got, err := f.svc.RecordRealised(ctx, f.op, v.ID, service.Realised{PriceFen: v.P50, Date: "2026-03-09", Source: "合同 2026-001"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Realised == nil || got.Realised.PriceFen != v.P50 {
			t.Errorf("realised = %+v", got.Realised)
		}
		reread, err := f.svc.Get(ctx, f.seller, v.ID)
		if err != nil || reread.Realised == nil || reread.Realised.Date != "2026-03-09" || reread.Realised.Source != "合同 2026-001" {
			t.Errorf("stored realised = %+v (%v)", reread.Realised, err)
		}
		acc, err := f.svc.Accuracy(ctx, f.op)
		if err != nil {
			t.Fatal(err)
		}
		if acc.N != 1 || acc.Coverage != 1 || acc.MedianLogRatio != 0 || len(acc.Items) != 1 {
			t.Errorf("accuracy = %+v", acc.ErrorDistribution)
		}
		forBuyer, err := f.svc.Accuracy(ctx, f.buyer)
		if err != nil || forBuyer.N != 1 || forBuyer.Items != nil || !forBuyer.ItemsWithheld {
			t.Errorf("buyer accuracy: %+v (%v)", forBuyer, err)
		}
		if _, err := f.svc.Accuracy(ctx, domain.Anonymous); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous accuracy: %v", err)
		}
	})
}

func TestRecordDealClosed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		first, err := f.svc.Create(ctx, f.seller, f.listingID, assumptions())
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.svc.Rerun(ctx, f.seller, first.ID, first.Input)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		err = db.Transact(ctx, func(tx *store.Tx) error {
			n, err = f.svc.RecordDealClosed(ctx, tx, domain.SystemActor("deals"), f.listingID, "deal-1", second.P90*2, "2026-03-10")
			return err
		})
		if err != nil || n != 2 {
			t.Fatalf("RecordDealClosed = %d, %v", n, err)
		}
		acc, err := f.svc.Accuracy(ctx, f.op)
		if err != nil {
			t.Fatal(err)
		}
		// One listing counts once, however often it was re-run.
		if acc.N != 1 || acc.AboveP90 != 1 || acc.Items[0].ValuationID != second.ID {
			t.Errorf("accuracy after deal = %+v", acc.ErrorDistribution)
		}
		got, err := f.svc.Get(ctx, f.seller, first.ID)
		if err != nil || got.Realised == nil || got.Realised.Source != "deal:deal-1" {
			t.Errorf("first valuation realised = %+v (%v)", got.Realised, err)
		}
	})
}
