package deal_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/store"
)

// fixture is a small market: a university selling (state-owned or not), two
// firms buying, an exchange operating the venues, a broker agency and a solver.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	db       *store.DB
	ids      *identity.Service
	listings *listing.Service
	notes    *notify.Service
	svc      *deal.Service

	mu  sync.Mutex
	now time.Time

	uni, firmA, firmB, exchange, agency, lab identity.Org
	seller, buyerA, buyerB, op, broker       domain.Actor
	broker2, solver, needOwner               domain.Actor
}

// cst builds a China-time instant.
func cst(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// advance moves the shared clock of the listing and deal services.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *fixture) setNow(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: db, now: cst(2025, 9, 26, 10, 0)}
	f.ids = identity.New(db)
	f.notes = notify.New(db)
	f.listings = listing.New(db, f.notes)
	f.listings.SetClock(f.clock)
	f.svc = deal.New(db, f.listings, f.notes)
	f.svc.SetClock(f.clock)
	if err := f.svc.EnsureSeed(f.ctx); err != nil {
		t.Fatal(err)
	}
	sys := domain.SystemActor("test")
	org := func(name, typ, serial string) identity.Org {
		o, err := f.ids.CreateOrg(f.ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: domain.MakeUSCC('9', '1', "310104", serial), RegionCode: "310104"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.uni = org("测试大学", "university", "MA0000011")
	f.firmA = org("甲科技有限公司", "enterprise", "MA0000022")
	f.firmB = org("乙制造有限公司", "enterprise", "MA0000033")
	f.exchange = org("测试技术交易所", "exchange", "MA0000044")
	f.agency = org("技术转移服务中心", "service_agency", "MA0000055")
	f.lab = org("丙研究所", "research_institute", "MA0000066")
	user := func(email string, roles ...domain.OrgRole) domain.Actor {
		if _, err := f.ids.CreateUser(f.ctx, sys, identity.UserInput{Email: email, Name: email, Password: "password-123", Roles: roles}); err != nil {
			t.Fatal(err)
		}
		a, err := f.ids.Login(f.ctx, email, "password-123", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.seller = user("seller@uni.cn", domain.OrgRole{OrgID: f.uni.ID, Role: domain.RoleSeller})
	f.buyerA = user("buyer@a.cn", domain.OrgRole{OrgID: f.firmA.ID, Role: domain.RoleBuyer})
	f.buyerB = user("buyer@b.cn", domain.OrgRole{OrgID: f.firmB.ID, Role: domain.RoleBuyer})
	f.op = user("op@exchange.cn", domain.OrgRole{OrgID: f.exchange.ID, Role: domain.RoleOperator})
	f.broker = user("broker@agency.cn", domain.OrgRole{OrgID: f.agency.ID, Role: domain.RoleBroker})
	f.broker2 = user("broker2@agency.cn", domain.OrgRole{OrgID: f.agency.ID, Role: domain.RoleBroker})
	f.solver = user("solver@lab.cn", domain.OrgRole{OrgID: f.lab.ID, Role: domain.RoleSeller})
	f.needOwner = user("needs@a.cn", domain.OrgRole{OrgID: f.firmA.ID, Role: domain.RoleBuyer})
	return f
}

// publish creates and publishes an achievement of the university.
func (f *fixture) publish(stateOwned bool, ipType string) listing.Listing {
	f.t.Helper()
	price := int64(200_000_000) // 200万元
	number := "ZL202110000001.2"
	if ipType == "technology_secret" {
		number = ""
	}
	in := listing.Input{Kind: listing.KindAchievement, TitleZh: "高镍正极材料制备工艺", TitleEn: "High-nickel cathode process",
		SummaryZh: "循环寿命提升30%的正极材料工艺。", DetailZh: "机密：烧结曲线与掺杂配方", DetailEn: "Confidential: sintering curve and dopants",
		Field: "NM", TRL: 6, TRLEvidence: "中试报告", IPItems: []listing.IPItem{{Type: ipType, Number: number, Status: "granted"}},
		TransferModes: []string{"transfer", "licence_ordinary"}, PriceType: "indicative", PriceFen: &price, RegionCode: "310104",
		StateOwned: stateOwned, ValidityMonths: 12}
	l, err := f.listings.Create(f.ctx, f.seller, f.uni.ID, in, true)
	if err != nil {
		f.t.Fatal(err)
	}
	if l, err = f.listings.Review(f.ctx, f.op, l.ID, true, ""); err != nil {
		f.t.Fatal(err)
	}
	return l
}

// publishNeed creates and publishes a need of firm A.
func (f *fixture) publishNeed() listing.Listing {
	f.t.Helper()
	l, err := f.listings.Create(f.ctx, f.needOwner, f.firmA.ID, listing.Input{Kind: listing.KindNeed, TitleZh: "低温电池电解液",
		SummaryZh: "零下40度可用的电解液。", DetailZh: "内部测试数据", Field: "NE", RegionCode: "310104"}, true)
	if err != nil {
		f.t.Fatal(err)
	}
	if l, err = f.listings.Review(f.ctx, f.op, l.ID, true, ""); err != nil {
		f.t.Fatal(err)
	}
	return l
}

// room opens a deal room for a buyer and accepts the NDA.
func (f *fixture) room(l listing.Listing, buyer domain.Actor, venue string) deal.Deal {
	f.t.Helper()
	d, err := f.svc.ExpressInterest(f.ctx, buyer, deal.InterestInput{ListingID: l.ID, Venue: venue, Message: "我们有意向"})
	if err != nil {
		f.t.Fatal(err)
	}
	nda, err := f.svc.CurrentNDA(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if d, err = f.svc.AcceptNDA(f.ctx, buyer, d.ID, nda.Version); err != nil {
		f.t.Fatal(err)
	}
	return d
}

// got passes a call's result on, failing the test on error:
// d := got(svc.Get(ctx, actor, id))(t).
func got[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// refusedWith checks that err is a refusal with code and kind, with messages
// in both languages.
func refusedWith(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	r, ok := deal.ReasonOf(err)
	if !ok {
		t.Fatalf("want refusal %s, got %v", code, err)
	}
	if r.Code != code {
		t.Fatalf("want refusal %s, got %s (%s)", code, r.Code, r.En)
	}
	if apperr.KindOf(err) != kind {
		t.Fatalf("refusal %s: want kind %s, got %s", code, kind, apperr.KindOf(err))
	}
	if r.En == "" || r.Zh == "" {
		t.Fatalf("refusal %s lacks a message: %+v", code, r)
	}
}

// unchanged asserts that a deal's stored state is what it was.
func (f *fixture) unchanged(before deal.Deal) {
	f.t.Helper()
	room, err := f.svc.Get(f.ctx, domain.SystemActor("test"), before.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	after := room.Deal
	if after.State != before.State || !after.UpdatedAt.Equal(before.UpdatedAt) || after.ContractVersion != before.ContractVersion {
		f.t.Fatalf("a refused step changed the deal: %s@%s → %s@%s", before.State, before.UpdatedAt, after.State, after.UpdatedAt)
	}
}

// auditActions lists the actions recorded for a deal, oldest first.
func (f *fixture) auditActions(objectType, id string) []string {
	f.t.Helper()
	entries, err := audit.ForObject(f.ctx, f.db, objectType, id)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

func licenceTerms(price domain.Fen) deal.Terms {
	return deal.Terms{
		ContractType: "LIC", SubType: "LIC_PATENT", Title: "高镍正极材料专利实施许可合同", Subject: "许可买方在中国境内实施高镍正极材料制备工艺专利。",
		IPItems:  []deal.IPItem{{Type: "invention_patent", Number: "ZL202110000001.2", Title: "一种高镍正极材料的制备方法", Holder: "测试大学"}},
		Licence:  &deal.LicenceScope{Exclusivity: "ordinary", Territory: "中国大陆", Field: "动力电池", TermMonths: 60},
		PriceFen: price,
		Payment:  deal.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Milestones: []deal.Milestone{
			{Name: "合同生效", Deliverables: []string{"技术资料"}, AcceptanceCriteria: "资料清单齐全", AmountFen: price / 2},
			{Name: "中试验收", Deliverables: []string{"中试报告"}, AcceptanceCriteria: "循环寿命≥2000次", AmountFen: price - price/2},
		},
		LineItems: []deal.LineItem{{Description: "专利实施许可费", Kind: "technical", AmountFen: price - 1_000_000},
			{Description: "技术资料载体", Kind: "carrier", AmountFen: 1_000_000}},
		Confidentiality: deal.Confidentiality{Years: 3},
		Improvements:    "improver",
		Dispute:         deal.Dispute{Method: "arbitration", Forum: "上海国际仲裁中心"},
	}
}
