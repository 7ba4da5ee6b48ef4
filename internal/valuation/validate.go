package valuation

import (
	"fmt"
	"math"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// bounds is the allowed interval of a number, with its description for the
// error message.
type bounds struct {
	min, max         float64
	minOpen, maxOpen bool
	en, zh           string
}

func (b bounds) contains(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	if v < b.min || (b.minOpen && v == b.min) {
		return false
	}
	return v < b.max || (!b.maxOpen && v == b.max)
}

var (
	fraction     = bounds{min: 0, max: 1, en: "a fraction between 0 and 1 (0%–100%)", zh: "0 到 1 之间的小数（0%–100%）"}
	growthRate   = bounds{min: -1, max: 1, minOpen: true, en: "a yearly rate above −1 and at most 1 (−100% < rate ≤ 100%)", zh: "大于 −1 且不超过 1 的年率（−100% < 比率 ≤ 100%）"}
	discountRate = bounds{min: 0, max: 1, minOpen: true, en: "a rate above 0 and at most 1 (0% < rate ≤ 100%)", zh: "大于 0 且不超过 1 的比率（0% < 折现率 ≤ 100%）"}
	taxRate      = bounds{min: 0, max: 1, maxOpen: true, en: "a rate from 0 up to (not including) 1", zh: "0 到 1 之间（不含 1）的比率"}
	lifeYears    = bounds{min: 0, max: 50, minOpen: true, en: "a number of years above 0 and at most 50", zh: "大于 0 且不超过 50 的年数"}
	delayYears   = bounds{min: 0, max: 30, en: "a number of years from 0 to 30", zh: "0 到 30 之间的年数"}
	nonNegative  = bounds{min: 0, max: math.MaxFloat64, en: "zero or more", zh: "不小于 0"}
	score100     = bounds{min: 0, max: 100, en: "a score from 0 to 100", zh: "0 到 100 之间的分数"}
)

// validator accumulates field errors.
type validator struct {
	list apperr.FieldList
}

func (v *validator) add(field, code, en, zh string) { v.list.Add(field, code, en, zh) }

func (v *validator) required(field string) {
	v.add(field, "required", "is required", "必填")
}

// number checks one number against bounds.
func (v *validator) number(field string, x float64, b bounds) {
	if !b.contains(x) {
		v.add(field, "out_of_range", "must be "+b.en, "应为"+b.zh)
	}
}

// uncertain checks a Range: a known distribution, low ≤ base ≤ high, every
// value within bounds and, for lognormal, positive bounds. A fixed value is
// reported on the field itself, a spread on its low/base/high.
func (v *validator) uncertain(field string, r Range, b bounds) {
	switch r.Dist {
	case "", DistFixed, DistTriangular, DistUniform, DistLognormal:
	default:
		v.add(field+".dist", "unknown_distribution", "must be fixed, triangular, uniform or lognormal",
			"应为 fixed、triangular、uniform 或 lognormal")
		return
	}
	n := r.normalized()
	if n.Dist == DistFixed {
		v.number(field, n.Base, b)
		return
	}
	before := len(v.list)
	v.number(field+".low", n.Low, b)
	v.number(field+".base", n.Base, b)
	v.number(field+".high", n.High, b)
	if len(v.list) > before {
		return
	}
	if n.Low > n.Base || n.Base > n.High {
		v.add(field, "inconsistent_range", "needs low ≤ base ≤ high", "需满足 low ≤ base ≤ high")
		return
	}
	if n.Dist == DistLognormal && (n.Low <= 0 || n.High <= n.Low) {
		v.add(field+".low", "lognormal_bounds", "a lognormal range needs 0 < low < high", "对数正态分布需满足 0 < low < high")
	}
}

func (v *validator) money(field string, r FenRange) {
	v.uncertain(field, r.asRange(), nonNegative)
}

func (v *validator) code(field, value string, list domain.CodeList, required bool) {
	switch {
	case value == "" && required:
		v.required(field)
	case value != "" && !list.Has(value):
		v.add(field, "unknown_code", "is not a known code", "不是有效代码")
	}
}

func (v *validator) trl(field string, trl int) {
	if trl < 1 || trl > 9 {
		v.add(field, "out_of_range", "TRL must be between 1 and 9", "技术就绪水平（TRL）应在 1 到 9 之间")
	}
}

// date parses an optional date; ok is false when it is empty or bad.
func (v *validator) date(field, value string) (time.Time, bool) {
	if value == "" {
		return time.Time{}, false
	}
	t, err := parseDate(value)
	if err != nil {
		v.add(field, "bad_date", "must be a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")
		return time.Time{}, false
	}
	return t, true
}

func (v *validator) count(field string, n *int) {
	if n != nil && *n < 0 {
		v.add(field, "out_of_range", "must be zero or more", "不能为负数")
	}
}

// Validate checks an input against the embedded indicator tree. It returns an
// apperr Invalid error naming every field at fault by its JSON path, or nil.
func (in Input) Validate() error { return in.validate(DefaultTree()) }

func (in Input) validate(tree *Tree) error {
	var v validator
	at, hasDate := v.date("valuation_date", in.ValuationDate)
	if in.ValuationDate == "" {
		v.required("valuation_date")
	}
	if in.Scenario != "" && !Scenarios.Has(in.Scenario) {
		v.add("scenario", "unknown_code", "must be one of transfer_licensing, pledge_financing, financial_reporting, infringement, management",
			"应为 transfer_licensing、pledge_financing、financial_reporting、infringement 或 management")
	} else if s := in.scenario(); !tree.HasScenario(s) {
		v.add("scenario", "no_weights", "the indicator tree has no weights for this scenario", "指标体系没有该场景的权重")
	}
	switch in.Method {
	case "", MethodAuto, MethodIncome, MethodMarket, MethodCost:
	default:
		v.add("method", "unknown_code", "must be auto, income, market or cost", "应为 auto、income、market 或 cost")
	}
	v.code("field", in.Field, domain.TechFields, true)
	v.trl("trl", in.TRL)
	v.code("transfer_mode", in.TransferMode, domain.TransferModes, false)
	v.code("implementation", in.Implementation, Implementations, false)
	if in.OwnerCount != nil && *in.OwnerCount < 1 {
		v.add("owner_count", "out_of_range", "must be at least 1", "至少为 1")
	}
	v.count("demand_signals", in.DemandSignals)
	for id, s := range in.IndicatorScores {
		field := "indicator_scores." + id
		if ind, ok := tree.Indicator(id); !ok || ind.Level != 3 {
			v.add(field, "unknown_indicator", "is not a third-level indicator id", "不是三级指标编号")
			continue
		}
		v.number(field, s, score100)
	}
	for i, it := range in.IPItems {
		v.ipItem(fmt.Sprintf("ip_items[%d]", i), it, at, hasDate)
	}
	if in.Income != nil {
		v.income(in.Income)
	}
	if in.Market != nil {
		v.market(in.Market, at, hasDate)
	}
	if in.Cost != nil {
		v.cost(in.Cost)
	}
	switch {
	case in.Method == MethodIncome && in.Income == nil:
		v.required("income")
	case in.Method == MethodCost && in.Cost == nil:
		v.required("cost")
	case in.Method == MethodMarket && (in.Market == nil || len(in.Market.Comparables) == 0):
		v.required("market.comparables")
	case in.Income == nil && in.Cost == nil && (in.Market == nil || len(in.Market.Comparables) == 0):
		v.add("income", "required", "give the assumptions of at least one method: income, market or cost",
			"至少需要一种方法的参数：收益法、市场法或成本法")
	}
	if d := in.Simulation.Draws; d != 0 && (d < MinDraws || d > MaxDraws) {
		v.add("simulation.draws", "out_of_range", fmt.Sprintf("must be between %d and %d", MinDraws, MaxDraws),
			fmt.Sprintf("应在 %d 到 %d 之间", MinDraws, MaxDraws))
	}
	return v.list.Err("valuation.Validate")
}

func (v *validator) ipItem(p string, it IPItem, at time.Time, hasDate bool) {
	v.code(p+".type", it.Type, domain.IPTypes, true)
	v.code(p+".status", it.Status, domain.IPStatuses, true)
	filing, hasFiling := v.date(p+".filing_date", it.FilingDate)
	grant, hasGrant := v.date(p+".grant_date", it.GrantDate)
	v.date(p+".expiry_date", it.ExpiryDate)
	if hasFiling && hasDate && filing.After(at) {
		v.add(p+".filing_date", "after_valuation_date", "must not be after the valuation date", "不能晚于评估基准日")
	}
	if hasFiling && hasGrant && grant.Before(filing) {
		v.add(p+".grant_date", "before_filing", "must not be before the filing date", "不能早于申请日")
	}
	if _, _, hasTerm := statutoryTerm(it.Type, filing); hasTerm && inForceStatus(it.Status) &&
		it.FilingDate == "" && it.ExpiryDate == "" {
		v.add(p+".filing_date", "required", "filing_date or expiry_date is needed to compute the remaining legal life",
			"需填写申请日或到期日以计算剩余法定保护期")
	}
	if it.TermAdjustmentDays < 0 {
		v.add(p+".term_adjustment_days", "out_of_range", "must be zero or more", "不能为负数")
	}
	if it.DrugTermCompensationYears < 0 || it.DrugTermCompensationYears > 5 {
		v.add(p+".drug_term_compensation_years", "out_of_range", "must be between 0 and 5 years (Patent Law Art 42)",
			"应在 0 到 5 年之间（专利法第四十二条）")
	}
	v.count(p+".claims", it.Claims)
	v.count(p+".forward_citations", it.ForwardCitations)
	v.count(p+".backward_citations", it.BackwardCitations)
	v.count(p+".non_patent_citations", it.NonPatentCitations)
	v.count(p+".family_size", it.FamilySize)
	v.count(p+".jurisdictions", it.Jurisdictions)
	v.count(p+".classification_count", it.ClassificationCount)
	v.count(p+".similar_prior_docs", it.SimilarPriorDocs)
	v.count(p+".inventors", it.Inventors)
}

func (v *validator) income(in *IncomeInput) {
	switch in.Basis {
	case BasisReliefFromRoyalty:
		if in.RoyaltyRate == nil {
			v.required("income.royalty_rate")
		}
	case BasisProfitSplit:
		if in.ProfitMargin == nil {
			v.required("income.profit_margin")
		}
		if in.ShareRate == nil {
			v.required("income.share_rate")
		}
	case "":
		v.required("income.basis")
	default:
		v.add("income.basis", "unknown_code", "must be relief_from_royalty or profit_split", "应为 relief_from_royalty 或 profit_split")
	}
	v.money("income.annual_revenue", in.AnnualRevenue)
	v.uncertain("income.revenue_growth", in.RevenueGrowth, growthRate)
	if in.RoyaltyRate != nil {
		v.uncertain("income.royalty_rate", *in.RoyaltyRate, fraction)
	}
	if in.ProfitMargin != nil {
		v.uncertain("income.profit_margin", *in.ProfitMargin, fraction)
	}
	if in.ShareRate != nil {
		v.uncertain("income.share_rate", *in.ShareRate, fraction)
	}
	v.uncertain("income.discount_rate", in.DiscountRate, discountRate)
	v.uncertain("income.economic_life_years", in.EconomicLifeYears, lifeYears)
	if in.YearsToRevenue != nil {
		v.uncertain("income.years_to_revenue", *in.YearsToRevenue, delayYears)
	}
	if in.SuccessProbability != nil {
		v.uncertain("income.success_probability", *in.SuccessProbability, fraction)
	}
	if in.TaxRate != nil {
		v.number("income.tax_rate", *in.TaxRate, taxRate)
	}
}

func (v *validator) market(m *MarketInput, at time.Time, hasDate bool) {
	if m.PriceTrend != nil {
		v.uncertain("market.price_trend", *m.PriceTrend, growthRate)
	}
	for i, c := range m.Comparables {
		p := fmt.Sprintf("market.comparables[%d]", i)
		v.code(p+".field", c.Field, domain.TechFields, true)
		v.trl(p+".trl", c.TRL)
		v.code(p+".transfer_mode", c.TransferMode, domain.TransferModes, false)
		if c.IPStrength != nil {
			v.number(p+".ip_strength", *c.IPStrength, score100)
		}
		if c.PriceFen <= 0 {
			v.add(p+".price_fen", "out_of_range", "must be a positive amount in fen", "应为正的金额（分）")
		}
		closed, ok := v.date(p+".closed_on", c.ClosedOn)
		if c.ClosedOn == "" {
			v.required(p + ".closed_on")
		}
		if ok && hasDate && closed.After(at) {
			v.add(p+".closed_on", "after_valuation_date", "must not be after the valuation date", "不能晚于评估基准日")
		}
	}
}

func (v *validator) cost(c *CostInput) {
	switch c.Basis {
	case BasisReplacement, BasisReproduction:
	case "":
		v.required("cost.basis")
	default:
		v.add("cost.basis", "unknown_code", "must be replacement or reproduction", "应为 replacement 或 reproduction")
	}
	v.money("cost.development_cost", c.DevelopmentCost)
	v.uncertain("cost.profit_rate", c.ProfitRate, fraction)
	v.uncertain("cost.functional_obsolescence", c.FunctionalObsolescence, fraction)
	v.uncertain("cost.economic_obsolescence", c.EconomicObsolescence, fraction)
}

// scenario returns the effective scenario.
func (in Input) scenario() string {
	if in.Scenario == "" {
		return ScenarioTransferLicensing
	}
	return in.Scenario
}
