package registration

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
)

//go:embed tax_policies.json
var taxPoliciesJSON []byte

// Benefit kinds, in the order they are reported.
const (
	BenefitVAT           = "vat_exemption"
	BenefitCIT           = "cit_relief"
	BenefitRDDeduction   = "rd_super_deduction"
	BenefitResearcherIIT = "researcher_reward_iit"
)

var benefitOrder = []string{BenefitVAT, BenefitCIT, BenefitRDDeduction, BenefitResearcherIIT}

// Certainty markers of a policy row, as in domain-rules: L law text read, V
// secondary source, M from memory; "uncertain" means the policy's existence on
// the date is not verified and no eligibility is asserted.
const certaintyUncertain = "uncertain"

// Policy is one dated row of the tax-policy table. Only the fields a benefit
// uses are set.
type Policy struct {
	ID          string   `json:"id"`
	Benefit     string   `json:"benefit"`
	Beneficiary string   `json:"beneficiary"`
	NameEn      string   `json:"name_en"`
	NameZh      string   `json:"name_zh"`
	ValidFrom   string   `json:"valid_from"`
	ValidUntil  string   `json:"valid_until,omitempty"`
	Basis       string   `json:"basis"`
	Certainty   string   `json:"certainty"`
	Types       []string `json:"types"`
	NoteEn      string   `json:"note_en,omitempty"`
	NoteZh      string   `json:"note_zh,omitempty"`

	RelatedServicesSameInvoice bool `json:"related_services_same_invoice,omitempty"`

	ExemptUpToFen           domain.Fen `json:"exempt_up_to_fen,omitempty"`
	HalfRateAbove           bool       `json:"half_rate_above,omitempty"`
	MinLicenceMonths        int        `json:"min_licence_months,omitempty"`
	NonExclusiveLicenceFrom string     `json:"non_exclusive_licence_from,omitempty"`
	IPTypes                 []string   `json:"ip_types,omitempty"`
	UncertainIPTypes        []string   `json:"uncertain_ip_types,omitempty"`
	ExcludeFullRelatedParty bool       `json:"exclude_full_related_party,omitempty"`
	ExcludeExportRestricted bool       `json:"exclude_export_restricted,omitempty"`

	ExtraDeductionPct           int      `json:"extra_deduction_pct,omitempty"`
	AmortisationPct             int      `json:"amortisation_pct,omitempty"`
	CommissionedSharePct        int      `json:"commissioned_share_pct,omitempty"`
	ExcludedIndustries          []string `json:"excluded_industries,omitempty"`
	ExcludedIndustriesCertainty string   `json:"excluded_industries_certainty,omitempty"`

	SellerEntityTypes []string `json:"seller_entity_types,omitempty"`
	IncomeCountedPct  int      `json:"income_counted_pct,omitempty"`

	from, until time.Time
}

// PolicyTable is the dated tax-policy table.
type PolicyTable struct {
	Version  string   `json:"version"`
	Source   string   `json:"source"`
	Policies []Policy `json:"policies"`
}

var defaultPolicies = sync.OnceValue(func() *PolicyTable {
	t, err := ParsePolicies(bytes.NewReader(taxPoliciesJSON))
	if err != nil {
		panic(fmt.Sprintf("registration: embedded tax_policies.json: %v", err)) // covered by tests
	}
	return t
})

// DefaultPolicies returns the embedded policy table.
func DefaultPolicies() *PolicyTable { return defaultPolicies() }

// ParsePolicies reads and checks a policy table: known benefits, parseable
// dates, unique ids, and no two rows of one benefit in force on the same day.
func ParsePolicies(r io.Reader) (*PolicyTable, error) {
	var t PolicyTable
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("decode policy table: %w", err)
	}
	seen := map[string]bool{}
	for i := range t.Policies {
		p := &t.Policies[i]
		if p.ID == "" || seen[p.ID] {
			return nil, fmt.Errorf("policy %d: missing or duplicate id %q", i, p.ID)
		}
		seen[p.ID] = true
		if !slices.Contains(benefitOrder, p.Benefit) {
			return nil, fmt.Errorf("policy %s: unknown benefit %q", p.ID, p.Benefit)
		}
		var ok bool
		if p.from, ok = parseDate(p.ValidFrom); !ok {
			return nil, fmt.Errorf("policy %s: valid_from %q is not a date", p.ID, p.ValidFrom)
		}
		p.until = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		if p.ValidUntil != "" {
			if p.until, ok = parseDate(p.ValidUntil); !ok || p.until.Before(p.from) {
				return nil, fmt.Errorf("policy %s: valid_until %q is not a date after valid_from", p.ID, p.ValidUntil)
			}
		}
		if p.NonExclusiveLicenceFrom != "" {
			if _, ok := parseDate(p.NonExclusiveLicenceFrom); !ok {
				return nil, fmt.Errorf("policy %s: non_exclusive_licence_from is not a date", p.ID)
			}
		}
	}
	for i, a := range t.Policies {
		for _, b := range t.Policies[i+1:] {
			if a.Benefit == b.Benefit && !a.until.Before(b.from) && !b.until.Before(a.from) {
				return nil, fmt.Errorf("policies %s and %s overlap in time", a.ID, b.ID)
			}
		}
	}
	return &t, nil
}

// inForce returns the row of a benefit in force on date d.
func (t *PolicyTable) inForce(benefit string, d time.Time) *Policy {
	for i := range t.Policies {
		p := &t.Policies[i]
		if p.Benefit == benefit && !d.Before(p.from) && !d.After(p.until) {
			return p
		}
	}
	return nil
}

// TaxInput is what the tax evaluation needs from a check.
type TaxInput struct {
	Contract            *Contract
	Type, SubType       string // the classification, not the declaration
	TechnologyAmountFen domain.Fen
	Outcome             string
	AsOf                time.Time // the date the income arises; policies are looked up on it
}

// Benefit is one tax benefit with its eligibility and the rule that decided it.
type Benefit struct {
	Benefit      string `json:"benefit"`
	Beneficiary  string `json:"beneficiary"` // seller | buyer | seller_staff
	Name         string `json:"name"`
	NameZh       string `json:"name_zh"`
	Eligible     bool   `json:"eligible"`
	Uncertain    bool   `json:"uncertain"`
	PolicyID     string `json:"policy_id,omitempty"`
	DecidingRule string `json:"deciding_rule"`
	Reason       string `json:"reason"`
	ReasonZh     string `json:"reason_zh"`
	Note         string `json:"note,omitempty"`
	NoteZh       string `json:"note_zh,omitempty"`

	// CIT illustration, assuming this contract's technology amount were the
	// year's whole technology-transfer income with no deductible costs.
	IllustrativeExemptFen   domain.Fen `json:"illustrative_exempt_fen,omitempty"`
	IllustrativeHalfRateFen domain.Fen `json:"illustrative_half_rate_fen,omitempty"`
	// R&D super-deduction parameters.
	ExtraDeductionPct int `json:"extra_deduction_pct,omitempty"`
	CountedSharePct   int `json:"counted_share_pct,omitempty"`
	IncomeCountedPct  int `json:"income_counted_pct,omitempty"`
}

// EvaluateTax evaluates every benefit against the embedded policy table.
func EvaluateTax(in TaxInput) []Benefit { return DefaultPolicies().Evaluate(in) }

// Evaluate returns each benefit, eligible or not, with the deciding rule.
func (t *PolicyTable) Evaluate(in TaxInput) []Benefit {
	out := make([]Benefit, 0, len(benefitOrder))
	for _, kind := range benefitOrder {
		out = append(out, t.evaluate(kind, in))
	}
	return out
}

func (t *PolicyTable) evaluate(kind string, in TaxInput) Benefit {
	b := Benefit{Benefit: kind}
	p := t.inForce(kind, in.AsOf)
	if p == nil {
		b.Name, b.NameZh = kind, kind
		b.Beneficiary = map[string]string{BenefitVAT: "seller", BenefitCIT: "seller", BenefitRDDeduction: "buyer", BenefitResearcherIIT: "seller_staff"}[kind]
		return b.decide(false, false, "policy table "+t.Version,
			"no policy in the table is in force on "+in.AsOf.Format(time.DateOnly),
			in.AsOf.Format(time.DateOnly)+" 无有效政策")
	}
	b.Name, b.NameZh, b.Beneficiary, b.PolicyID = p.NameEn, p.NameZh, p.Beneficiary, p.ID
	b.Note, b.NoteZh = p.NoteEn, p.NoteZh
	// No registration, no benefit (§0.5).
	if in.Outcome == OutcomeNotRegistrable {
		return b.decide(false, false, "§0 (5) 未登记不享受优惠",
			"the contract is not registrable, and unregistered contracts get no benefit",
			"合同不予登记，未登记合同不享受优惠")
	}
	if p.Certainty == certaintyUncertain {
		return b.decide(false, true, p.Basis, p.NoteEn, p.NoteZh)
	}
	if !slices.Contains(p.Types, in.Type) {
		return b.decide(false, false, p.Basis,
			fmt.Sprintf("applies to %s contracts, not %s", strings.Join(p.Types, ", "), in.Type)+typeHint(kind, in.Type),
			fmt.Sprintf("适用于 %s 合同，不适用于 %s", strings.Join(p.Types, "、"), in.Type))
	}
	switch kind {
	case BenefitCIT:
		return b.citRelief(p, in)
	case BenefitRDDeduction:
		return b.rdDeduction(p, in)
	case BenefitResearcherIIT:
		return b.researcherIIT(p, in)
	}
	return b.decide(true, false, p.Basis, "a "+ContractTypes.Label(in.Type).En+" contract, once registered",
		ContractTypes.Label(in.Type).Zh+"合同，经认定登记后适用")
}

func typeHint(kind, typ string) string {
	if kind == BenefitVAT && (typ == TypeConsulting || typ == TypeService) {
		return " (consulting and services qualify only as part of a transfer or development, on the same invoice)"
	}
	return ""
}

func (b Benefit) decide(eligible, uncertain bool, rule, en, zh string) Benefit {
	b.Eligible, b.Uncertain, b.DecidingRule, b.Reason, b.ReasonZh = eligible, uncertain, rule, en, zh
	return b
}

func (b Benefit) citRelief(p *Policy, in TaxInput) Benefit {
	c := in.Contract
	seller := c.firstParty(RoleSeller)
	switch {
	case seller == nil || !seller.IsDomestic() || seller.IsNaturalPerson():
		return b.decide(false, false, "企业所得税法 27(4)", "only resident enterprises get the relief; the seller is not one", "仅居民企业享受，卖方不是居民企业")
	case p.ExcludeFullRelatedParty && fullyRelated(c):
		return b.decide(false, false, "财税〔2010〕111号 (100% related party)",
			"income from a related party holding 100% (directly or indirectly) is excluded",
			"与100%直接或间接持股的关联方之间的技术转让所得不享受")
	case p.ExcludeExportRestricted && c.ExportRestricted:
		return b.decide(false, false, "财税〔2010〕111号 (prohibited or restricted export)",
			"technology on the prohibited or restricted export list is excluded", "禁止出口和限制出口技术转让所得不享受")
	}
	ipTypes := contractIPTypes(c)
	switch {
	case anyIn(ipTypes, p.IPTypes):
	case anyIn(ipTypes, p.UncertainIPTypes):
		return b.decide(false, true, p.Basis,
			"the IP ("+strings.Join(ipTypes, ", ")+") is not in the named scope (patents, software copyright, IC layout, plant and biomedicine varieties); MOF/SAT may name other technology",
			"所涉知识产权不在列举范围（专利、软件著作权、集成电路布图设计、植物新品种、生物医药新品种）内，须以财政部、税务总局确定为准")
	default:
		return b.decide(false, false, p.Basis, "no IP within the scope of the relief is transferred", "未转让属于优惠范围的技术")
	}
	if in.Type == TypeLicence {
		if eligible, uncertain, rule, en, zh := licenceQualifies(p, c, in.AsOf); !eligible {
			return b.decide(false, uncertain, rule, en, zh)
		}
	}
	b.IllustrativeExemptFen = min(in.TechnologyAmountFen, p.ExemptUpToFen)
	b.IllustrativeHalfRateFen = max(in.TechnologyAmountFen-p.ExemptUpToFen, 0)
	return b.decide(true, false, p.Basis,
		fmt.Sprintf("qualifying transfer: the first %s yuan of the year's technology-transfer income is exempt, the rest taxed at half rate", p.ExemptUpToFen.Yuan()),
		fmt.Sprintf("符合条件：年度技术转让所得 %s 元以内免征，超过部分减半征收", p.ExemptUpToFen.Yuan()))
}

// licenceQualifies applies the licence conditions of the CIT relief: at least
// five years, and global exclusive (since 2008) or non-exclusive (since
// 2015-10-01, 财税〔2015〕116号).
func licenceQualifies(p *Policy, c *Contract, asOf time.Time) (bool, bool, string, string, string) {
	months := licenceMonths(c)
	if months < p.MinLicenceMonths {
		return false, false, "财税〔2010〕111号; 财税〔2015〕116号 (≥ 5 years)",
			fmt.Sprintf("a licence must run at least %d months; this one runs %d", p.MinLicenceMonths, months),
			fmt.Sprintf("许可期限须不少于 %d 个月，本合同为 %d 个月", p.MinLicenceMonths, months)
	}
	excl, global := "", false
	if c.Licence != nil {
		excl = c.Licence.Exclusivity
		switch strings.ToLower(c.Licence.Territory) {
		case "global", "worldwide", "全球", "全世界":
			global = true
		}
	}
	signed, ok := parseDate(c.SigningDate)
	if !ok {
		signed = asOf
	}
	nonExclFrom, _ := parseDate(p.NonExclusiveLicenceFrom)
	switch {
	case excl == ExclusivityExclusive && global:
		return true, false, "", "", ""
	case excl == ExclusivityExclusive:
		return false, true, "财税〔2010〕111号; 财税〔2015〕116号",
			"an exclusive licence that is not global is neither a global exclusive (111号) nor a non-exclusive (116号) licence; ask the tax office",
			"非全球范围的独占许可既非全球独占许可（111号）也非非独占许可（116号），请咨询税务机关"
	case signed.Before(nonExclFrom):
		return false, false, "财税〔2015〕116号 (from 2015-10-01)",
			"non-exclusive licences qualify only from 2015-10-01", "非独占许可自2015-10-01起方可享受"
	}
	return true, false, "", "", ""
}

// licenceMonths is the agreed licence term, or the validity period when none is agreed.
func licenceMonths(c *Contract) int {
	if c.Licence != nil && c.Licence.TermMonths > 0 {
		return c.Licence.TermMonths
	}
	from, ok1 := parseDate(c.ValidFrom)
	until, ok2 := parseDate(c.ValidUntil)
	if !ok1 || !ok2 {
		return 0
	}
	months := (until.Year()-from.Year())*12 + int(until.Month()-from.Month())
	// A period ending the day before the anniversary is a whole number of months.
	if until.AddDate(0, 0, 1).Day() < from.Day() {
		months--
	}
	return max(months, 0)
}

func (b Benefit) rdDeduction(p *Policy, in TaxInput) Benefit {
	c := in.Contract
	buyer := c.firstParty(RoleBuyer)
	switch {
	case buyer == nil || !buyer.IsDomestic():
		return b.decide(false, false, p.Basis, "the buyer is not a Chinese enterprise", "买方不是境内企业")
	case buyer.EntityType == "":
		return b.decide(false, true, p.Basis, "the buyer's entity type is not given; the deduction is for enterprises", "未填写买方单位性质；加计扣除适用于企业")
	case !isEnterprise(buyer.EntityType):
		return b.decide(false, false, p.Basis, "the buyer is not an enterprise", "买方不是企业")
	}
	for _, ex := range p.ExcludedIndustries {
		if buyer.IndustryCode != "" && strings.HasPrefix(buyer.IndustryCode, ex) {
			return b.decide(false, p.ExcludedIndustriesCertainty == "M", p.Basis+" (excluded industries)",
				"the buyer's industry "+buyer.IndustryCode+" is excluded from the super-deduction [M]",
				"买方所属行业 "+buyer.IndustryCode+" 不适用加计扣除 [M]")
		}
	}
	b.ExtraDeductionPct = p.ExtraDeductionPct
	b.CountedSharePct = 100
	if in.SubType == SubDevCommissioned && p.CommissionedSharePct > 0 {
		b.CountedSharePct = p.CommissionedSharePct
	}
	return b.decide(true, false, p.Basis,
		fmt.Sprintf("the buyer deducts an extra %d%% of the qualifying R&D cost (%d%% of commissioned fees count), once the contract is registered",
			p.ExtraDeductionPct, b.CountedSharePct),
		fmt.Sprintf("合同登记后，买方可按符合条件研发费用加计扣除 %d%%（委托研发按 %d%% 计入）", p.ExtraDeductionPct, b.CountedSharePct))
}

func (b Benefit) researcherIIT(p *Policy, in TaxInput) Benefit {
	seller := in.Contract.firstParty(RoleSeller)
	if seller == nil || !slices.Contains(p.SellerEntityTypes, seller.EntityType) {
		return b.decide(false, false, p.Basis,
			"only for staff of non-profit research institutes (021) and universities (022)", "仅适用于非营利性科研机构（021）和高校（022）的科技人员")
	}
	b.IncomeCountedPct = p.IncomeCountedPct
	return b.decide(true, false, p.Basis,
		fmt.Sprintf("cash rewards to the researchers count at %d%% of their amount in wage income", p.IncomeCountedPct),
		fmt.Sprintf("科技人员现金奖励减按 %d%% 计入工资薪金所得", p.IncomeCountedPct))
}

// fullyRelated reports a 100% direct or indirect holding between the parties.
func fullyRelated(c *Contract) bool {
	for _, p := range c.Parties {
		if p.RelatedHoldingPct == 100 {
			return true
		}
	}
	return false
}

func contractIPTypes(c *Contract) []string {
	var out []string
	for _, ip := range c.IPItems {
		if !slices.Contains(out, ip.Type) {
			out = append(out, ip.Type)
		}
	}
	if len(out) == 0 && c.IPType != "" && c.IPType != "none" {
		out = append(out, c.IPType)
	}
	return out
}

func anyIn(xs, set []string) bool {
	for _, x := range xs {
		if slices.Contains(set, x) {
			return true
		}
	}
	return false
}

// isEnterprise reports whether an entity-type code is an enterprise (1xx–3xx).
func isEnterprise(code string) bool {
	return len(code) == 3 && code[0] >= '1' && code[0] <= '3'
}
