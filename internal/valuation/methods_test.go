package valuation

import (
	"math"
	"testing"
	"time"
)

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f (±%g)", name, got, want, tol)
	}
}

// The base case of the hand computations: 1,000,000 yuan of revenue a year, a
// 5% royalty taxed at 25% (37,500 yuan = 3,750,000 fen a year), 10% discount.
func baseIncomeCase() incomeCase {
	return incomeCase{Revenue: 1e8, Growth: 0, Rate: 0.05, Discount: 0.10, EconomicLife: 3,
		YearsToRevenue: 0, Success: 1, Tax: 0.25, LegalUnlimited: true}
}

func TestIncomeValueHandComputed(t *testing.T) {
	const perYear = 3.75e6
	tests := []struct {
		name string
		edit func(*incomeCase)
		want float64
	}{
		// 3.75e6 × (1/1.1 + 1/1.1² + 1/1.1³) = 3.75e6 × 2.486851991
		{"three full years", func(c *incomeCase) {}, perYear * 2.486851991},
		// the last half year counts half: 1/1.1 + 1/1.21 + 0.5/1.331
		{"partial last year", func(c *incomeCase) { c.EconomicLife = 2.5 }, perYear * 2.111194591},
		// no revenue in year 1; year 2 at base, year 3 grown 10%: 1/1.21 + 1.1/1.331
		{"one year delay with growth", func(c *incomeCase) { c.YearsToRevenue = 1; c.Growth = 0.10 }, perYear * 1.652892562},
		// the legal life caps a longer economic life
		{"legal life caps", func(c *incomeCase) { c.EconomicLife = 10; c.LegalUnlimited = false; c.LegalLife = 3 }, perYear * 2.486851991},
		// the probability of success scales the whole value
		{"success probability", func(c *incomeCase) { c.Success = 0.4 }, 0.4 * perYear * 2.486851991},
		{"no legal life left", func(c *incomeCase) { c.LegalUnlimited = false; c.LegalLife = 0 }, 0},
		{"delay beyond the period", func(c *incomeCase) { c.YearsToRevenue = 3 }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseIncomeCase()
			tt.edit(&c)
			near(t, "value", incomeValue(c), tt.want, 0.01)
		})
	}
}

func TestProfitSplitEqualsRoyaltyOfSameRate(t *testing.T) {
	// A 20% margin with a 25% share rate is a 5% royalty on revenue.
	margin, share := Fixed(0.20), Fixed(0.25)
	in := &IncomeInput{Basis: BasisProfitSplit, AnnualRevenue: FixedFen(100000000), RevenueGrowth: Fixed(0),
		ProfitMargin: &margin, ShareRate: &share, DiscountRate: Fixed(0.10), EconomicLifeYears: Fixed(3),
		YearsToRevenue: ptr(Fixed(0)), SuccessProbability: ptr(Fixed(1)), TaxRate: ptr(0.25)}
	m, _ := compileIncome(in, 9, LegalLife{Unlimited: true})
	near(t, "profit split", m.value(m.base()), 3.75e6*2.486851991, 0.01)
}

func TestIncomeDefaultsFromTRL(t *testing.T) {
	in := &IncomeInput{Basis: BasisReliefFromRoyalty, AnnualRevenue: FixedFen(1), RevenueGrowth: Fixed(0),
		RoyaltyRate: ptr(Fixed(0.05)), DiscountRate: Fixed(0.1), EconomicLifeYears: Fixed(10)}
	m, assumptions := compileIncome(in, 4, LegalLife{Unlimited: true})
	byPath := map[string]variable{}
	for _, v := range m.vars {
		byPath[v.Path] = v
	}
	if got := byPath["income.success_probability"]; got.dist.base != 0.30 || got.Source != SourceDefault {
		t.Errorf("success probability at TRL 4 = %v (%s), want 0.30 default", got.dist.base, got.Source)
	}
	if got := byPath["income.years_to_revenue"]; got.dist.base != 5 || got.dist.low != 2.5 || got.dist.high != 7.5 {
		t.Errorf("years to revenue at TRL 4 = %+v, want triangular 2.5/5/7.5", got.dist)
	}
	found := false
	for _, a := range assumptions {
		found = found || a.Key == "income.tax_rate" && a.Source == SourceDefault && a.Value.En == "25.0%"
	}
	if !found {
		t.Errorf("default 25%% tax rate not reported in assumptions: %+v", assumptions)
	}
}

func TestCostValueHandComputed(t *testing.T) {
	// 1,000,000 yuan × 1.2 × (1−0.25) × (1−0.1) × (1−0.2) = 648,000 yuan
	got := costValue(costCase{Cost: 1e8, Profit: 0.2, Ageing: 0.25, Functional: 0.1, Economic: 0.2})
	near(t, "cost value", got, 6.48e7, 1e-6)

	// Ageing comes from the legal life: 5 years used of 20 → 25%.
	in := &CostInput{Basis: BasisReplacement, DevelopmentCost: FixedFen(100000000), ProfitRate: Fixed(0.2),
		FunctionalObsolescence: Fixed(0.1), EconomicObsolescence: Fixed(0.2)}
	m, _ := compileCost(in, LegalLife{RemainingYears: 15, ElapsedYears: 5, FullTermYears: 20})
	near(t, "compiled cost", m.value(m.base()), 6.48e7, 1e-6)

	// A technology secret has no statutory term, so no technical ageing.
	m, _ = compileCost(in, LegalLife{Unlimited: true})
	near(t, "no ageing", m.value(m.base()), 1e8*1.2*0.9*0.8, 1e-6)
}

func marketSubject() Input {
	return Input{ValuationDate: "2025-01-01", Field: "EI", TRL: 7, TransferMode: "transfer"}
}

func TestMarketIdenticalComparablesGiveTheirPrice(t *testing.T) {
	in := marketSubject()
	m := &MarketInput{Comparables: []Comparable{
		{Field: "EI", TRL: 7, ClosedOn: "2025-01-01", PriceFen: 50000000},
		{Field: "EI", TRL: 7, ClosedOn: "2025-01-01", PriceFen: 50000000},
		{Field: "EI", TRL: 7, ClosedOn: "2025-01-01", PriceFen: 50000000},
	}}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := adjustComparables(in, m, at, 60)
	if ok, why := ev.applicable(); !ok {
		t.Fatalf("three identical deals should apply: %s", why.En)
	}
	near(t, "effective n", ev.effectiveN, 3, 1e-9)
	near(t, "sigma", ev.sigma, 0, 1e-12)
	model, _ := compileMarket(m, ev)
	near(t, "value", model.value(model.base()), 5e7, 1e-3)
}

func TestMarketAdjustments(t *testing.T) {
	in := marketSubject()
	ip := 40.0
	m := &MarketInput{Comparables: []Comparable{
		// TRL 5 (p = 0.40) against the subject's TRL 7 (p = 0.70): factor 1.75.
		{ID: "trl", Field: "EI", TRL: 5, ClosedOn: "2025-01-01", PriceFen: 1000},
		// Another field: weight 0.3.
		{ID: "field", Field: "BIO", TRL: 7, ClosedOn: "2025-01-01", PriceFen: 1000},
		// IP strength 40 against the subject's 80: factor capped at 1.5.
		{ID: "ip", Field: "EI", TRL: 7, IPStrength: &ip, ClosedOn: "2025-01-01", PriceFen: 1000},
		// Six years old: two half-lives, weight 0.25; another transfer mode halves it again.
		{ID: "age", Field: "EI", TRL: 7, TransferMode: "licence_ordinary", ClosedOn: "2019-01-01", PriceFen: 1000},
	}}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := adjustComparables(in, m, at, 80)
	got := map[string]AdjustedComparable{}
	for _, d := range ev.deals {
		got[d.ID] = d
	}
	near(t, "TRL factor", got["trl"].TRLFactor, 1.75, 1e-12)
	near(t, "TRL weight", got["trl"].RawWeight, 1/(1+0.5*2), 1e-12)
	near(t, "field weight", got["field"].RawWeight, 0.3, 1e-12)
	near(t, "IP factor", got["ip"].IPFactor, 1.5, 1e-12)
	near(t, "IP adjusted price", float64(got["ip"].AdjustedFen), 1500, 0)
	near(t, "age and mode weight", got["age"].RawWeight, 0.5*math.Pow(0.5, got["age"].AgeYears/3), 1e-12)
	sum := 0.0
	for _, d := range ev.deals {
		sum += d.Weight
	}
	near(t, "normalised weights", sum, 1, 1e-12)
}

func TestMarketTooFewComparables(t *testing.T) {
	in := marketSubject()
	m := &MarketInput{Comparables: []Comparable{
		{Field: "EI", TRL: 7, ClosedOn: "2025-01-01", PriceFen: 1000},
		{Field: "EI", TRL: 7, ClosedOn: "2025-01-01", PriceFen: 2000},
	}}
	ev := adjustComparables(in, m, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 50)
	if ok, _ := ev.applicable(); ok {
		t.Fatal("two comparables must not be enough for the market approach")
	}
}

func TestLegalLifeByType(t *testing.T) {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		item      IPItem
		remaining float64
		unlimited bool
	}{
		{"invention 20 years", IPItem{Type: "invention_patent", Status: "granted", FilingDate: "2015-06-01"}, 10, false},
		{"utility model 10 years", IPItem{Type: "utility_model", Status: "granted", FilingDate: "2020-06-01"}, 5, false},
		{"design before the 2021 change: 10 years", IPItem{Type: "design_patent", Status: "granted", FilingDate: "2021-05-31"}, 6, false},
		{"design after the 2021 change: 15 years", IPItem{Type: "design_patent", Status: "granted", FilingDate: "2021-06-01"}, 11, false},
		{"term adjustment", IPItem{Type: "invention_patent", Status: "granted", FilingDate: "2015-06-01", TermAdjustmentDays: 365}, 11, false},
		{"drug compensation", IPItem{Type: "invention_patent", Status: "granted", FilingDate: "2015-06-01", DrugTermCompensationYears: 2}, 12, false},
		{"register expiry wins", IPItem{Type: "invention_patent", Status: "granted", FilingDate: "2015-06-01", ExpiryDate: "2027-06-01"}, 2, false},
		{"expired by time", IPItem{Type: "utility_model", Status: "granted", FilingDate: "2010-01-01"}, 0, false},
		{"lapsed", IPItem{Type: "invention_patent", Status: "lapsed", FilingDate: "2020-01-01"}, 0, false},
		{"technology secret", IPItem{Type: "technology_secret", Status: "granted"}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			life := legalLife([]IPItem{tt.item}, at)
			if life.Unlimited != tt.unlimited {
				t.Fatalf("unlimited = %v, want %v", life.Unlimited, tt.unlimited)
			}
			near(t, "remaining years", life.RemainingYears, tt.remaining, 0.01)
		})
	}
	// A portfolio lives as long as its longest right.
	life := legalLife([]IPItem{
		{Type: "utility_model", Status: "granted", FilingDate: "2020-06-01"},
		{Type: "invention_patent", Status: "granted", FilingDate: "2015-06-01"},
	}, at)
	near(t, "portfolio", life.RemainingYears, 10, 0.01)
	near(t, "principal elapsed", life.ElapsedYears, 10, 0.01)
}

func ptr[T any](v T) *T { return &v }
