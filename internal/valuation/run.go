package valuation

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// distributionBins is the number of bars in the result's value distribution.
const distributionBins = 24

// Result is a complete valuation: what a saved valuation stores beside its
// Input, and what the report renders.
type Result struct {
	ModelVersion  string `json:"model_version"`
	ListingID     string `json:"listing_id,omitempty"`
	Title         string `json:"title,omitempty"`
	Scenario      string `json:"scenario"`
	ValuationDate string `json:"valuation_date"`
	Field         string `json:"field"`
	TRL           int    `json:"trl"`
	// Method is the approach whose range is the result, MethodReason why.
	Method       string       `json:"method"`
	MethodReason domain.Label `json:"method_reason"`
	Value        ValueRange   `json:"value"`
	// Methods lists every approach considered, with cross-check ranges.
	Methods      []MethodOutcome      `json:"methods"`
	Distribution []Bin                `json:"distribution"`
	Tornado      []TornadoBar         `json:"tornado"`
	Inputs       []InputUsed          `json:"inputs"`
	Assumptions  []Assumption         `json:"assumptions"`
	LegalLife    LegalLife            `json:"legal_life"`
	Comparables  []AdjustedComparable `json:"comparables,omitempty"`
	Score        Score                `json:"score"`
	Simulation   Simulation           `json:"simulation"`
	Warnings     []domain.Label       `json:"warnings,omitempty"`
}

// Run values a listing with the embedded indicator tree.
func Run(in Input) (Result, error) { return RunWith(DefaultTree(), in) }

// RunWith values a listing with an indicator tree of the operator's choice.
// Invalid input returns an apperr Invalid error naming the fields; nothing is
// computed from it.
func RunWith(tree *Tree, in Input) (Result, error) {
	const op = "valuation.Run"
	if err := in.validate(tree); err != nil {
		return Result{}, err
	}
	at, _ := parseDate(in.ValuationDate)
	sim := in.Simulation
	if sim.Draws == 0 {
		sim.Draws = DefaultDraws
	}
	res := Result{ModelVersion: ModelVersion, ListingID: in.ListingID, Title: in.Title, Scenario: in.scenario(),
		ValuationDate: in.ValuationDate, Field: in.Field, TRL: in.TRL, Simulation: sim}

	res.LegalLife = legalLife(in.IPItems, at)
	score, err := tree.Score(res.Scenario, IndicatorValues(FactsFromInput(in, res.LegalLife)))
	if err != nil {
		return Result{}, apperr.Wrap(op, apperr.Internal, fmt.Errorf("indicator score: %w", err))
	}
	res.Score = score

	models := map[string]*methodModel{}
	outcomes := make([]MethodOutcome, 0, len(Methods))
	for _, m := range Methods {
		outcomes = append(outcomes, MethodOutcome{Method: m.Code, Label: m.Label})
	}
	life := res.LegalLife

	// Income approach.
	income := &outcomes[0]
	switch {
	case in.Income == nil:
		income.Reason = domain.Label{Zh: "未提供收入预测", En: "no revenue forecast given"}
	default:
		m, a := compileIncome(in.Income, in.TRL, life)
		models[MethodIncome] = m
		res.Assumptions = append(res.Assumptions, a...)
		if !life.Unlimited && life.RemainingYears <= 0 {
			income.Reason = domain.Label{Zh: "没有仍有效的权利，无剩余法定保护期", En: "no right is in force, so no legal life remains"}
		} else {
			income.Applicable = true
			income.Reason = domain.Label{Zh: "已提供收入预测与分成参数", En: "a revenue forecast and royalty or share assumptions are given"}
		}
	}

	// Market approach.
	market := &outcomes[1]
	if in.Market == nil || len(in.Market.Comparables) == 0 {
		market.Reason = domain.Label{Zh: "没有可比成交", En: "no comparable deals given"}
	} else {
		legal, _ := score.Node("L")
		ev := adjustComparables(in, in.Market, at, legal.Score)
		market.Applicable, market.Reason = ev.applicable()
		m, a := compileMarket(in.Market, ev)
		models[MethodMarket] = m
		res.Assumptions = append(res.Assumptions, a...)
		res.Comparables = ev.deals
		slices.SortStableFunc(res.Comparables, func(x, y AdjustedComparable) int { return cmp.Compare(y.Weight, x.Weight) })
	}

	// Cost approach.
	costOut := &outcomes[2]
	if in.Cost == nil {
		costOut.Reason = domain.Label{Zh: "未提供研发或重置成本", En: "no development or replacement cost given"}
	} else {
		m, a := compileCost(in.Cost, life)
		models[MethodCost] = m
		res.Assumptions = append(res.Assumptions, a...)
		costOut.Applicable = true
		costOut.Reason = domain.Label{Zh: "已提供重置成本与贬值参数", En: "a replacement cost and obsolescence assumptions are given"}
	}

	method, reason, err := chooseMethod(res.Scenario, in.TRL, in.Method, outcomes)
	if err != nil {
		return Result{}, apperr.Fields(op, apperr.Field("method", "no_applicable_method",
			"no valuation approach applies: give a revenue forecast, at least 3 relevant comparable deals or a development cost",
			"没有适用的评估方法：请提供收入预测、至少3笔相关可比成交或研发成本"))
	}
	res.Method, res.MethodReason = method, reason

	for i := range outcomes {
		o := &outcomes[i]
		m := models[o.Method]
		o.Chosen = o.Method == method
		if m == nil || (!o.Applicable && !o.Chosen) {
			continue
		}
		draws := simulate(m, sim.Draws, sim.Seed)
		v := summarise(m, draws)
		o.Value = &v
		res.Inputs = append(res.Inputs, m.inputsUsed()...)
		if o.Chosen {
			res.Value = v
			res.Distribution = histogram(draws, distributionBins)
			res.Tornado = tornado(m)
		}
	}
	res.Methods = outcomes
	res.Warnings = warnings(res, in)
	return res, nil
}

// warnings flag results that need care.
func warnings(res Result, in Input) []domain.Label {
	var w []domain.Label
	if res.Score.Evidence < 0.3 {
		w = append(w, domain.Label{
			Zh: fmt.Sprintf("指标评分仅 %.0f%% 的权重有事实或专家依据，其余按中性分计", res.Score.Evidence*100),
			En: fmt.Sprintf("only %.0f%% of the indicator weight rests on facts or expert scores; the rest is neutral", res.Score.Evidence*100)})
	}
	if len(in.IPItems) == 0 {
		w = append(w, domain.Label{Zh: "未列出知识产权，收益期仅受经济寿命限制",
			En: "no IP items listed: only the economic life limits the income period"})
	}
	if res.Value.P10 > 0 && float64(res.Value.P90) > 10*float64(res.Value.P10) {
		w = append(w, domain.Label{Zh: "P90 超过 P10 的十倍，不确定性很大，请收窄关键假设",
			En: "P90 is more than ten times P10: the uncertainty is very large; narrow the key assumptions"})
	}
	for _, o := range res.Methods {
		if o.Chosen && !o.Applicable {
			w = append(w, domain.Label{Zh: "所选方法依据不足：" + o.Reason.Zh, En: "the chosen approach has weak support: " + o.Reason.En})
		}
	}
	return w
}
