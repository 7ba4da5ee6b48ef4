package deal

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
)

// maxMoney bounds any amount: 10 trillion yuan in fen, far above any real contract.
const maxMoney = domain.Fen(1e15)

// OfferTerms are what an offer or counter-offer proposes: the price and the
// main commercial terms. The full contract terms are drafted after agreement.
type OfferTerms struct {
	PriceFen     domain.Fen `json:"price_fen"`
	ContractType string     `json:"contract_type,omitempty"` // registration.ContractTypes
	SubType      string     `json:"sub_type,omitempty"`
	PaymentMode  string     `json:"payment_mode,omitempty"` // registration.PaymentModes
	// Licence terms, for LIC offers.
	Exclusivity string `json:"exclusivity,omitempty"`
	Territory   string `json:"territory,omitempty"`
	TermMonths  int    `json:"term_months,omitempty"`
	// Royalty terms, for royalty payment modes.
	RoyaltyBP   int64      `json:"royalty_bp,omitempty"`
	EntryFeeFen domain.Fen `json:"entry_fee_fen,omitempty"`
	// FreeUseMonths is a use-first-pay-later period (先使用后付费), licences only.
	FreeUseMonths int    `json:"free_use_months,omitempty"`
	Note          string `json:"note,omitempty"`
}

// validate names every field at fault under prefix (e.g. "terms.").
func (t OfferTerms) validate(f *apperr.FieldList, prefix string, rs rules.RuleSet) {
	if t.PriceFen <= 0 || t.PriceFen > maxMoney {
		f.Add(prefix+"price_fen", "out_of_range", "the price must be positive and at most 10 trillion yuan", "价格须大于零且不超过10万亿元")
	}
	if t.ContractType != "" {
		validType(f, prefix, t.ContractType, t.SubType, false)
	}
	if t.PaymentMode != "" && !registration.PaymentModes.Has(t.PaymentMode) {
		f.Add(prefix+"payment_mode", "invalid", "payment mode must be one of "+strings.Join(registration.PaymentModes.Codes(), ", "), "支付方式无效")
	}
	if t.Exclusivity != "" && !registration.Exclusivities.Has(t.Exclusivity) {
		f.Add(prefix+"exclusivity", "invalid", "exclusivity must be exclusive, sole or ordinary", "许可方式须为独占、排他或普通许可")
	}
	if t.TermMonths < 0 || t.TermMonths > 600 {
		f.Add(prefix+"term_months", "out_of_range", "term must be 0–600 months", "期限须为0至600个月")
	}
	if t.RoyaltyBP < 0 || t.RoyaltyBP > 10000 {
		f.Add(prefix+"royalty_bp", "out_of_range", "royalty must be 0–10000 basis points", "提成比例须为0至10000个基点")
	}
	if t.EntryFeeFen < 0 || t.EntryFeeFen > t.PriceFen {
		f.Add(prefix+"entry_fee_fen", "out_of_range", "entry fee must be between 0 and the price", "入门费须介于0与价格之间")
	}
	validFreeUse(f, prefix+"free_use_months", t.FreeUseMonths, t.ContractType, rs)
	textLimit(f, prefix+"note", t.Note, 2000)
}

func validFreeUse(f *apperr.FieldList, field string, months int, contractType string, rs rules.RuleSet) {
	if months == 0 {
		return
	}
	switch {
	case months < 0:
		f.Add(field, "out_of_range", "must not be negative", "不得为负数")
	case contractType != "" && contractType != registration.TypeLicence:
		f.Add(field, "licence_only", "use first, pay later applies to licences only", "先使用后付费仅适用于许可合同")
	case !rs.UseFirstPayLater.Allowed:
		f.Add(field, "not_allowed", "this venue does not allow use first, pay later", "本交易场所不支持先使用后付费")
	case months > rs.UseFirstPayLater.MaxFreeMonths:
		f.Add(field, "out_of_range", fmt.Sprintf("the free period may be at most %d months here", rs.UseFirstPayLater.MaxFreeMonths),
			fmt.Sprintf("免费使用期最长为%d个月", rs.UseFirstPayLater.MaxFreeMonths))
	}
}

func validType(f *apperr.FieldList, prefix, typ, sub string, subRequired bool) {
	if !registration.ContractTypes.Has(typ) {
		f.Add(prefix+"contract_type", "invalid", "contract type must be one of "+strings.Join(registration.ContractTypes.Codes(), ", "), "合同类型无效")
		return
	}
	subs := registration.SubTypes[typ]
	switch {
	case sub == "" && subRequired && len(subs) > 0:
		f.Add(prefix+"sub_type", "required", "choose a sub-type: "+strings.Join(subs.Codes(), ", "), "请选择合同子类型")
	case sub != "" && !subs.Has(sub):
		f.Add(prefix+"sub_type", "invalid", fmt.Sprintf("%q is not a sub-type of %s", sub, typ), "合同子类型与合同类型不符")
	}
}

// Terms are a technology contract's typed terms (Civil Code Arts 845–846); the
// contract document is generated from them.
type Terms struct {
	ContractType string `json:"contract_type"` // registration.ContractTypes
	SubType      string `json:"sub_type,omitempty"`
	Title        string `json:"title"`
	// Subject states the content, scope and requirements of the subject (标的).
	Subject  string        `json:"subject"`
	IPItems  []IPItem      `json:"ip_items,omitempty"`
	Licence  *LicenceScope `json:"licence,omitempty"`
	PriceFen domain.Fen    `json:"price_fen"`
	Payment  Payment       `json:"payment"`
	// Milestones carry deliverables, acceptance criteria and the amount due on acceptance.
	Milestones []Milestone `json:"milestones,omitempty"`
	// LineItems split the price into technical, non-technical and carrier parts
	// (the registrar's technology amount is computed from them).
	LineItems       []LineItem      `json:"line_items,omitempty"`
	Confidentiality Confidentiality `json:"confidentiality"`
	// Improvements says who owns improvements made after signing (ImprovementRules).
	Improvements string  `json:"improvements"`
	Dispute      Dispute `json:"dispute"`
	ValidFrom    string  `json:"valid_from,omitempty"` // YYYY-MM-DD
	ValidUntil   string  `json:"valid_until,omitempty"`
}

// IPItem is a patent, application or other right the contract concerns.
type IPItem struct {
	Type   string `json:"type"` // domain.IPTypes
	Number string `json:"number,omitempty"`
	Title  string `json:"title,omitempty"`
	Holder string `json:"holder,omitempty"`
}

// LicenceScope is the scope of a licence.
type LicenceScope struct {
	Exclusivity string `json:"exclusivity"` // registration.Exclusivities; unagreed means ordinary (SPC 25)
	Territory   string `json:"territory"`
	Field       string `json:"field,omitempty"`       // field of use
	TermMonths  int    `json:"term_months,omitempty"` // 0: no time limit (SPC 28), within the patent's life (CC 865)
	Sublicense  bool   `json:"sublicense,omitempty"`
}

// Payment is how the price is paid (Civil Code Art 846).
type Payment struct {
	Mode        string     `json:"mode"` // registration.PaymentModes
	EntryFeeFen domain.Fen `json:"entry_fee_fen,omitempty"`
	RoyaltyBase string     `json:"royalty_base,omitempty"` // registration.RoyaltyBases
	RoyaltyRate string     `json:"royalty_rate,omitempty"` // fixed | increasing | decreasing
	// RoyaltyBPByYear is the royalty per contract year in basis points: one value
	// for a fixed rate, a rising or falling series otherwise.
	RoyaltyBPByYear []int64 `json:"royalty_bp_by_year,omitempty"`
	FreeUseMonths   int     `json:"free_use_months,omitempty"` // use first, pay later
	BookInspection  bool    `json:"book_inspection,omitempty"`
}

// Milestone is a stage with deliverables and the amount due on its acceptance.
type Milestone struct {
	Name               string     `json:"name"`
	Deliverables       []string   `json:"deliverables"`
	AcceptanceCriteria string     `json:"acceptance_criteria"`
	AmountFen          domain.Fen `json:"amount_fen"`
	DueDate            string     `json:"due_date,omitempty"` // YYYY-MM-DD
}

// LineItem is one priced part of the contract.
type LineItem struct {
	Description string     `json:"description"`
	Kind        string     `json:"kind"` // technical | non_technical | carrier
	AmountFen   domain.Fen `json:"amount_fen"`
}

// Confidentiality is the secrecy clause.
type Confidentiality struct {
	Years int    `json:"years"`
	Scope string `json:"scope,omitempty"`
}

// Dispute is how disputes are resolved.
type Dispute struct {
	Method string `json:"method"` // arbitration | litigation
	Forum  string `json:"forum"`  // the arbitration commission or the court
}

// ImprovementRules are the lawful choices for improvements. A one-way,
// free or exclusive grant-back to the licensor is an illegal restriction
// (SPC Art 10(1)) and is therefore not offered.
var ImprovementRules = domain.CodeList{
	{Code: "improver", Label: domain.Label{Zh: "后续改进的技术成果归完成改进的一方所有", En: "Each improvement belongs to the party that made it"}},
	{Code: "joint", Label: domain.Label{Zh: "后续改进的技术成果由双方共有", En: "Improvements are owned jointly"}},
	{Code: "reciprocal_licence", Label: domain.Label{Zh: "改进方所有，双方互相给予非独占许可", En: "The improver owns them; both grant each other a non-exclusive licence"}},
}

// DisputeMethods are the ways of resolving disputes.
var DisputeMethods = domain.CodeList{
	{Code: "arbitration", Label: domain.Label{Zh: "仲裁", En: "Arbitration"}},
	{Code: "litigation", Label: domain.Label{Zh: "诉讼", En: "Litigation"}},
}

// Validate names every field at fault. rs supplies the venue's limits (use
// first, pay later).
func (t Terms) Validate(rs rules.RuleSet) error {
	var f apperr.FieldList
	validType(&f, "", t.ContractType, t.SubType, true)
	required(&f, "title", t.Title, 200)
	required(&f, "subject", t.Subject, 5000)
	if t.PriceFen < 0 || t.PriceFen > maxMoney || (t.PriceFen == 0 && t.Payment.Mode != "ROYALTY") {
		f.Add("price_fen", "out_of_range", "the price must be positive (zero only for a royalty-only contract)", "合同金额须大于零（仅提成支付可为零）")
	}
	held := t.ContractType == registration.TypeTransfer || t.ContractType == registration.TypeLicence
	if held && len(t.IPItems) == 0 {
		f.Add("ip_items", "required", "a transfer or licence names the IP it concerns (CC 845)", "转让或许可合同须列明所涉知识产权")
	}
	for i, it := range t.IPItems {
		p := fmt.Sprintf("ip_items[%d]", i)
		if !domain.IPTypes.Has(it.Type) {
			f.Add(p+".type", "invalid", "unknown IP type", "知识产权类型无效")
		}
		if it.Type != "technology_secret" && strings.TrimSpace(it.Number) == "" {
			f.Add(p+".number", "required", "the patent or registration number is required", "须填写专利号或登记号")
		}
	}
	t.validateLicence(&f)
	t.validatePayment(&f)
	validFreeUse(&f, "payment.free_use_months", t.Payment.FreeUseMonths, t.ContractType, rs)
	sum := domain.Fen(0)
	for i, m := range t.Milestones {
		p := fmt.Sprintf("milestones[%d]", i)
		required(&f, p+".name", m.Name, 200)
		if len(m.Deliverables) == 0 {
			f.Add(p+".deliverables", "required", "list at least one deliverable", "至少列明一项交付物")
		}
		required(&f, p+".acceptance_criteria", m.AcceptanceCriteria, 2000)
		if m.AmountFen < 0 || m.AmountFen > maxMoney {
			f.Add(p+".amount_fen", "out_of_range", "amount out of range", "金额超出范围")
		}
		if m.DueDate != "" && !validDate(m.DueDate) {
			f.Add(p+".due_date", "invalid", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")
		}
		sum += m.AmountFen
	}
	if t.ContractType == registration.TypeDevelopment && len(t.Milestones) == 0 {
		f.Add("milestones", "required", "a development contract needs at least one milestone with acceptance criteria", "技术开发合同须至少约定一个含验收标准的里程碑")
	}
	if t.Payment.Mode == "LUMP_SUM_INSTALMENTS" && sum != t.PriceFen {
		f.Add("milestones", "sum_mismatch", fmt.Sprintf("instalments add up to %s yuan, not the price %s yuan", sum.Yuan(), t.PriceFen.Yuan()),
			fmt.Sprintf("分期金额合计%s元，与合同金额%s元不符", sum.Yuan(), t.PriceFen.Yuan()))
	} else if sum > t.PriceFen && t.PriceFen > 0 {
		f.Add("milestones", "sum_exceeds_price", "milestone amounts exceed the price", "里程碑金额合计超过合同金额")
	}
	items := domain.Fen(0)
	for i, li := range t.LineItems {
		p := fmt.Sprintf("line_items[%d]", i)
		required(&f, p+".description", li.Description, 500)
		if !registration.LineItemKinds.Has(li.Kind) {
			f.Add(p+".kind", "invalid", "kind must be technical, non_technical or carrier", "费用类别须为技术性、非技术性或技术载体")
		}
		if li.AmountFen <= 0 || li.AmountFen > maxMoney {
			f.Add(p+".amount_fen", "out_of_range", "amount must be positive", "金额须大于零")
		}
		items += li.AmountFen
	}
	if len(t.LineItems) > 0 && items != t.PriceFen {
		f.Add("line_items", "sum_mismatch", fmt.Sprintf("line items add up to %s yuan, not the price %s yuan", items.Yuan(), t.PriceFen.Yuan()),
			fmt.Sprintf("费用明细合计%s元，与合同金额%s元不符", items.Yuan(), t.PriceFen.Yuan()))
	}
	if t.Confidentiality.Years < 0 || t.Confidentiality.Years > 50 {
		f.Add("confidentiality.years", "out_of_range", "confidentiality must last 0–50 years", "保密期限须为0至50年")
	}
	textLimit(&f, "confidentiality.scope", t.Confidentiality.Scope, 2000)
	if !ImprovementRules.Has(t.Improvements) {
		f.Add("improvements", "invalid", "ownership of improvements must be one of "+strings.Join(ImprovementRules.Codes(), ", ")+
			" (a one-way grant-back is an illegal restriction, SPC Art 10)", "后续改进成果归属须为 improver、joint 或 reciprocal_licence（单方回授属非法垄断技术条款）")
	}
	if !DisputeMethods.Has(t.Dispute.Method) {
		f.Add("dispute.method", "invalid", "dispute resolution must be arbitration or litigation", "争议解决方式须为仲裁或诉讼")
	}
	required(&f, "dispute.forum", t.Dispute.Forum, 200)
	for _, d := range []struct{ field, v string }{{"valid_from", t.ValidFrom}, {"valid_until", t.ValidUntil}} {
		if d.v != "" && !validDate(d.v) {
			f.Add(d.field, "invalid", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")
		}
	}
	if t.ValidFrom != "" && t.ValidUntil != "" && t.ValidUntil < t.ValidFrom {
		f.Add("valid_until", "before_start", "the contract ends before it starts", "合同终止日期早于起始日期")
	}
	return f.Err("deal.Terms")
}

func (t Terms) validateLicence(f *apperr.FieldList) {
	if t.ContractType != registration.TypeLicence {
		if t.Licence != nil {
			f.Add("licence", "not_a_licence", "licence scope applies to licence contracts only", "许可范围仅适用于许可合同")
		}
		return
	}
	if t.Licence == nil {
		f.Add("licence", "required", "a licence states its scope: exclusivity, territory, field and term", "许可合同须约定许可方式、地域、领域和期限")
		return
	}
	if !registration.Exclusivities.Has(t.Licence.Exclusivity) {
		f.Add("licence.exclusivity", "invalid", "exclusivity must be exclusive, sole or ordinary", "许可方式须为独占、排他或普通许可")
	}
	required(f, "licence.territory", t.Licence.Territory, 200)
	textLimit(f, "licence.field", t.Licence.Field, 500)
	if t.Licence.TermMonths < 0 || t.Licence.TermMonths > 600 {
		f.Add("licence.term_months", "out_of_range", "term must be 0 (no limit) to 600 months", "许可期限须为0（不限）至600个月")
	}
}

func (t Terms) validatePayment(f *apperr.FieldList) {
	p := t.Payment
	if !registration.PaymentModes.Has(p.Mode) {
		f.Add("payment.mode", "invalid", "payment mode must be one of "+strings.Join(registration.PaymentModes.Codes(), ", "), "支付方式无效")
		return
	}
	royalty := p.Mode == "ROYALTY" || p.Mode == "ROYALTY_PLUS_ENTRY_FEE"
	if p.Mode == "LUMP_SUM_INSTALMENTS" && len(t.Milestones) < 2 {
		f.Add("milestones", "required", "payment in instalments needs at least two milestones", "分期支付须约定至少两期")
	}
	if p.Mode == "ROYALTY_PLUS_ENTRY_FEE" && (p.EntryFeeFen <= 0 || p.EntryFeeFen > t.PriceFen) {
		f.Add("payment.entry_fee_fen", "required", "royalty plus entry fee needs an entry fee no larger than the price", "提成加入门费方式须约定入门费，且不超过合同金额")
	}
	if !royalty {
		if p.RoyaltyBase != "" || len(p.RoyaltyBPByYear) > 0 {
			f.Add("payment.royalty_base", "not_royalty", "royalty terms apply to royalty payment modes only", "提成条款仅适用于提成支付方式")
		}
		return
	}
	if !registration.RoyaltyBases.Has(p.RoyaltyBase) {
		f.Add("payment.royalty_base", "invalid", "royalty base must be one of "+strings.Join(registration.RoyaltyBases.Codes(), ", "), "提成基数无效")
	}
	if !registration.RoyaltyRates.Has(p.RoyaltyRate) {
		f.Add("payment.royalty_rate", "invalid", "royalty rate must be fixed, increasing or decreasing", "提成比例须为固定、逐年递增或逐年递减")
	}
	rates := p.RoyaltyBPByYear
	for i, r := range rates {
		if r <= 0 || r > 10000 {
			f.Add(fmt.Sprintf("payment.royalty_bp_by_year[%d]", i), "out_of_range", "each rate must be 1–10000 basis points", "提成比例须为1至10000个基点")
		}
	}
	switch {
	case len(rates) == 0:
		f.Add("payment.royalty_bp_by_year", "required", "state the royalty rate", "须约定提成比例")
	case p.RoyaltyRate == "fixed" && len(rates) != 1:
		f.Add("payment.royalty_bp_by_year", "fixed_rate", "a fixed rate has exactly one value", "固定比例只能有一个数值")
	case p.RoyaltyRate == "increasing" && !monotonic(rates, 1):
		f.Add("payment.royalty_bp_by_year", "not_increasing", "an increasing rate needs at least two rising values", "逐年递增比例须至少两个且逐年上升")
	case p.RoyaltyRate == "decreasing" && !monotonic(rates, -1):
		f.Add("payment.royalty_bp_by_year", "not_decreasing", "a decreasing rate needs at least two falling values", "逐年递减比例须至少两个且逐年下降")
	}
}

func monotonic(v []int64, dir int64) bool {
	if len(v) < 2 {
		return false
	}
	for i := 1; i < len(v); i++ {
		if (v[i]-v[i-1])*dir <= 0 {
			return false
		}
	}
	return true
}

func required(f *apperr.FieldList, field, s string, max int) {
	if strings.TrimSpace(s) == "" {
		f.Add(field, "required", "is required", "必填")
		return
	}
	textLimit(f, field, s, max)
}

func textLimit(f *apperr.FieldList, field, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		f.Add(field, "too_long", fmt.Sprintf("at most %d characters (has %d)", max, n), fmt.Sprintf("最多%d个字符（当前%d）", max, n))
	}
}

func validDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
