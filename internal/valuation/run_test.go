package valuation

import (
	"slices"
	"strings"
	"testing"
)

func TestExampleValuation(t *testing.T) {
	res := mustRun(t, exampleInput(t))
	if res.Method != MethodIncome {
		t.Fatalf("method = %s, want income for a transfer with a revenue forecast", res.Method)
	}
	if !strings.Contains(res.MethodReason.En, "income approach is used") || !strings.Contains(res.MethodReason.Zh, "因此采用收益法") {
		t.Errorf("reason = %q / %q", res.MethodReason.En, res.MethodReason.Zh)
	}
	if len(res.Methods) != 3 {
		t.Fatalf("methods = %d", len(res.Methods))
	}
	for _, m := range res.Methods {
		if m.Applicable && m.Value == nil {
			t.Errorf("%s applies but has no cross-check range", m.Method)
		}
	}
	if len(res.Comparables) != 5 || res.Comparables[0].Weight < res.Comparables[4].Weight {
		t.Errorf("comparables not reported by weight: %+v", res.Comparables)
	}
	if res.Score.Total <= 0 || res.Score.Evidence <= 0.3 {
		t.Errorf("score = %.1f with evidence %.2f", res.Score.Total, res.Score.Evidence)
	}
	if res.LegalLife.Unlimited || res.LegalLife.RemainingYears < 13 || res.LegalLife.RemainingYears > 14 {
		t.Errorf("legal life = %+v, want about 13.7 years", res.LegalLife)
	}
	if res.Simulation.Draws != 10000 || res.ModelVersion != ModelVersion {
		t.Errorf("simulation = %+v, version %s", res.Simulation, res.ModelVersion)
	}
}

func TestMethodChoice(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Input)
		method string
		reason string
	}{
		{"pledge financing prefers the market", func(in *Input) { in.Scenario = ScenarioPledgeFinancing }, MethodMarket, "lender"},
		{"reporting prefers the market", func(in *Input) { in.Scenario = ScenarioFinancialReporting }, MethodMarket, "Fair value"},
		{"early TRL ranks income last", func(in *Input) { in.TRL = 3; in.Market = nil }, MethodCost, "TRL 3"},
		{"too few comparables fall back", func(in *Input) {
			in.Scenario = ScenarioPledgeFinancing
			in.Market.Comparables = in.Market.Comparables[:2]
		}, MethodIncome, "too few comparable deals"},
		{"no legal life left", func(in *Input) {
			for i := range in.IPItems {
				in.IPItems[i].Status = "lapsed"
			}
		}, MethodMarket, "no right is in force"},
		{"the user's choice wins", func(in *Input) { in.Method = MethodCost }, MethodCost, "user chose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := exampleInput(t)
			in.Simulation.Draws = 1000
			tt.edit(&in)
			res := mustRun(t, in)
			if res.Method != tt.method {
				t.Fatalf("method = %s, want %s (%s)", res.Method, tt.method, res.MethodReason.En)
			}
			if !strings.Contains(res.MethodReason.En, tt.reason) {
				t.Errorf("reason %q lacks %q", res.MethodReason.En, tt.reason)
			}
		})
	}
}

func TestNoApplicableMethod(t *testing.T) {
	in := exampleInput(t)
	in.Income, in.Cost = nil, nil
	in.Market.Comparables = in.Market.Comparables[:1]
	_, err := Run(in)
	if got := fieldsOf(t, err); !slices.Equal(got, []string{"method"}) {
		t.Fatalf("fields = %v, want [method]", got)
	}
	// Forcing the market approach on one comparable works but warns.
	in.Method = MethodMarket
	res := mustRun(t, in)
	found := false
	for _, w := range res.Warnings {
		found = found || strings.Contains(w.En, "weak support")
	}
	if !found {
		t.Errorf("no warning for a forced approach with weak support: %v", res.Warnings)
	}
}
