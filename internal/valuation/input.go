package valuation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Scenario codes: the purposes GB/T 42748-2023 distinguishes (domain-rules §4.1).
const (
	ScenarioTransferLicensing  = "transfer_licensing"
	ScenarioPledgeFinancing    = "pledge_financing"
	ScenarioFinancialReporting = "financial_reporting"
	ScenarioInfringement       = "infringement"
	ScenarioManagement         = "management"
)

// Scenarios lists the valuation purposes with their labels.
var Scenarios = domain.CodeList{
	{Code: ScenarioTransferLicensing, Label: domain.Label{Zh: "转让与许可", En: "Transfer and licensing"}},
	{Code: ScenarioPledgeFinancing, Label: domain.Label{Zh: "质押融资", En: "Pledge financing"}},
	{Code: ScenarioFinancialReporting, Label: domain.Label{Zh: "财务报告", En: "Financial reporting"}},
	{Code: ScenarioInfringement, Label: domain.Label{Zh: "侵权损害赔偿", En: "Infringement damages"}},
	{Code: ScenarioManagement, Label: domain.Label{Zh: "管理与分级", En: "Management and grading"}},
}

// Method codes.
const (
	MethodAuto   = "auto"
	MethodIncome = "income"
	MethodMarket = "market"
	MethodCost   = "cost"
)

// Methods lists the valuation approaches with their labels.
var Methods = domain.CodeList{
	{Code: MethodIncome, Label: domain.Label{Zh: "收益法", En: "Income approach"}},
	{Code: MethodMarket, Label: domain.Label{Zh: "市场法", En: "Market approach"}},
	{Code: MethodCost, Label: domain.Label{Zh: "成本法", En: "Cost approach"}},
}

// Income bases.
const (
	BasisReliefFromRoyalty = "relief_from_royalty"
	BasisProfitSplit       = "profit_split"
)

// Cost bases.
const (
	BasisReplacement  = "replacement"
	BasisReproduction = "reproduction"
)

// Implementation states of the technology, for the economic indicators.
var Implementations = domain.CodeList{
	{Code: "none", Label: domain.Label{Zh: "未实施", En: "Not implemented"}},
	{Code: "pilot", Label: domain.Label{Zh: "中试/试用", En: "Pilot"}},
	{Code: "production", Label: domain.Label{Zh: "已产业化", En: "In production"}},
	{Code: "licensed", Label: domain.Label{Zh: "已许可/转让实施", En: "Licensed to others"}},
}

// Default and limit for the number of Monte Carlo draws.
const (
	DefaultDraws = 10000
	MinDraws     = 100
	MaxDraws     = 1000000
)

// Input is everything one valuation needs: the facts of the listing, the
// assumptions of each method and the simulation settings. It is the API form
// and what a saved valuation stores, so a re-run with changed assumptions is a
// re-run of an edited Input.
type Input struct {
	ListingID string `json:"listing_id,omitempty"`
	Title     string `json:"title,omitempty"`
	// Scenario is the purpose (transfer_licensing, pledge_financing, ...); empty
	// means transfer_licensing.
	Scenario string `json:"scenario,omitempty"`
	// Method forces an approach; empty or "auto" lets the rules choose.
	Method string `json:"method,omitempty"`
	// ValuationDate is the date the value refers to (YYYY-MM-DD); legal life and
	// comparable ages are measured from it.
	ValuationDate string `json:"valuation_date"`
	Field         string `json:"field"`
	TRL           int    `json:"trl"`
	TransferMode  string `json:"transfer_mode,omitempty"`
	// IPCCodes are the listing's classification codes; their number measures the
	// breadth of application.
	IPCCodes []string `json:"ipc_codes,omitempty"`
	IPItems  []IPItem `json:"ip_items,omitempty"`
	// OwnerCount is the number of (co-)owners; nil when unknown.
	OwnerCount *int `json:"owner_count,omitempty"`
	// Implementation is none, pilot, production or licensed; empty when unknown.
	Implementation string `json:"implementation,omitempty"`
	// DemandSignals counts matched needs and expressions of interest on the platform.
	DemandSignals *int `json:"demand_signals,omitempty"`
	// IndicatorScores are expert scores (0–100) by third-level indicator id; they
	// override what the facts imply.
	IndicatorScores map[string]float64 `json:"indicator_scores,omitempty"`

	Income     *IncomeInput `json:"income,omitempty"`
	Market     *MarketInput `json:"market,omitempty"`
	Cost       *CostInput   `json:"cost,omitempty"`
	Simulation Simulation   `json:"simulation,omitempty"`
}

// IPItem is one right in the listing. The counts are pointers because "unknown"
// and "zero" mean different things to the indicator score.
type IPItem struct {
	Type   string `json:"type"`
	Number string `json:"number,omitempty"`
	Status string `json:"status"`
	// FilingDate starts the statutory term (YYYY-MM-DD). For a software
	// copyright it is the date of first publication.
	FilingDate string `json:"filing_date,omitempty"`
	GrantDate  string `json:"grant_date,omitempty"`
	// ExpiryDate, when known from the register, replaces the computed term end.
	ExpiryDate string `json:"expiry_date,omitempty"`
	// TermAdjustmentDays compensates unreasonable grant delay (Patent Law Art 42).
	TermAdjustmentDays int `json:"term_adjustment_days,omitempty"`
	// DrugTermCompensationYears is the new-drug compensation, at most 5 years.
	DrugTermCompensationYears float64 `json:"drug_term_compensation_years,omitempty"`
	Territory                 string  `json:"territory,omitempty"`

	Claims              *int `json:"claims,omitempty"`
	ForwardCitations    *int `json:"forward_citations,omitempty"`
	BackwardCitations   *int `json:"backward_citations,omitempty"`
	NonPatentCitations  *int `json:"non_patent_citations,omitempty"`
	FamilySize          *int `json:"family_size,omitempty"`
	Jurisdictions       *int `json:"jurisdictions,omitempty"`
	ClassificationCount *int `json:"classification_count,omitempty"`
	SimilarPriorDocs    *int `json:"similar_prior_docs,omitempty"`
	Inventors           *int `json:"inventors,omitempty"`

	ExclusiveLicensed    bool `json:"exclusive_licensed,omitempty"`
	Pledged              bool `json:"pledged,omitempty"`
	InvalidationSurvived bool `json:"invalidation_survived,omitempty"`
}

// IncomeInput holds the income-approach assumptions. Rates are fractions
// (0.05 = 5%); money is fen.
type IncomeInput struct {
	Basis string `json:"basis"`
	// AnnualRevenue is the revenue of the products using the technology in the
	// first year of sales.
	AnnualRevenue FenRange `json:"annual_revenue"`
	RevenueGrowth Range    `json:"revenue_growth"`
	// RoyaltyRate is the share of revenue a licensee would pay (relief_from_royalty).
	RoyaltyRate *Range `json:"royalty_rate,omitempty"`
	// ProfitMargin and ShareRate (分成率) give the technology's share of operating
	// profit (profit_split).
	ProfitMargin      *Range `json:"profit_margin,omitempty"`
	ShareRate         *Range `json:"share_rate,omitempty"`
	DiscountRate      Range  `json:"discount_rate"`
	EconomicLifeYears Range  `json:"economic_life_years"`
	// YearsToRevenue and SuccessProbability default from the TRL when absent.
	YearsToRevenue     *Range `json:"years_to_revenue,omitempty"`
	SuccessProbability *Range `json:"success_probability,omitempty"`
	// TaxRate is the income-tax rate on the royalty or profit; nil means 25%.
	TaxRate *float64 `json:"tax_rate,omitempty"`
}

// MarketInput holds the comparable closed deals and the market price trend.
type MarketInput struct {
	Comparables []Comparable `json:"comparables"`
	// PriceTrend is the yearly change of technology prices used to bring old
	// deals to the valuation date; nil means no trend.
	PriceTrend *Range `json:"price_trend,omitempty"`
}

// Comparable is one closed deal on the platform.
type Comparable struct {
	ID           string `json:"id,omitempty"`
	Title        string `json:"title,omitempty"`
	Field        string `json:"field"`
	TRL          int    `json:"trl"`
	TransferMode string `json:"transfer_mode,omitempty"`
	// IPStrength is the legal-value score (0–100) of the deal's IP, when known.
	IPStrength *float64   `json:"ip_strength,omitempty"`
	ClosedOn   string     `json:"closed_on"`
	PriceFen   domain.Fen `json:"price_fen"`
}

// CostInput holds the cost-approach assumptions.
type CostInput struct {
	Basis string `json:"basis"`
	// DevelopmentCost is the cost, at current prices, of re-creating the
	// technology (replacement) or an exact replica (reproduction).
	DevelopmentCost        FenRange `json:"development_cost"`
	ProfitRate             Range    `json:"profit_rate"`
	FunctionalObsolescence Range    `json:"functional_obsolescence"`
	EconomicObsolescence   Range    `json:"economic_obsolescence"`
}

// Simulation sets the Monte Carlo run. The same seed and input always give the
// same result.
type Simulation struct {
	Draws int    `json:"draws,omitempty"`
	Seed  uint64 `json:"seed,omitempty"`
}

// Distribution names.
const (
	DistFixed      = "fixed"
	DistTriangular = "triangular"
	DistUniform    = "uniform"
	DistLognormal  = "lognormal"
)

// Range is an uncertain number: a base value and a spread. For triangular and
// uniform, low and high are the bounds; for lognormal, base is the median and
// low/high are read as the 10th and 90th percentiles. A bare JSON number is a
// fixed value. When dist is empty, equal or absent bounds mean fixed, otherwise
// triangular.
type Range struct {
	Dist string  `json:"dist,omitempty"`
	Low  float64 `json:"low"`
	Base float64 `json:"base"`
	High float64 `json:"high"`
}

// Fixed returns a Range that is not uncertain.
func Fixed(v float64) Range { return Range{Dist: DistFixed, Low: v, Base: v, High: v} }

// Tri returns a triangular Range.
func Tri(low, base, high float64) Range {
	return Range{Dist: DistTriangular, Low: low, Base: base, High: high}
}

// UnmarshalJSON accepts a number (a fixed value) or the object form.
func (r *Range) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var v float64
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("a number or {dist, low, base, high}: %w", err)
		}
		*r = Fixed(v)
		return nil
	}
	type plain Range
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Range(p)
	return nil
}

// normalized resolves the default distribution and fills absent bounds.
func (r Range) normalized() Range {
	switch {
	case r.Dist == DistFixed:
		r.Low, r.High = r.Base, r.Base
	case r.Dist == "" && (r.Low == r.Base && r.Base == r.High || r.Low == 0 && r.High == 0):
		r.Dist, r.Low, r.High = DistFixed, r.Base, r.Base
	case r.Dist == "":
		r.Dist = DistTriangular
	}
	return r
}

// FenRange is an uncertain amount of money in fen, with the same rules as Range.
type FenRange struct {
	Dist string     `json:"dist,omitempty"`
	Low  domain.Fen `json:"low"`
	Base domain.Fen `json:"base"`
	High domain.Fen `json:"high"`
}

// FixedFen returns a FenRange that is not uncertain.
func FixedFen(v domain.Fen) FenRange { return FenRange{Dist: DistFixed, Low: v, Base: v, High: v} }

// UnmarshalJSON accepts an integer (a fixed amount) or the object form.
func (r *FenRange) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var v domain.Fen
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("an integer amount in fen or {dist, low, base, high}: %w", err)
		}
		*r = FixedFen(v)
		return nil
	}
	type plain FenRange
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = FenRange(p)
	return nil
}

// asRange converts to a float Range in fen for the simulation.
func (r FenRange) asRange() Range {
	return Range{Dist: r.Dist, Low: float64(r.Low), Base: float64(r.Base), High: float64(r.High)}
}

// DecodeInput reads an Input from JSON, refusing unknown fields so that a typo
// in an assumption is an error rather than a silently ignored value. Syntax and
// type errors come back as apperr Invalid errors naming the field.
func DecodeInput(r io.Reader) (Input, error) {
	const op = "valuation.DecodeInput"
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var in Input
	if err := dec.Decode(&in); err != nil {
		return Input{}, decodeError(op, err)
	}
	if dec.More() {
		return Input{}, apperr.Fields(op, apperr.Field("", "trailing_data",
			"unexpected data after the JSON object", "JSON 对象之后有多余内容"))
	}
	return in, nil
}

func decodeError(op string, err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return apperr.Fields(op, apperr.Field(typeErr.Field, "wrong_type",
			fmt.Sprintf("must be %s", typeErr.Type), fmt.Sprintf("类型应为 %s", typeErr.Type)))
	}
	// encoding/json has no typed error for an unknown field; its message is the
	// only signal, and a change of wording degrades to the generic error below.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return apperr.Fields(op, apperr.Field(name, "unknown_field",
			"unknown field", "未知字段"))
	}
	return &apperr.Error{Op: op, Kind: apperr.Invalid, Msg: "malformed JSON: " + err.Error(), Err: err}
}
