package valuation

// The TRL tables below are reasoned defaults [M], not measured rates: no public
// source gives commercialisation rates by TRL for Chinese technology deals. They
// encode the common view that each level retires part of the technical risk and
// shortens the road to revenue. Every valuation can override them
// (income.success_probability, income.years_to_revenue), and the report shows
// which one was used.

// successByTRL is the probability that a technology at a TRL reaches sustained
// commercial revenue.
var successByTRL = [10]float64{0, 0.05, 0.10, 0.20, 0.30, 0.40, 0.55, 0.70, 0.85, 0.95}

// yearsToRevenueByTRL is the typical delay before the first revenue.
var yearsToRevenueByTRL = [10]float64{0, 8, 7, 6, 5, 4, 3, 2, 1, 0}

// SuccessProbability returns the default probability of commercial success for
// a TRL (1–9), or 0 outside that range.
func SuccessProbability(trl int) float64 {
	if trl < 1 || trl > 9 {
		return 0
	}
	return successByTRL[trl]
}

// defaultYearsToRevenue is the default delay as a triangular range of ±50%.
func defaultYearsToRevenue(trl int) Range {
	if trl < 1 || trl > 9 {
		return Fixed(0)
	}
	y := yearsToRevenueByTRL[trl]
	if y == 0 {
		return Fixed(0)
	}
	return Tri(y*0.5, y, y*1.5)
}
