package valuation

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

// validInput is a minimal input that passes validation.
func validInput() Input {
	return Input{
		ValuationDate: "2025-06-30", Field: "EI", TRL: 6,
		IPItems: []IPItem{{Type: "invention_patent", Status: "granted", FilingDate: "2018-01-01"}},
		Income: &IncomeInput{Basis: BasisReliefFromRoyalty, AnnualRevenue: FixedFen(100000000),
			RevenueGrowth: Fixed(0.05), RoyaltyRate: ptr(Tri(0.02, 0.03, 0.04)),
			DiscountRate: Tri(0.1, 0.15, 0.2), EconomicLifeYears: Tri(5, 8, 10)},
	}
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("error kind = %v, want invalid: %v", apperr.KindOf(err), err)
	}
	var out []string
	for _, f := range apperr.FieldsOf(err) {
		if f.Message == "" || f.MessageZh == "" {
			t.Errorf("field %s lacks a bilingual message: %+v", f.Field, f)
		}
		out = append(out, f.Field)
	}
	return out
}

func TestValidInputPasses(t *testing.T) {
	if err := validInput().Validate(); err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
	in, err := DecodeInput(bytes.NewReader(ExampleInputJSON()))
	if err != nil {
		t.Fatalf("example input: %v", err)
	}
	if err := in.Validate(); err != nil {
		t.Fatalf("example input refused: %v", err)
	}
}

func TestValidateNamesFields(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Input)
		field string
	}{
		{"negative life (fixed)", func(in *Input) { in.Income.EconomicLifeYears = Fixed(-3) }, "income.economic_life_years"},
		{"negative life (low bound)", func(in *Input) { in.Income.EconomicLifeYears = Tri(-1, 5, 8) }, "income.economic_life_years.low"},
		{"life over 50 years", func(in *Input) { in.Income.EconomicLifeYears = Tri(5, 8, 60) }, "income.economic_life_years.high"},
		{"share rate over 100%", func(in *Input) {
			in.Income.Basis = BasisProfitSplit
			in.Income.RoyaltyRate = nil
			in.Income.ProfitMargin = ptr(Fixed(0.2))
			in.Income.ShareRate = ptr(Fixed(1.2))
		}, "income.share_rate"},
		{"royalty rate negative", func(in *Input) { in.Income.RoyaltyRate = ptr(Tri(-0.01, 0.03, 0.04)) }, "income.royalty_rate.low"},
		{"TRL 0", func(in *Input) { in.TRL = 0 }, "trl"},
		{"TRL 10", func(in *Input) { in.TRL = 10 }, "trl"},
		{"discount rate zero", func(in *Input) { in.Income.DiscountRate = Fixed(0) }, "income.discount_rate"},
		{"discount rate over 100%", func(in *Input) { in.Income.DiscountRate = Tri(0.1, 0.2, 1.5) }, "income.discount_rate.high"},
		{"discount rate negative", func(in *Input) { in.Income.DiscountRate = Fixed(-0.1) }, "income.discount_rate"},
		{"growth of −100%", func(in *Input) { in.Income.RevenueGrowth = Fixed(-1) }, "income.revenue_growth"},
		{"tax rate 100%", func(in *Input) { in.Income.TaxRate = ptr(1.0) }, "income.tax_rate"},
		{"success probability over 1", func(in *Input) { in.Income.SuccessProbability = ptr(Fixed(1.1)) }, "income.success_probability"},
		{"negative revenue", func(in *Input) { in.Income.AnnualRevenue = FixedFen(-1) }, "income.annual_revenue"},
		{"low above base", func(in *Input) { in.Income.DiscountRate = Tri(0.2, 0.1, 0.3) }, "income.discount_rate"},
		{"lognormal needs positive low", func(in *Input) {
			in.Income.RevenueGrowth = Range{Dist: DistLognormal, Low: 0, Base: 0.05, High: 0.1}
		}, "income.revenue_growth.low"},
		{"unknown distribution", func(in *Input) { in.Income.DiscountRate.Dist = "beta" }, "income.discount_rate.dist"},
		{"royalty rate missing", func(in *Input) { in.Income.RoyaltyRate = nil }, "income.royalty_rate"},
		{"unknown basis", func(in *Input) { in.Income.Basis = "excess_earnings" }, "income.basis"},
		{"missing date", func(in *Input) { in.ValuationDate = "" }, "valuation_date"},
		{"bad date", func(in *Input) { in.ValuationDate = "30/06/2025" }, "valuation_date"},
		{"unknown field", func(in *Input) { in.Field = "XX" }, "field"},
		{"unknown scenario", func(in *Input) { in.Scenario = "tax" }, "scenario"},
		{"unknown method", func(in *Input) { in.Method = "guess" }, "method"},
		{"forced method without assumptions", func(in *Input) { in.Method = MethodCost }, "cost"},
		{"no method at all", func(in *Input) { in.Income = nil }, "income"},
		{"filing after valuation", func(in *Input) { in.IPItems[0].FilingDate = "2026-01-01" }, "ip_items[0].filing_date"},
		{"patent without dates", func(in *Input) { in.IPItems[0].FilingDate = "" }, "ip_items[0].filing_date"},
		{"grant before filing", func(in *Input) { in.IPItems[0].GrantDate = "2017-01-01" }, "ip_items[0].grant_date"},
		{"unknown IP type", func(in *Input) { in.IPItems[0].Type = "trademark" }, "ip_items[0].type"},
		{"negative claims", func(in *Input) { in.IPItems[0].Claims = ptr(-1) }, "ip_items[0].claims"},
		{"drug compensation over 5 years", func(in *Input) { in.IPItems[0].DrugTermCompensationYears = 6 }, "ip_items[0].drug_term_compensation_years"},
		{"unknown indicator", func(in *Input) { in.IndicatorScores = map[string]float64{"L9": 50} }, "indicator_scores.L9"},
		{"indicator score over 100", func(in *Input) { in.IndicatorScores = map[string]float64{"L22": 120} }, "indicator_scores.L22"},
		{"first-level id is not a score", func(in *Input) { in.IndicatorScores = map[string]float64{"L": 50} }, "indicator_scores.L"},
		{"comparable TRL 10", func(in *Input) {
			in.Market = &MarketInput{Comparables: []Comparable{{Field: "EI", TRL: 10, ClosedOn: "2025-01-01", PriceFen: 1}}}
		}, "market.comparables[0].trl"},
		{"comparable without price", func(in *Input) {
			in.Market = &MarketInput{Comparables: []Comparable{{Field: "EI", TRL: 5, ClosedOn: "2025-01-01"}}}
		}, "market.comparables[0].price_fen"},
		{"comparable from the future", func(in *Input) {
			in.Market = &MarketInput{Comparables: []Comparable{{Field: "EI", TRL: 5, ClosedOn: "2025-07-01", PriceFen: 1}}}
		}, "market.comparables[0].closed_on"},
		{"obsolescence over 100%", func(in *Input) {
			in.Cost = &CostInput{Basis: BasisReplacement, DevelopmentCost: FixedFen(1), ProfitRate: Fixed(0.1),
				FunctionalObsolescence: Fixed(1.5), EconomicObsolescence: Fixed(0)}
		}, "cost.functional_obsolescence"},
		{"too few draws", func(in *Input) { in.Simulation.Draws = 10 }, "simulation.draws"},
		{"owner count zero", func(in *Input) { in.OwnerCount = ptr(0) }, "owner_count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.edit(&in)
			got := fieldsOf(t, in.Validate())
			if !slices.Contains(got, tt.field) {
				t.Fatalf("fields = %v, want %q among them", got, tt.field)
			}
			// Run refuses the same input with the same fields and computes nothing.
			res, err := Run(in)
			if !slices.Contains(fieldsOf(t, err), tt.field) || res.Method != "" {
				t.Fatalf("Run accepted invalid input: %v", err)
			}
		})
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	in := validInput()
	in.TRL = 0
	in.Income.DiscountRate = Fixed(2)
	in.Income.EconomicLifeYears = Fixed(-1)
	got := fieldsOf(t, in.Validate())
	for _, want := range []string{"trl", "income.discount_rate", "income.economic_life_years"} {
		if !slices.Contains(got, want) {
			t.Errorf("fields = %v, missing %q", got, want)
		}
	}
}

func TestDecodeInput(t *testing.T) {
	in, err := DecodeInput(strings.NewReader(`{"valuation_date":"2025-01-01","field":"EI","trl":5,
		"income":{"basis":"relief_from_royalty","annual_revenue":100000,"revenue_growth":0.05,
		"royalty_rate":{"low":0.02,"base":0.03,"high":0.05},"discount_rate":0.12,"economic_life_years":8}}`))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if r := in.Income.DiscountRate; r.Dist != DistFixed || r.Base != 0.12 || r.Low != 0.12 {
		t.Errorf("a bare number should be a fixed range, got %+v", r)
	}
	if r := in.Income.RoyaltyRate.normalized(); r.Dist != DistTriangular {
		t.Errorf("a spread without dist should be triangular, got %+v", r)
	}
	if r := in.Income.AnnualRevenue; r.Base != 100000 || r.Dist != DistFixed {
		t.Errorf("a bare integer should be a fixed amount, got %+v", r)
	}

	_, err = DecodeInput(strings.NewReader(`{"valuation_date":"2025-01-01","discount":0.1}`))
	if got := fieldsOf(t, err); !slices.Equal(got, []string{"discount"}) {
		t.Errorf("unknown field: fields = %v, want [discount]", got)
	}
	_, err = DecodeInput(strings.NewReader(`{"trl":"six"}`))
	if got := fieldsOf(t, err); !slices.Equal(got, []string{"trl"}) {
		t.Errorf("wrong type: fields = %v, want [trl]", got)
	}
	_, err = DecodeInput(strings.NewReader(`{"trl":`))
	if !apperr.Is(err, apperr.Invalid) {
		t.Errorf("truncated JSON: %v, want invalid", err)
	}
}
