package valuation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// preference is the order in which a scenario prefers the approaches and why.
// It follows the appraisal standard's rule that the appraiser picks the
// approach the purpose and the evidence support (domain-rules §4.2); the
// orders themselves are reasoned defaults [M].
type preference struct {
	order []string
	why   domain.Label
}

var scenarioPreference = map[string]preference{
	ScenarioTransferLicensing: {[]string{MethodIncome, MethodMarket, MethodCost}, domain.Label{
		Zh: "转让与许可的价格取决于受让方预期收益，优先收益法，其次市场法，再次成本法",
		En: "in a transfer or licence the price follows the benefit the buyer expects: income first, then market, then cost"}},
	ScenarioPledgeFinancing: {[]string{MethodMarket, MethodIncome, MethodCost}, domain.Label{
		Zh: "质押融资关注处置变现价值，优先市场法，其次收益法，再次成本法",
		En: "a lender cares what the right would fetch if sold: market first, then income, then cost"}},
	ScenarioFinancialReporting: {[]string{MethodMarket, MethodIncome, MethodCost}, domain.Label{
		Zh: "财务报告的公允价值优先采用可观察的市场输入值，其次收益法，再次成本法",
		En: "fair value for accounts prefers observable market inputs: market first, then income, then cost"}},
	ScenarioInfringement: {[]string{MethodIncome, MethodMarket, MethodCost}, domain.Label{
		Zh: "侵权损害赔偿以合理许可费为基础，优先收益法（许可费节省），其次市场法，再次成本法",
		En: "damages rest on a reasonable royalty: income (relief from royalty) first, then market, then cost"}},
	ScenarioManagement: {[]string{MethodIncome, MethodCost, MethodMarket}, domain.Label{
		Zh: "管理与分级关注持续收益与投入，优先收益法，其次成本法，再次市场法",
		En: "management and grading look at future income and investment: income first, then cost, then market"}},
}

// earlyTRL is the highest TRL at which revenue forecasts are treated as
// speculative and the income approach is ranked last.
const earlyTRL = 3

// MethodOutcome is one approach as the valuation considered it.
type MethodOutcome struct {
	Method     string       `json:"method"`
	Label      domain.Label `json:"label"`
	Applicable bool         `json:"applicable"`
	Chosen     bool         `json:"chosen"`
	// Reason says why the approach does or does not apply.
	Reason domain.Label `json:"reason"`
	// Value is the simulated range when the approach applies.
	Value *ValueRange `json:"value,omitempty"`
}

// chooseMethod picks the approach and writes the reason. outcomes holds every
// approach with its applicability; forced is the user's choice or "".
func chooseMethod(scenario string, trl int, forced string, outcomes []MethodOutcome) (string, domain.Label, error) {
	pref := scenarioPreference[scenario]
	order := slices.Clone(pref.order)
	var zh, en []string
	zh = append(zh, pref.why.Zh)
	en = append(en, pref.why.En)
	if trl <= earlyTRL {
		order = slices.DeleteFunc(order, func(m string) bool { return m == MethodIncome })
		order = append(order, MethodIncome)
		zh = append(zh, fmt.Sprintf("TRL %d 尚未完成实验室验证，收入预测推测性强，收益法排在最后", trl))
		en = append(en, fmt.Sprintf("at TRL %d the technology is not yet validated in the lab, so revenue forecasts are speculative and the income approach is ranked last", trl))
	}
	find := func(m string) *MethodOutcome {
		for i := range outcomes {
			if outcomes[i].Method == m {
				return &outcomes[i]
			}
		}
		return nil
	}
	for _, m := range order {
		o := find(m)
		if o.Applicable {
			zh = append(zh, fmt.Sprintf("%s适用：%s", o.Label.Zh, o.Reason.Zh))
			en = append(en, fmt.Sprintf("%s applies: %s", strings.ToLower(o.Label.En), o.Reason.En))
		} else {
			zh = append(zh, fmt.Sprintf("%s不适用：%s", o.Label.Zh, o.Reason.Zh))
			en = append(en, fmt.Sprintf("%s does not apply: %s", strings.ToLower(o.Label.En), o.Reason.En))
		}
	}
	chosen := ""
	if forced != "" && forced != MethodAuto {
		chosen = forced
		o := find(forced)
		zh = append(zh, fmt.Sprintf("用户指定%s", o.Label.Zh))
		en = append(en, fmt.Sprintf("the user chose the %s", strings.ToLower(o.Label.En)))
		if !o.Applicable {
			zh = append(zh, "注意：该方法的依据不足，结果仅供参考")
			en = append(en, "note: the evidence for this approach is weak, treat the result with care")
		}
	} else {
		for _, m := range order {
			if find(m).Applicable {
				chosen = m
				break
			}
		}
		if chosen == "" {
			return "", domain.Label{}, fmt.Errorf("no valuation approach applies")
		}
		o := find(chosen)
		zh = append(zh, fmt.Sprintf("因此采用%s", o.Label.Zh))
		en = append(en, fmt.Sprintf("so the %s is used", strings.ToLower(o.Label.En)))
	}
	return chosen, domain.Label{Zh: strings.Join(zh, "；") + "。", En: capitalise(strings.Join(en, "; ")) + "."}, nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
