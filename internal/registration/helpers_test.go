package registration

import (
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
)

var allContent = Content{SubjectScope: true, PerformancePlan: true, Confidentiality: true, RiskAllocation: true,
	ResultsOwnership: true, AcceptanceCriteria: true, PricePayment: true, Liability: true, DisputeResolution: true, Terms: true}

// devContract is a clean commissioned-development contract (no findings).
func devContract() Contract {
	return Contract{
		Name: "高镍三元正极材料制备新工艺技术开发（委托）合同", DeclaredType: TypeDevelopment, DeclaredSubType: SubDevCommissioned,
		Parties: []Party{
			{Role: RoleSeller, Name: "北京未来科技大学", USCC: "12110108400000001W", EntityType: "022", RegionCode: "110108"},
			{Role: RoleBuyer, Name: "深圳新材科技有限公司", USCC: "91440305MA5D00002G", EntityType: "150", RegionCode: "440305"},
		},
		FiledBy: RoleSeller, AmountFen: 300000000,
		LineItems: []LineItem{
			{Description: "研究开发经费", AmountFen: 250000000, Kind: ItemTechnical},
			{Description: "实验用原材料", AmountFen: 50000000, Kind: ItemNonTechnical},
		},
		TechField: "NM", IPType: "none", SigningDate: "2025-06-10", ValidFrom: "2025-06-10", ValidUntil: "2030-06-09",
		Subject:      "研究开发高镍三元正极材料的新工艺，目标比容量不低于210mAh/g。",
		Deliverables: []string{DeliverRDResults},
		Payment:      Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Clauses:      []string{"研究开发成果及其知识产权归委托方所有。", "双方对技术资料负有保密义务。"},
		Attachments:  []Attachment{{Kind: AttachContractText}},
		Content:      allContent,
	}
}

// licContract is a clean exclusive patent licence (no findings).
func licContract() Contract {
	return Contract{
		Name: "专利实施许可合同", DeclaredType: TypeLicence, DeclaredSubType: SubLicPatent,
		Parties: []Party{
			{Role: RoleSeller, Name: "北京未来科技大学", USCC: "12110108400000001W", EntityType: "022", RegionCode: "110108"},
			{Role: RoleBuyer, Name: "杭州云算信息技术有限公司", USCC: "91330106MA2B000035", EntityType: "170", RegionCode: "330106"},
		},
		FiledBy: RoleSeller, AmountFen: 120000000,
		LineItems: []LineItem{{Description: "许可使用费", AmountFen: 120000000, Kind: ItemTechnical}},
		TechField: "EI", IPType: "invention_patent",
		IPItems: []IPItem{{Type: "invention_patent", Number: "ZL201910000002.5", Title: "一种视觉缺陷检测算法",
			Holder: "北京未来科技大学", FilingDate: "2019-03-01", Status: "granted", ValidUntil: "2039-02-28"}},
		SigningDate: "2025-01-10", ValidFrom: "2025-01-10", ValidUntil: "2030-01-09",
		Subject:      "许可方许可被许可方在中国境内实施一种视觉缺陷检测算法发明专利。",
		Deliverables: []string{DeliverIPLicence},
		Licence:      &Licence{Exclusivity: ExclusivityExclusive, TermMonths: 60, Territory: "china"},
		Payment:      Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Attachments:  []Attachment{{Kind: AttachContractText}},
		Content:      allContent,
	}
}

var testNow = time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)

func mustCheck(t interface {
	Helper()
	Fatalf(string, ...any)
}, c Contract, ctx CheckContext) Result {
	t.Helper()
	if ctx.Now.IsZero() {
		ctx.Now = testNow
	}
	res, err := Check(c, ctx)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return res
}

func yuan(y int64) domain.Fen { return domain.Fen(y * 100) }
