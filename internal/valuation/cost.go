package valuation

import (
	"fmt"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// costCase is one set of cost-approach inputs.
type costCase struct {
	Cost       float64 // replacement or reproduction cost at current prices, fen
	Profit     float64 // reasonable profit on the cost (合理利润率)
	Ageing     float64 // technical ageing: elapsed / (elapsed + remaining) legal life
	Functional float64 // functional obsolescence
	Economic   float64 // economic obsolescence
}

// costValue is the replacement cost plus profit, less obsolescence:
//
//	V = C · (1 + profit) · (1 − ageing) · (1 − functional) · (1 − economic)
//
// The three deductions compound rather than add so that together they can
// never exceed 100%. (1 − ageing) is the 成新率 of Chinese practice.
func costValue(c costCase) float64 {
	return c.Cost * (1 + c.Profit) * (1 - c.Ageing) * (1 - c.Functional) * (1 - c.Economic)
}

// compileCost builds the cost model. The input must be validated.
func compileCost(in *CostInput, life LegalLife) (*methodModel, []Assumption) {
	ageing := 0.0
	ageingNote := domain.Label{Zh: "无法定期限，未计技术性贬值", En: "no statutory term: no technical ageing"}
	if !life.Unlimited && life.FullTermYears > 0 {
		ageing = clamp(life.ElapsedYears/(life.ElapsedYears+life.RemainingYears), 0, 1)
		ageingNote = domain.Label{
			Zh: fmt.Sprintf("已用 %.1f 年 /（已用 %.1f + 剩余 %.1f 年）= %s", life.ElapsedYears, life.ElapsedYears, life.RemainingYears, pct(ageing)),
			En: fmt.Sprintf("%.1f elapsed / (%.1f elapsed + %.1f remaining years) = %s", life.ElapsedYears, life.ElapsedYears, life.RemainingYears, pct(ageing)),
		}
	}
	m := &methodModel{method: MethodCost, vars: []variable{
		newVariable("cost.development_cost", domain.Label{Zh: "重置成本", En: "Replacement cost"}, UnitFen, SourceInput, in.DevelopmentCost.asRange()),
		newVariable("cost.profit_rate", domain.Label{Zh: "合理利润率", En: "Reasonable profit rate"}, UnitRate, SourceInput, in.ProfitRate),
		newVariable("cost.functional_obsolescence", domain.Label{Zh: "功能性贬值率", En: "Functional obsolescence"}, UnitRate, SourceInput, in.FunctionalObsolescence),
		newVariable("cost.economic_obsolescence", domain.Label{Zh: "经济性贬值率", En: "Economic obsolescence"}, UnitRate, SourceInput, in.EconomicObsolescence),
	}}
	m.value = func(x []float64) float64 {
		return costValue(costCase{Cost: x[0], Profit: x[1], Ageing: ageing, Functional: x[2], Economic: x[3]})
	}
	basis := domain.Label{Zh: "重置成本（以现行方法重建同等效用）", En: "replacement cost (equal utility, current methods)"}
	if in.Basis == BasisReproduction {
		basis = domain.Label{Zh: "复原重置成本（按现价复制原技术）", En: "reproduction cost (exact replica at current prices)"}
	}
	return m, []Assumption{
		{Key: "cost.basis", Label: domain.Label{Zh: "成本法口径", En: "Cost basis"}, Value: basis, Source: SourceInput},
		{Key: "cost.ageing", Label: domain.Label{Zh: "技术性贬值（1−成新率）", En: "Technical ageing (1 − newness)"}, Value: ageingNote, Source: SourceDerived},
	}
}
