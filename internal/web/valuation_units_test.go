package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/techmarket-org/techmarket/internal/valuation"
)

// The valuation pages build some message ids at run time; the catalog scan
// cannot see them, so they are checked here.
func TestValuationDynamicMessages(t *testing.T) {
	var ids []string
	for _, c := range valuation.Scenarios {
		ids = append(ids, "val.scenario."+c.Code)
	}
	for _, m := range []string{valuation.MethodAuto, valuation.MethodIncome, valuation.MethodMarket, valuation.MethodCost} {
		ids = append(ids, "val.method."+m)
	}
	for _, rows := range [][]rangeSpec{incomeRows, costRows} {
		for _, r := range rows {
			ids = append(ids, "val.f."+r.Path, "val.unit."+r.Unit)
		}
	}
	for name := range defaultAssumptions {
		if name != "income.basis" && name != "cost.basis" && name != "income.tax_rate" {
			continue
		}
		ids = append(ids, "val.f."+name)
	}
	for _, name := range []string{"scenario", "method", "valuation_date", "trl", "implementation", "filing_date", "expiry_date", "claims"} {
		ids = append(ids, "val.f."+name)
	}
	for _, name := range []string{"price", "date", "source"} {
		ids = append(ids, "val.realised."+name)
	}
	for _, id := range ids {
		if _, ok := catalog[id]; !ok {
			t.Errorf("message %q is missing", id)
		}
	}
}

// A saved input shown in the wizard and posted back unchanged is the same input.
func TestValuationFormRoundTrip(t *testing.T) {
	in, err := valuation.DecodeInput(bytes.NewReader(valuation.ExampleInputJSON()))
	if err != nil {
		t.Fatal(err)
	}
	// The wizard shows triangular rows; normalise the example's other shapes.
	in.Market.PriceTrend = nil
	f := newValuationForm(in, false)
	posted := f.Values
	base, _ := json.Marshal(in)
	posted.Set("base_input", string(base))
	back, err := readValuationForm(posted)
	if err != nil {
		t.Fatal(err)
	}
	got, errs := back.input()
	if err := errs.Err("test"); err != nil {
		t.Fatal(err)
	}
	a, _ := valuation.Run(in)
	b, _ := valuation.Run(got)
	if !reflect.DeepEqual(a.Value, b.Value) {
		t.Errorf("round trip changed the value: %+v vs %+v", a.Value, b.Value)
	}
	if got.Income.AnnualRevenue.Base != in.Income.AnnualRevenue.Base || *got.Income.TaxRate != *in.Income.TaxRate ||
		got.Cost.DevelopmentCost.High != in.Cost.DevelopmentCost.High || len(got.Market.Comparables) != len(in.Market.Comparables) {
		t.Errorf("round trip lost values: %+v", got.Income)
	}
}

func TestShortRatioLabels(t *testing.T) {
	for _, c := range []struct {
		low, high float64
		open      bool
		want      string
	}{{0, 0.25, false, "< 0.25"}, {0.5, 2.0 / 3, false, "0.5–0.67"}, {0.9, 1.1, false, "0.9–1.1"}, {4, 0, true, "≥ 4"}} {
		if got := shortRatioLabel(c.low, c.high, c.open); got != c.want {
			t.Errorf("shortRatioLabel(%v, %v, %v) = %q, want %q", c.low, c.high, c.open, got, c.want)
		}
	}
}
