package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/valuation"
)

// The valuation wizard edits the assumptions a valuer usually sets: scenario,
// method, dates of the rights, the income and cost approaches as low/base/high
// ranges. Everything else in the input (comparables, expert indicator scores,
// the simulation seed …) rides along unchanged in the hidden base_input, so a
// re-run from a saved valuation keeps what the form does not show. Form field
// names are the API's JSON paths ("income.discount_rate.low"), so the service's
// field errors land beside the right control.

// Units of a range row: how the number is typed and stored.
const (
	rowMoney   = "wan"     // typed in 万元, stored in fen
	rowPercent = "percent" // typed in %, stored as a fraction
	rowYears   = "years"
)

// rangeSpec is one low/base/high row of the wizard.
type rangeSpec struct {
	Path string // JSON path of the Range / FenRange
	Unit string
}

var incomeRows = []rangeSpec{
	{"income.annual_revenue", rowMoney},
	{"income.revenue_growth", rowPercent},
	{"income.royalty_rate", rowPercent},
	{"income.profit_margin", rowPercent},
	{"income.share_rate", rowPercent},
	{"income.discount_rate", rowPercent},
	{"income.economic_life_years", rowYears},
}

var costRows = []rangeSpec{
	{"cost.development_cost", rowMoney},
	{"cost.profit_rate", rowPercent},
	{"cost.functional_obsolescence", rowPercent},
	{"cost.economic_obsolescence", rowPercent},
}

// valuationForm is the wizard's state: the typed values by field name and the
// input they start from.
type valuationForm struct {
	Values url.Values
	Base   valuation.Input
}

// defaultAssumptions are what a new wizard shows before the valuer changes
// them: common starting points of Chinese appraisal practice [M], shown, never
// silently applied (the valuer sees and may clear each one). Revenue and cost
// stay empty: only the valuer knows them.
var defaultAssumptions = map[string]string{
	"income.basis":                    valuation.BasisProfitSplit,
	"income.revenue_growth.low":       "0",
	"income.revenue_growth.base":      "5",
	"income.revenue_growth.high":      "10",
	"income.profit_margin.low":        "10",
	"income.profit_margin.base":       "15",
	"income.profit_margin.high":       "20",
	"income.share_rate.low":           "20",
	"income.share_rate.base":          "25",
	"income.share_rate.high":          "33",
	"income.discount_rate.low":        "10",
	"income.discount_rate.base":       "12",
	"income.discount_rate.high":       "15",
	"income.economic_life_years.low":  "5",
	"income.economic_life_years.base": "8",
	"income.economic_life_years.high": "10",
	"income.tax_rate":                 "25",
	"cost.basis":                      valuation.BasisReplacement,
}

// newValuationForm shows an input in the wizard; fresh adds the default
// assumptions for a first valuation (not for a re-run of a saved one).
func newValuationForm(in valuation.Input, fresh bool) valuationForm {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("scenario", in.Scenario)
	set("method", in.Method)
	set("valuation_date", in.ValuationDate)
	if in.TRL > 0 {
		v.Set("trl", strconv.Itoa(in.TRL))
	}
	set("implementation", in.Implementation)
	for i, it := range in.IPItems {
		p := fmt.Sprintf("ip_items[%d].", i)
		set(p+"filing_date", it.FilingDate)
		set(p+"expiry_date", it.ExpiryDate)
		if it.Claims != nil {
			v.Set(p+"claims", strconv.Itoa(*it.Claims))
		}
	}
	if fresh && in.Income == nil && in.Cost == nil {
		for k, s := range defaultAssumptions {
			v.Set(k, s)
		}
	}
	if inc := in.Income; inc != nil {
		set("income.basis", inc.Basis)
		setRange(v, "income.annual_revenue", rowMoney, fenAsRange(inc.AnnualRevenue))
		setRange(v, "income.revenue_growth", rowPercent, &inc.RevenueGrowth)
		setRange(v, "income.royalty_rate", rowPercent, inc.RoyaltyRate)
		setRange(v, "income.profit_margin", rowPercent, inc.ProfitMargin)
		setRange(v, "income.share_rate", rowPercent, inc.ShareRate)
		setRange(v, "income.discount_rate", rowPercent, &inc.DiscountRate)
		setRange(v, "income.economic_life_years", rowYears, &inc.EconomicLifeYears)
		if inc.TaxRate != nil {
			v.Set("income.tax_rate", formatNumber(*inc.TaxRate, rowPercent))
		}
	}
	if c := in.Cost; c != nil {
		set("cost.basis", c.Basis)
		setRange(v, "cost.development_cost", rowMoney, fenAsRange(c.DevelopmentCost))
		setRange(v, "cost.profit_rate", rowPercent, &c.ProfitRate)
		setRange(v, "cost.functional_obsolescence", rowPercent, &c.FunctionalObsolescence)
		setRange(v, "cost.economic_obsolescence", rowPercent, &c.EconomicObsolescence)
	}
	return valuationForm{Values: v, Base: in}
}

func fenAsRange(r valuation.FenRange) *valuation.Range {
	return &valuation.Range{Dist: r.Dist, Low: float64(r.Low), Base: float64(r.Base), High: float64(r.High)}
}

// setRange writes a range as its row: a fixed value fills only "base".
func setRange(v url.Values, path, unit string, r *valuation.Range) {
	if r == nil {
		return
	}
	v.Set(path+".base", formatNumber(r.Base, unit))
	if r.Dist == valuation.DistFixed || (r.Low == r.Base && r.Base == r.High) {
		return
	}
	v.Set(path+".low", formatNumber(r.Low, unit))
	v.Set(path+".high", formatNumber(r.High, unit))
}

// formatNumber shows a stored number in its typing unit, without float noise.
func formatNumber(x float64, unit string) string {
	switch unit {
	case rowMoney:
		return formatAmount(int64(math.Round(x)), unitWan)
	case rowPercent:
		x *= 100
	}
	return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
}

// readValuationForm takes the posted values over the base input carried in the
// hidden base_input field.
func readValuationForm(form url.Values) (valuationForm, error) {
	f := valuationForm{Values: url.Values{}}
	for k, vs := range form {
		if k == "csrf_token" || k == "base_input" || len(vs) == 0 {
			continue
		}
		if s := strings.TrimSpace(vs[0]); s != "" {
			f.Values.Set(k, s)
		}
	}
	if raw := form.Get("base_input"); raw != "" {
		base, err := valuation.DecodeInput(strings.NewReader(raw))
		if err != nil {
			return f, apperr.E("web.valuation", apperr.Invalid, "the form's hidden base input is damaged; start the valuation again")
		}
		f.Base = base
	}
	return f, nil
}

// BaseJSON is the hidden base input.
func (f valuationForm) BaseJSON() string {
	b, _ := json.Marshal(f.Base)
	return string(b)
}

// input applies the form to its base input. Numbers that cannot be read are
// field errors named like the service's, so all errors show the same way.
func (f valuationForm) input() (valuation.Input, apperr.FieldList) {
	var errs apperr.FieldList
	in := f.Base
	get := f.Values.Get
	if s := get("scenario"); s != "" {
		in.Scenario = s
	}
	in.Method = get("method")
	in.ValuationDate = get("valuation_date")
	in.Implementation = get("implementation")
	if s := get("trl"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs.Add("trl", "invalid", "TRL must be a whole number 1–9", "技术成熟度须为1至9的整数")
		}
		in.TRL = n
	}
	items := append([]valuation.IPItem(nil), in.IPItems...)
	for i := range items {
		p := fmt.Sprintf("ip_items[%d].", i)
		items[i].FilingDate = get(p + "filing_date")
		items[i].ExpiryDate = get(p + "expiry_date")
		items[i].Claims = nil
		if s := get(p + "claims"); s != "" {
			if n, err := strconv.Atoi(s); err != nil || n < 0 {
				errs.Add(p+"claims", "invalid", "a whole number of claims", "权利要求项数须为非负整数")
			} else {
				items[i].Claims = &n
			}
		}
	}
	in.IPItems = items

	in.Income = nil
	if f.any(incomeRows) {
		inc := &valuation.IncomeInput{Basis: get("income.basis")}
		inc.AnnualRevenue = f.fenRange(&errs, "income.annual_revenue")
		inc.RevenueGrowth = f.rangeOr0(&errs, "income.revenue_growth", rowPercent)
		inc.RoyaltyRate = f.rangePtr(&errs, "income.royalty_rate", rowPercent)
		inc.ProfitMargin = f.rangePtr(&errs, "income.profit_margin", rowPercent)
		inc.ShareRate = f.rangePtr(&errs, "income.share_rate", rowPercent)
		inc.DiscountRate = f.rangeOr0(&errs, "income.discount_rate", rowPercent)
		inc.EconomicLifeYears = f.rangeOr0(&errs, "income.economic_life_years", rowYears)
		// The basis decides which rates count; the other ones stay in the form
		// but are not sent, so switching basis does not produce errors.
		if inc.Basis == valuation.BasisReliefFromRoyalty {
			inc.ProfitMargin, inc.ShareRate = nil, nil
		} else {
			inc.RoyaltyRate = nil
		}
		if s := get("income.tax_rate"); s != "" {
			if x, ok := parseNumber(s, rowPercent); ok {
				inc.TaxRate = &x
			} else {
				errs.Add("income.tax_rate", "invalid", "not a number", "不是有效数字")
			}
		}
		if f.Base.Income != nil { // keep what the form does not show
			inc.YearsToRevenue, inc.SuccessProbability = f.Base.Income.YearsToRevenue, f.Base.Income.SuccessProbability
		}
		in.Income = inc
	}
	in.Cost = nil
	if f.any(costRows) {
		in.Cost = &valuation.CostInput{
			Basis:                  get("cost.basis"),
			DevelopmentCost:        f.fenRange(&errs, "cost.development_cost"),
			ProfitRate:             f.rangeOr0(&errs, "cost.profit_rate", rowPercent),
			FunctionalObsolescence: f.rangeOr0(&errs, "cost.functional_obsolescence", rowPercent),
			EconomicObsolescence:   f.rangeOr0(&errs, "cost.economic_obsolescence", rowPercent),
		}
	}
	return in, errs
}

// any reports whether the valuer filled an amount of the approach: the money
// row is what makes an approach meaningful (defaults alone do not).
func (f valuationForm) any(rows []rangeSpec) bool {
	for _, r := range rows {
		if r.Unit != rowMoney {
			continue
		}
		for _, part := range []string{".low", ".base", ".high"} {
			if f.Values.Get(r.Path+part) != "" {
				return true
			}
		}
	}
	return false
}

func parseNumber(s, unit string) (float64, bool) {
	s = strings.NewReplacer(",", "", "，", "", "%", "", " ", "").Replace(s)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	if unit == rowPercent {
		x /= 100
	}
	return x, true
}

// rangePtr reads a row; nil when it is empty. An empty low or high takes the
// base, so one number is a fixed value.
func (f valuationForm) rangePtr(errs *apperr.FieldList, path, unit string) *valuation.Range {
	var parts [3]float64
	var given [3]bool
	for i, part := range []string{"low", "base", "high"} {
		s := f.Values.Get(path + "." + part)
		if s == "" {
			continue
		}
		x, ok := parseNumber(s, unit)
		if !ok {
			errs.Add(path+"."+part, "invalid", "not a number", "不是有效数字")
			continue
		}
		parts[i], given[i] = x, true
	}
	if !given[0] && !given[1] && !given[2] {
		return nil
	}
	if !given[1] {
		errs.Add(path+".base", "required", "the base value is required when low or high is given", "填写了低值或高值时必须填写基准值")
	}
	if !given[0] {
		parts[0] = parts[1]
	}
	if !given[2] {
		parts[2] = parts[1]
	}
	return &valuation.Range{Low: parts[0], Base: parts[1], High: parts[2]}
}

// rangeOr0 reads a required row; an empty row is fixed at 0, which the
// service then refuses where 0 makes no sense (a discount rate of 0).
func (f valuationForm) rangeOr0(errs *apperr.FieldList, path, unit string) valuation.Range {
	if r := f.rangePtr(errs, path, unit); r != nil {
		return *r
	}
	return valuation.Fixed(0)
}

// fenRange reads a money row typed in 万元 exactly into fen.
func (f valuationForm) fenRange(errs *apperr.FieldList, path string) valuation.FenRange {
	var parts [3]domain.Fen
	var given [3]bool
	for i, part := range []string{"low", "base", "high"} {
		s := f.Values.Get(path + "." + part)
		if s == "" {
			continue
		}
		fen, err := parseAmount(s, unitWan)
		if err != nil {
			errs.Add(path+"."+part, "invalid", "an amount in 万元 (up to 6 decimals), not negative", "金额（万元）格式无效或为负数")
			continue
		}
		parts[i], given[i] = fen, true
	}
	if !given[1] && (given[0] || given[2]) {
		errs.Add(path+".base", "required", "the base value is required when low or high is given", "填写了低值或高值时必须填写基准值")
	}
	if !given[0] {
		parts[0] = parts[1]
	}
	if !given[2] {
		parts[2] = parts[1]
	}
	return valuation.FenRange{Low: parts[0], Base: parts[1], High: parts[2]}
}
