package app_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// A deal concluded on the platform becomes the seller's draft filing at the
// local registry, pre-filled from the signed contract; a replayed hook makes
// no second draft; the seller completes what the platform contract lacks,
// submits, and the registrar registers it.
func TestConcludedDealPrefillsTheSellersFiling(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
		defer a.Ledger.Close()
		if err := a.Deals.EnsureSeed(ctx); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		now := time.Date(2025, 9, 26, 2, 0, 0, 0, time.UTC) // Friday 10:00 in China
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		a.Listings.SetClock(clock)
		a.Deals.SetClock(clock)
		a.Filings.SetClock(clock)

		sys := domain.SystemActor("test")
		org := func(name, typ, region, serial string) identity.Org {
			o, err := a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: domain.MakeUSCC('9', '1', region, serial), RegionCode: region})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		uni, firm := org("测试大学", "university", "310104", "MA0000011"), org("甲科技有限公司", "enterprise", "440305", "MA0000022")
		exchange := org("测试技术交易所", "exchange", "310104", "MA0000044")
		org("北京海淀技术合同登记站", filing.RegistryOrgType, "110108", "MA0000055")
		registry := org("上海徐汇技术合同登记站", filing.RegistryOrgType, "310104", "MA0000066")
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
		seller, buyer := user("seller@uni.cn", uni, domain.RoleSeller), user("buyer@firm.cn", firm, domain.RoleBuyer)
		op, registrar := user("op@exchange.cn", exchange, domain.RoleOperator), user("reg@xuhui.cn", registry, domain.RoleRegistrar)

		price := int64(180_000_000)
		l, err := a.Listings.Create(ctx, seller, uni.ID, listing.Input{Kind: listing.KindAchievement, TitleZh: "高镍正极材料制备工艺",
			SummaryZh: "循环寿命提升30%的正极材料工艺。", Field: "NM", TRL: 6, TRLEvidence: "中试报告",
			IPItems:       []listing.IPItem{{Type: "invention_patent", Number: "ZL202110000001.2", Status: "granted"}},
			TransferModes: []string{"licence_ordinary"}, PriceType: "indicative", PriceFen: &price, RegionCode: "310104", ValidityMonths: 12}, true)
		if err != nil {
			t.Fatal(err)
		}
		if l, err = a.Listings.Review(ctx, op, l.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		d, err := a.Deals.ExpressInterest(ctx, buyer, deal.InterestInput{ListingID: l.ID})
		if err != nil {
			t.Fatal(err)
		}
		nda, err := a.Deals.CurrentNDA(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Deals.AcceptNDA(ctx, buyer, d.ID, nda.Version); err != nil {
			t.Fatal(err)
		}
		o, err := a.Deals.MakeOffer(ctx, seller, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 180_000_000, ContractType: "LIC", Exclusivity: "ordinary"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Deals.RespondOffer(ctx, buyer, d.ID, o.ID, true); err != nil {
			t.Fatal(err)
		}
		terms := deal.Terms{
			ContractType: "LIC", SubType: "LIC_PATENT", Title: "高镍正极材料专利实施许可合同", Subject: "许可买方在中国境内实施高镍正极材料制备工艺专利。",
			IPItems:  []deal.IPItem{{Type: "invention_patent", Number: "ZL202110000001.2", Title: "一种高镍正极材料的制备方法", Holder: "测试大学"}},
			Licence:  &deal.LicenceScope{Exclusivity: "ordinary", Territory: "中国大陆", Field: "动力电池", TermMonths: 60},
			PriceFen: 180_000_000, Payment: deal.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
			Milestones: []deal.Milestone{
				{Name: "合同生效", Deliverables: []string{"技术资料"}, AcceptanceCriteria: "资料清单齐全", AmountFen: 90_000_000},
				{Name: "中试验收", Deliverables: []string{"中试报告"}, AcceptanceCriteria: "循环寿命≥2000次", AmountFen: 90_000_000},
			},
			LineItems: []deal.LineItem{{Description: "专利实施许可费", Kind: "technical", AmountFen: 170_000_000},
				{Description: "技术培训差旅费", Kind: "non_technical", AmountFen: 10_000_000}},
			Confidentiality: deal.Confidentiality{Years: 3}, Improvements: "improver",
			Dispute:   deal.Dispute{Method: "arbitration", Forum: "上海国际仲裁中心"},
			ValidFrom: "2025-09-26", ValidUntil: "2030-09-25",
		}
		cv, err := a.Deals.DraftContract(ctx, seller, d.ID, terms)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Deals.Sign(ctx, seller, d.ID, cv.Version, cv.HTMLSHA256); err != nil {
			t.Fatal(err)
		}
		mine, err := a.Filings.Mine(ctx, seller)
		if err != nil || len(mine) != 0 {
			t.Fatalf("a draft before conclusion: %v %v", mine, err)
		}
		concluded, err := a.Deals.Sign(ctx, buyer, d.ID, cv.Version, cv.HTMLSHA256)
		if err != nil || concluded.State != deal.StateConcluded {
			t.Fatalf("conclude: %v %v", concluded.State, err)
		}

		mine, err = a.Filings.Mine(ctx, seller)
		if err != nil || len(mine) != 1 {
			t.Fatalf("seller's filings after conclusion: %d %v", len(mine), err)
		}
		f := mine[0]
		c := f.Contract
		if f.SourceDealID != d.ID || f.SourceDealLink != "/deals/"+d.ID || f.Status != registration.StatusDraft ||
			f.RegistryOrgID != registry.ID || f.FilerOrgID != uni.ID || f.FilerUserID != seller.UserID {
			t.Fatalf("draft %+v", f)
		}
		wantParties := []registration.Party{
			{Role: "seller", Name: "测试大学", USCC: uni.USCC, EntityType: "022", RegionCode: "310104"},
			{Role: "buyer", Name: "甲科技有限公司", USCC: firm.USCC, EntityType: "100", RegionCode: "440305"},
		}
		if len(c.Parties) != 2 || c.Parties[0] != wantParties[0] || c.Parties[1] != wantParties[1] {
			t.Fatalf("parties %+v", c.Parties)
		}
		if c.DeclaredType != "LIC" || c.DeclaredSubType != "LIC_PATENT" || c.AmountFen != 180_000_000 || c.TechField != "NM" ||
			c.IPType != "invention_patent" || c.SigningDate != "2025-09-26" || c.ValidFrom != "2025-09-26" || c.ValidUntil != "2030-09-25" ||
			c.FiledBy != "seller" || c.Licence == nil || c.Licence.TermMonths != 60 || len(c.IPItems) != 1 || c.IPItems[0].Number != "ZL202110000001.2" {
			t.Fatalf("contract %+v", c)
		}
		if len(c.LineItems) != 2 || c.LineItems[1].Kind != "non_technical" || f.TechnologyAmountFen != 170_000_000 {
			t.Fatalf("line items %+v, technology amount %d", c.LineItems, f.TechnologyAmountFen)
		}
		if f.Result == nil || f.Result.Classification != "LIC" || len(c.Attachments) != 1 || c.Attachments[0].SHA256 != cv.HTMLSHA256 {
			t.Fatalf("check %+v attachments %+v", f.Result, c.Attachments)
		}
		notes, _, err := a.Notify.List(ctx, seller.UserID, 50)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, n := range notes {
			found = found || n.Kind == "registration.prefilled" && n.SubjectID == f.ID
		}
		if !found {
			t.Fatalf("seller not told about the draft: %+v", notes)
		}

		// A replayed hook finds the deal's filing and creates nothing.
		room, err := a.Deals.Get(ctx, sys, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		again, created, err := a.Filings.PrefillFromDeal(ctx, room)
		if err != nil || created || again.ID != f.ID {
			t.Fatalf("replay: created=%v id=%s err=%v", created, again.ID, err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM registration_filings WHERE source_deal_id = ?`, d.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d filings for the deal (%v)", n, err)
		}
		// The buyer does not see the seller's draft.
		if _, err := a.Filings.Get(ctx, buyer, f.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("buyer reads the seller's draft: %v", err)
		}

		// The seller completes what the platform contract does not say, then
		// submits; the registrar registers it.
		c.IPItems[0].FilingDate, c.IPItems[0].Status, c.IPItems[0].ValidUntil = "2021-03-01", "granted", "2041-02-28"
		c.Content.Liability, c.Content.RiskAllocation, c.Content.Terms = true, true, true
		edited, err := a.Filings.UpdateDraft(ctx, seller, f.ID, f.Version, c)
		if err != nil {
			t.Fatal(err)
		}
		submitted, err := a.Filings.Submit(ctx, seller, edited.ID)
		if err != nil {
			t.Fatalf("submit: %v (%v)", err, apperr.FieldsOf(err))
		}
		registered, err := a.Filings.Register(ctx, registrar, submitted.ID, nil)
		if err != nil || registered.RegistrationNumber == "" || registered.SourceDealID != d.ID {
			t.Fatalf("register: %+v %v", registered, err)
		}
	})
}
