package valuation

import (
	"fmt"
	"math"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// defaultTaxRate is the statutory enterprise income-tax rate (high-tech
// enterprises pay 15%; set income.tax_rate for them).
const defaultTaxRate = 0.25

// incomeCase is one set of income-approach inputs.
type incomeCase struct {
	Revenue        float64 // first-year revenue, fen
	Growth         float64 // yearly revenue growth
	Rate           float64 // royalty rate, or profit margin × share rate
	Discount       float64 // risk-adjusted discount rate
	EconomicLife   float64 // years from the valuation date
	YearsToRevenue float64 // delay before the first revenue
	Success        float64 // probability of commercial success
	Tax            float64 // income-tax rate on the royalty or profit share
	LegalLife      float64 // remaining legal life in years
	LegalUnlimited bool    // no statutory cap on the income period
}

// incomeValue is the risk-adjusted present value in fen of the technology's
// after-tax income:
//
//	V = p · Σ_k f_k · R · (1+g)^j(k) · rate · (1 − tax) / (1 + r)^k
//
// over years k = 1 … ⌈N⌉, where N = min(economic life, legal life) and f_k is
// the part of year k that lies after the launch delay d and before N (so a
// partial last year counts pro rata). Growth compounds from the first revenue
// year: j(k) = max(0, k − 1 − ⌊d⌋). Cash flows are discounted at year end.
// Multiplying by p, rather than drawing success or failure, gives the
// expected value a buyer would pay for (risk-adjusted NPV).
func incomeValue(c incomeCase) float64 {
	n := c.EconomicLife
	if !c.LegalUnlimited {
		n = math.Min(n, c.LegalLife)
	}
	d := math.Max(0, c.YearsToRevenue)
	if n <= d || c.Revenue <= 0 || c.Rate <= 0 {
		return 0
	}
	firstRevenueYear := int(math.Floor(d)) + 1
	perYear := c.Revenue * c.Rate * (1 - c.Tax)
	discount := 1.0
	growth := 1.0
	total := 0.0
	for k := 1; float64(k-1) < n; k++ {
		discount /= 1 + c.Discount
		if k > firstRevenueYear {
			growth *= 1 + c.Growth
		}
		part := math.Min(float64(k), n) - math.Max(float64(k-1), d)
		if part <= 0 {
			continue
		}
		total += math.Min(part, 1) * perYear * growth * discount
	}
	return c.Success * total
}

// compileIncome builds the income model. The input must be validated.
func compileIncome(in *IncomeInput, trl int, life LegalLife) (*methodModel, []Assumption) {
	tax := defaultTaxRate
	taxSource := SourceDefault
	if in.TaxRate != nil {
		tax, taxSource = *in.TaxRate, SourceInput
	}
	m := &methodModel{method: MethodIncome}
	add := func(v variable) int { m.vars = append(m.vars, v); return len(m.vars) - 1 }

	iRevenue := add(newVariable("income.annual_revenue", domain.Label{Zh: "首年收入", En: "First-year revenue"},
		UnitFen, SourceInput, in.AnnualRevenue.asRange()))
	iGrowth := add(newVariable("income.revenue_growth", domain.Label{Zh: "收入年增长率", En: "Revenue growth"},
		UnitRate, SourceInput, in.RevenueGrowth))
	iRate, iShare := -1, -1
	if in.Basis == BasisProfitSplit {
		iRate = add(newVariable("income.profit_margin", domain.Label{Zh: "营业利润率", En: "Operating profit margin"},
			UnitRate, SourceInput, *in.ProfitMargin))
		iShare = add(newVariable("income.share_rate", domain.Label{Zh: "利润分成率", En: "Profit share rate"},
			UnitRate, SourceInput, *in.ShareRate))
	} else {
		iRate = add(newVariable("income.royalty_rate", domain.Label{Zh: "提成率（销售收入分成率）", En: "Royalty rate"},
			UnitRate, SourceInput, *in.RoyaltyRate))
	}
	iDiscount := add(newVariable("income.discount_rate", domain.Label{Zh: "折现率", En: "Discount rate"},
		UnitRate, SourceInput, in.DiscountRate))
	iLife := add(newVariable("income.economic_life_years", domain.Label{Zh: "经济寿命（年）", En: "Economic life (years)"},
		UnitYears, SourceInput, in.EconomicLifeYears))

	delay, delaySource := defaultYearsToRevenue(trl), SourceDefault
	if in.YearsToRevenue != nil {
		delay, delaySource = *in.YearsToRevenue, SourceInput
	}
	iDelay := add(newVariable("income.years_to_revenue", domain.Label{Zh: "距产生收入年数", En: "Years to first revenue"},
		UnitYears, delaySource, delay))
	success, successSource := Fixed(SuccessProbability(trl)), SourceDefault
	if in.SuccessProbability != nil {
		success, successSource = *in.SuccessProbability, SourceInput
	}
	iSuccess := add(newVariable("income.success_probability", domain.Label{Zh: "商业化成功概率", En: "Probability of success"},
		UnitProbability, successSource, success))

	m.value = func(x []float64) float64 {
		rate := x[iRate]
		if iShare >= 0 {
			rate *= x[iShare]
		}
		return incomeValue(incomeCase{
			Revenue: x[iRevenue], Growth: x[iGrowth], Rate: rate, Discount: x[iDiscount],
			EconomicLife: x[iLife], YearsToRevenue: x[iDelay], Success: x[iSuccess], Tax: tax,
			LegalLife: life.RemainingYears, LegalUnlimited: life.Unlimited,
		})
	}

	basis := domain.Label{Zh: "许可费节省法（提成率）", En: "relief from royalty"}
	if in.Basis == BasisProfitSplit {
		basis = domain.Label{Zh: "利润分成法（分成率）", En: "profit split with a share rate"}
	}
	legal := domain.Label{Zh: "无法定期限上限", En: "no statutory cap"}
	if !life.Unlimited {
		legal = domain.Label{Zh: fmt.Sprintf("%.1f 年", life.RemainingYears), En: fmt.Sprintf("%.1f years", life.RemainingYears)}
	}
	assumptions := []Assumption{
		{Key: "income.basis", Label: domain.Label{Zh: "收益法口径", En: "Income basis"}, Value: basis, Source: SourceInput},
		{Key: "income.tax_rate", Label: domain.Label{Zh: "所得税率", En: "Income-tax rate"}, Value: both(pct(tax)), Source: taxSource},
		{Key: "legal_life.remaining_years", Label: domain.Label{Zh: "剩余法定保护期", En: "Remaining legal life"}, Value: legal, Source: SourceDerived},
		{Key: "income.period", Label: domain.Label{Zh: "收益期", En: "Income period"},
			Value: domain.Label{Zh: "经济寿命与剩余法定保护期孰短", En: "the shorter of the economic life and the remaining legal life"}, Source: SourceDerived},
		{Key: "income.timing", Label: domain.Label{Zh: "折现时点", En: "Discounting"},
			Value: domain.Label{Zh: "年末折现，不足一年按比例计", En: "year-end, partial years pro rata"}, Source: SourceDefault},
	}
	if successSource == SourceDefault {
		assumptions = append(assumptions, Assumption{Key: "income.success_probability",
			Label: domain.Label{Zh: "成功概率（按TRL）", En: "Probability of success (from TRL)"},
			Value: both(fmt.Sprintf("TRL %d → %s", trl, pct(SuccessProbability(trl)))), Source: SourceDefault})
	}
	return m, assumptions
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", v*100) }
