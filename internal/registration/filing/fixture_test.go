package filing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
)

// fixture is a registry in Beijing Haidian with two registrars, a university
// that files as seller, a buying firm and an outsider.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	ids   *identity.Service
	notes *notify.Service
	svc   *filing.Service

	mu  sync.Mutex
	now time.Time

	registry, uni, firm                           identity.Org
	filer, registrar, registrar2, buyer, outsider domain.Actor
}

const region = "110108"

var (
	uniUSCC  = domain.MakeUSCC('1', '2', region, "400000001")
	firmUSCC = domain.MakeUSCC('9', '1', "440305", "MA5D00002")
)

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	// Monday 2026-03-02, 10:00 in China.
	f := &fixture{t: t, ctx: context.Background(), db: db, now: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	f.ids = identity.New(db)
	f.notes = notify.New(db)
	f.svc = filing.New(db, f.notes)
	f.svc.SetClock(f.clock)
	sys := domain.SystemActor("test")
	org := func(name, typ, uscc, region string) identity.Org {
		o, err := f.ids.CreateOrg(f.ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: uscc, RegionCode: region})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.registry = org("海淀区技术合同登记站", filing.RegistryOrgType, domain.MakeUSCC('1', '1', region, "000000099"), region)
	f.uni = org("北京未来科技大学", "university", uniUSCC, region)
	f.firm = org("深圳新材科技有限公司", "enterprise", firmUSCC, "440305")
	other := org("其他公司", "enterprise", domain.MakeUSCC('9', '1', region, "MA0000077"), region)
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
	f.filer = user("filer@uni.cn", domain.OrgRole{OrgID: f.uni.ID, Role: domain.RoleSeller})
	f.registrar = user("reg1@registry.cn", domain.OrgRole{OrgID: f.registry.ID, Role: domain.RoleRegistrar})
	f.registrar2 = user("reg2@registry.cn", domain.OrgRole{OrgID: f.registry.ID, Role: domain.RoleRegistrar})
	f.buyer = user("buyer@firm.cn", domain.OrgRole{OrgID: f.firm.ID, Role: domain.RoleBuyer})
	f.outsider = user("x@other.cn", domain.OrgRole{OrgID: other.ID, Role: domain.RoleSeller})
	return f
}

var allContent = registration.Content{SubjectScope: true, PerformancePlan: true, Confidentiality: true, RiskAllocation: true,
	ResultsOwnership: true, AcceptanceCriteria: true, PricePayment: true, Liability: true, DisputeResolution: true, Terms: true}

// devContract is a clean commissioned-development contract; n varies the
// subject and amount so that contracts differ in content.
func devContract(n int) registration.Contract {
	amount := domain.Fen(300000000 + int64(n)*1000000)
	return registration.Contract{
		Name: "高镍三元正极材料制备新工艺技术开发（委托）合同", DeclaredType: registration.TypeDevelopment,
		DeclaredSubType: registration.SubDevCommissioned,
		Parties: []registration.Party{
			{Role: registration.RoleSeller, Name: "北京未来科技大学", USCC: uniUSCC, EntityType: "022", RegionCode: region},
			{Role: registration.RoleBuyer, Name: "深圳新材科技有限公司", USCC: firmUSCC, EntityType: "150", RegionCode: "440305"},
		},
		FiledBy: registration.RoleSeller, AmountFen: amount,
		LineItems: []registration.LineItem{
			{Description: "研究开发经费", AmountFen: amount - 50000000, Kind: registration.ItemTechnical},
			{Description: "实验用原材料", AmountFen: 50000000, Kind: registration.ItemNonTechnical},
		},
		TechField: "NM", IPType: "none", SigningDate: "2025-06-10", ValidFrom: "2025-06-10", ValidUntil: "2030-06-09",
		Subject:      fmt.Sprintf("研究开发高镍三元正极材料的新工艺（第%d期），目标比容量不低于210mAh/g。", n),
		Deliverables: []string{registration.DeliverRDResults},
		Payment:      registration.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Clauses:      []string{"研究开发成果及其知识产权归委托方所有。", "双方对技术资料负有保密义务。"},
		Attachments:  []registration.Attachment{{Kind: registration.AttachContractText}},
		Content:      allContent,
	}
}

// submitted creates and submits a filing of devContract(n).
func (f *fixture) submitted(n int) filing.Filing {
	f.t.Helper()
	d, err := f.svc.CreateDraft(f.ctx, f.filer, filing.Draft{RegistryOrgID: f.registry.ID, FilerOrgID: f.uni.ID, Contract: devContract(n)})
	if err != nil {
		f.t.Fatalf("CreateDraft: %v", err)
	}
	s, err := f.svc.Submit(f.ctx, f.filer, d.ID)
	if err != nil {
		f.t.Fatalf("Submit: %v", err)
	}
	return s
}
