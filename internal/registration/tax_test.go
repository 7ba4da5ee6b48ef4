package registration

import (
	"strings"
	"testing"
	"time"
)

func benefit(t *testing.T, bs []Benefit, kind string) Benefit {
	t.Helper()
	for _, b := range bs {
		if b.Benefit == kind {
			return b
		}
	}
	t.Fatalf("no %s in %+v", kind, bs)
	return Benefit{}
}

func day(s string) time.Time { d, _ := parseDate(s); return d }

func trfContract() Contract {
	c := licContract()
	c.Name, c.DeclaredType, c.DeclaredSubType = "专利权转让合同", TypeTransfer, SubTrfPatent
	c.Deliverables, c.Licence = []string{DeliverIPOwnership}, nil
	c.Parties[0] = Party{Role: RoleSeller, Name: "上海智造科技有限公司", USCC: "91310115MA1FL0001N", EntityType: "150", RegionCode: "310115"}
	c.IPItems[0].Holder = "上海智造科技有限公司"
	return c
}

func evaluate(c Contract, tech int64, asOf string) []Benefit {
	cl := c.Classify()
	return EvaluateTax(TaxInput{Contract: &c, Type: cl.Type, SubType: cl.SubType, TechnologyAmountFen: yuan(tech),
		Outcome: OutcomeRegistrable, AsOf: day(asOf)})
}

func TestEmbeddedPolicyTable(t *testing.T) {
	pt := DefaultPolicies()
	if len(pt.Policies) < 6 || pt.Version == "" {
		t.Fatalf("table = %+v", pt)
	}
	for _, p := range pt.Policies {
		if p.Basis == "" || p.Certainty == "" || p.NameZh == "" || p.NameEn == "" {
			t.Errorf("%s: basis, certainty and names are required", p.ID)
		}
	}
}

func TestVATExemption(t *testing.T) {
	b := benefit(t, evaluate(trfContract(), 800_000, "2025-06-30"), BenefitVAT)
	if !b.Eligible || b.PolicyID != "VAT_TECH_2016" || !strings.Contains(b.DecidingRule, "36号") {
		t.Errorf("2025 transfer: %+v", b)
	}
	// From 2026-01-01 the table marks the exemption as not verified: no claim either way.
	b = benefit(t, evaluate(trfContract(), 800_000, "2026-01-01"), BenefitVAT)
	if b.Eligible || !b.Uncertain || b.PolicyID != "VAT_TECH_2026" {
		t.Errorf("2026 transfer: %+v", b)
	}
	con := devContract()
	con.Deliverables = []string{DeliverConsultingReport}
	b = benefit(t, evaluate(con, 100_000, "2025-06-30"), BenefitVAT)
	if b.Eligible || b.Uncertain || !strings.Contains(b.Reason, "same invoice") {
		t.Errorf("standalone consulting: %+v", b)
	}
	b = benefit(t, evaluate(trfContract(), 800_000, "2010-01-01"), BenefitVAT)
	if b.Eligible || b.PolicyID != "" {
		t.Errorf("before the table: %+v", b)
	}
}

func TestCITRelief(t *testing.T) {
	b := benefit(t, evaluate(trfContract(), 8_000_000, "2025-06-30"), BenefitCIT)
	if !b.Eligible || b.IllustrativeExemptFen != yuan(5_000_000) || b.IllustrativeHalfRateFen != yuan(3_000_000) {
		t.Errorf("patent transfer: %+v", b)
	}

	related := trfContract()
	related.Parties[1].RelatedParty, related.Parties[1].RelatedHoldingPct = true, 100
	if b := benefit(t, evaluate(related, 1_000_000, "2025-06-30"), BenefitCIT); b.Eligible || !strings.Contains(b.DecidingRule, "100%") {
		t.Errorf("100%% related party: %+v", b)
	}
	partly := trfContract()
	partly.Parties[1].RelatedParty, partly.Parties[1].RelatedHoldingPct = true, 60
	if b := benefit(t, evaluate(partly, 1_000_000, "2025-06-30"), BenefitCIT); !b.Eligible {
		t.Errorf("60%% related party is not excluded: %+v", b)
	}

	secret := trfContract()
	secret.IPItems = []IPItem{{Type: "technology_secret", Title: "工艺"}}
	if b := benefit(t, evaluate(secret, 1_000_000, "2025-06-30"), BenefitCIT); b.Eligible || !b.Uncertain {
		t.Errorf("technology secret: %+v", b)
	}

	person := trfContract()
	person.Parties[0] = Party{Role: RoleSeller, Name: "张三", EntityType: "400", RegionCode: "310115"}
	if b := benefit(t, evaluate(person, 1_000_000, "2025-06-30"), BenefitCIT); b.Eligible {
		t.Errorf("natural-person seller: %+v", b)
	}

	restricted := trfContract()
	restricted.ExportRestricted = true
	if b := benefit(t, evaluate(restricted, 1_000_000, "2025-06-30"), BenefitCIT); b.Eligible {
		t.Errorf("restricted technology: %+v", b)
	}
}

func TestCITLicenceConditions(t *testing.T) {
	tests := []struct {
		name                string
		licence             Licence
		signed              string
		eligible, uncertain bool
	}{
		{"exclusive, China only, 5 years", Licence{Exclusivity: ExclusivityExclusive, TermMonths: 60, Territory: "china"}, "2025-01-10", false, true},
		{"global exclusive, 5 years", Licence{Exclusivity: ExclusivityExclusive, TermMonths: 60, Territory: "global"}, "2012-01-10", true, false},
		{"ordinary, 5 years, after 2015-10-01", Licence{Exclusivity: ExclusivityOrdinary, TermMonths: 60}, "2025-01-10", true, false},
		{"sole, 5 years, before 2015-10-01", Licence{Exclusivity: ExclusivitySole, TermMonths: 60}, "2015-09-30", false, false},
		{"ordinary, 59 months", Licence{Exclusivity: ExclusivityOrdinary, TermMonths: 59}, "2025-01-10", false, false},
	}
	for _, tt := range tests {
		c := licContract()
		c.Licence, c.SigningDate = &tt.licence, tt.signed
		b := benefit(t, evaluate(c, 1_000_000, "2025-06-30"), BenefitCIT)
		if b.Eligible != tt.eligible || b.Uncertain != tt.uncertain {
			t.Errorf("%s: eligible %v uncertain %v (%s), want %v %v", tt.name, b.Eligible, b.Uncertain, b.Reason, tt.eligible, tt.uncertain)
		}
	}
	// Without an agreed term the validity period counts: 2025-01-10 to 2030-01-09 is 60 months.
	c := licContract()
	c.Licence = &Licence{Exclusivity: ExclusivityOrdinary}
	if got := licenceMonths(&c); got != 60 {
		t.Errorf("licenceMonths = %d, want 60", got)
	}
}

func TestRDSuperDeduction(t *testing.T) {
	b := benefit(t, evaluate(devContract(), 2_500_000, "2025-06-30"), BenefitRDDeduction)
	if !b.Eligible || b.ExtraDeductionPct != 100 || b.CountedSharePct != 80 || b.Beneficiary != "buyer" {
		t.Errorf("2025 commissioned R&D: %+v", b)
	}
	if b := benefit(t, evaluate(devContract(), 2_500_000, "2020-06-30"), BenefitRDDeduction); !b.Eligible || b.ExtraDeductionPct != 75 {
		t.Errorf("2020: %+v", b)
	}
	retail := devContract()
	retail.Parties[1].IndustryCode = "F52"
	if b := benefit(t, evaluate(retail, 2_500_000, "2025-06-30"), BenefitRDDeduction); b.Eligible || !b.Uncertain {
		t.Errorf("excluded industry: %+v", b)
	}
	uni := devContract()
	uni.Parties[1].EntityType = "022"
	if b := benefit(t, evaluate(uni, 2_500_000, "2025-06-30"), BenefitRDDeduction); b.Eligible {
		t.Errorf("university buyer: %+v", b)
	}
}

func TestResearcherRewardIIT(t *testing.T) {
	if b := benefit(t, evaluate(licContract(), 1_000_000, "2025-06-30"), BenefitResearcherIIT); !b.Eligible || b.IncomeCountedPct != 50 {
		t.Errorf("university licence: %+v", b)
	}
	if b := benefit(t, evaluate(trfContract(), 1_000_000, "2025-06-30"), BenefitResearcherIIT); b.Eligible {
		t.Errorf("company seller: %+v", b)
	}
}

func TestNoRegistrationNoBenefit(t *testing.T) {
	c := trfContract()
	cl := c.Classify()
	for _, b := range EvaluateTax(TaxInput{Contract: &c, Type: cl.Type, SubType: cl.SubType, TechnologyAmountFen: yuan(1),
		Outcome: OutcomeNotRegistrable, AsOf: day("2025-06-30")}) {
		if b.Eligible || !strings.Contains(b.DecidingRule, "§0 (5)") {
			t.Errorf("%s: %+v", b.Benefit, b)
		}
	}
}

func TestParsePoliciesRejectsBadTables(t *testing.T) {
	for name, in := range map[string]string{
		"unknown benefit": `{"policies":[{"id":"A","benefit":"free_lunch","valid_from":"2020-01-01"}]}`,
		"bad date":        `{"policies":[{"id":"A","benefit":"vat_exemption","valid_from":"2020-13-01"}]}`,
		"duplicate id":    `{"policies":[{"id":"A","benefit":"vat_exemption","valid_from":"2020-01-01","valid_until":"2020-12-31"},{"id":"A","benefit":"cit_relief","valid_from":"2020-01-01"}]}`,
		"overlap":         `{"policies":[{"id":"A","benefit":"vat_exemption","valid_from":"2020-01-01"},{"id":"B","benefit":"vat_exemption","valid_from":"2021-01-01"}]}`,
		"unknown key":     `{"policies":[],"extra":1}`,
	} {
		if _, err := ParsePolicies(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
