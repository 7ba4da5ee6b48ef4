package valuation

import (
	"fmt"
	"math"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// Market-approach rules. The weights decide how much a comparable counts; the
// factors move its price towards the subject. Factors are capped because a
// comparable that needs a large correction is not really comparable.
const (
	otherFieldWeight   = 0.3 // a deal in another technology field
	otherModeWeight    = 0.5 // a deal with another transfer mode (e.g. licence vs assignment)
	trlDistanceWeight  = 0.5 // weight = 1 / (1 + 0.5·|ΔTRL|)
	ageHalfLifeYears   = 3.0 // a deal's weight halves every 3 years
	trlFactorMin       = 0.5
	trlFactorMax       = 2.0
	ipFactorMin        = 2.0 / 3
	ipFactorMax        = 1.5
	minEffectiveDeals  = 3.0 // Kish effective sample size needed for the approach
	minRelevanceWeight = 1.5 // total weight needed (1.5 same-field, same-TRL, fresh deals)
)

// AdjustedComparable is a comparable deal after adjustment.
type AdjustedComparable struct {
	Comparable
	AgeYears float64 `json:"age_years"`
	// TRLFactor is the ratio of success probabilities subject/comparable.
	TRLFactor float64 `json:"trl_factor"`
	// IPFactor is the ratio of IP strengths subject/comparable (1 when unknown).
	IPFactor float64 `json:"ip_factor"`
	// TimeFactor brings the price to the valuation date at the base trend.
	TimeFactor  float64    `json:"time_factor"`
	AdjustedFen domain.Fen `json:"adjusted_fen"`
	// Weight is the comparable's share of the total weight (sums to 1).
	Weight      float64 `json:"weight"`
	SameField   bool    `json:"same_field"`
	RawWeight   float64 `json:"raw_weight"`
	logAdjusted float64
}

// marketEvidence summarises the comparables.
type marketEvidence struct {
	deals       []AdjustedComparable
	totalWeight float64
	effectiveN  float64
	meanLog     float64 // weighted mean of ln(adjusted price) before the time trend
	meanAge     float64 // weighted mean age in years
	sigma       float64 // spread of ln(value), including the error of the mean
}

// adjustComparables weighs and adjusts the comparables for a subject. subjectIP
// is the subject's legal-value score (0–100).
func adjustComparables(in Input, m *MarketInput, at time.Time, subjectIP float64) marketEvidence {
	trend := 0.0
	if m.PriceTrend != nil {
		trend = m.PriceTrend.normalized().Base
	}
	var ev marketEvidence
	var sumW, sumW2, sumWL, sumWA float64
	for _, c := range m.Comparables {
		closed, _ := parseDate(c.ClosedOn)
		a := AdjustedComparable{Comparable: c, AgeYears: math.Max(0, yearsBetween(closed, at))}
		a.SameField = c.Field == in.Field
		w := 1.0
		if !a.SameField {
			w *= otherFieldWeight
		}
		w /= 1 + trlDistanceWeight*math.Abs(float64(in.TRL-c.TRL))
		if in.TransferMode != "" && c.TransferMode != "" && in.TransferMode != c.TransferMode {
			w *= otherModeWeight
		}
		w *= math.Pow(0.5, a.AgeYears/ageHalfLifeYears)
		a.RawWeight = w

		a.TRLFactor = clamp(SuccessProbability(in.TRL)/SuccessProbability(c.TRL), trlFactorMin, trlFactorMax)
		a.IPFactor = 1
		if c.IPStrength != nil && *c.IPStrength > 0 && subjectIP > 0 {
			a.IPFactor = clamp(subjectIP / *c.IPStrength, ipFactorMin, ipFactorMax)
		}
		a.TimeFactor = math.Pow(1+trend, a.AgeYears)
		a.logAdjusted = math.Log(float64(c.PriceFen) * a.TRLFactor * a.IPFactor)
		a.AdjustedFen = domain.Fen(math.Round(float64(c.PriceFen) * a.TRLFactor * a.IPFactor * a.TimeFactor))

		sumW += w
		sumW2 += w * w
		sumWL += w * a.logAdjusted
		sumWA += w * a.AgeYears
		ev.deals = append(ev.deals, a)
	}
	if sumW == 0 {
		return ev
	}
	ev.totalWeight = sumW
	ev.effectiveN = sumW * sumW / sumW2
	ev.meanLog = sumWL / sumW
	ev.meanAge = sumWA / sumW
	growth := math.Log(1 + trend)
	var variance float64
	for i := range ev.deals {
		d := &ev.deals[i]
		d.Weight = d.RawWeight / sumW
		dev := d.logAdjusted + growth*d.AgeYears - (ev.meanLog + growth*ev.meanAge)
		variance += d.Weight * dev * dev
	}
	// The spread of a new deal around the weighted mean is the spread between
	// deals plus the uncertainty of the mean itself (variance / n_eff).
	ev.sigma = math.Sqrt(variance * (1 + 1/ev.effectiveN))
	return ev
}

// applicable reports whether the evidence supports the market approach.
func (ev marketEvidence) applicable() (bool, domain.Label) {
	if ev.effectiveN >= minEffectiveDeals && ev.totalWeight >= minRelevanceWeight {
		return true, domain.Label{
			Zh: fmt.Sprintf("有 %d 笔可比成交（有效样本 %.1f，相关权重 %.2f）", len(ev.deals), ev.effectiveN, ev.totalWeight),
			En: fmt.Sprintf("%d comparable deals (effective sample %.1f, relevance weight %.2f)", len(ev.deals), ev.effectiveN, ev.totalWeight),
		}
	}
	return false, domain.Label{
		Zh: fmt.Sprintf("可比成交不足：%d 笔（有效样本 %.1f，相关权重 %.2f；至少需要有效样本 %.0f、相关权重 %.1f）",
			len(ev.deals), ev.effectiveN, ev.totalWeight, minEffectiveDeals, minRelevanceWeight),
		En: fmt.Sprintf("too few comparable deals: %d (effective sample %.1f, relevance weight %.2f; needs %.0f and %.1f)",
			len(ev.deals), ev.effectiveN, ev.totalWeight, minEffectiveDeals, minRelevanceWeight),
	}
}

// compileMarket builds the market model: value = exp(μ + ln(1+trend)·ā + σ·z),
// the weighted centre of the adjusted log prices brought forward by the trend
// over the mean age, spread by the comparables' dispersion.
func compileMarket(m *MarketInput, ev marketEvidence) (*methodModel, []Assumption) {
	mm := &methodModel{method: MethodMarket}
	trend := Fixed(0)
	trendSource := SourceDefault
	if m.PriceTrend != nil {
		trend, trendSource = *m.PriceTrend, SourceInput
	}
	mm.vars = []variable{
		stdNormalVariable("market.comparables", domain.Label{Zh: "可比成交价格离散度", En: "Spread of comparable prices"}),
		newVariable("market.price_trend", domain.Label{Zh: "技术价格年变化率", En: "Yearly price trend"}, UnitRate, trendSource, trend),
	}
	meanLog, meanAge, sigma := ev.meanLog, ev.meanAge, ev.sigma
	mm.value = func(x []float64) float64 {
		return math.Exp(meanLog + math.Log1p(x[1])*meanAge + sigma*x[0])
	}
	assumptions := []Assumption{
		{Key: "market.weights", Label: domain.Label{Zh: "可比权重", En: "Comparable weights"},
			Value: domain.Label{
				Zh: fmt.Sprintf("异领域 ×%.1f，异交易方式 ×%.1f，TRL 差距 1/(1+%.1f·|ΔTRL|)，成交时间半衰期 %.0f 年",
					otherFieldWeight, otherModeWeight, trlDistanceWeight, ageHalfLifeYears),
				En: fmt.Sprintf("other field ×%.1f, other transfer mode ×%.1f, TRL distance 1/(1+%.1f·|ΔTRL|), age half-life %.0f years",
					otherFieldWeight, otherModeWeight, trlDistanceWeight, ageHalfLifeYears)},
			Source: SourceDefault},
		{Key: "market.factors", Label: domain.Label{Zh: "调整系数", En: "Adjustment factors"},
			Value: domain.Label{
				Zh: fmt.Sprintf("TRL 按成功概率之比，限 [%.1f, %.1f]；知识产权强度按法律价值得分之比，限 [%.2f, %.1f]；时间按价格趋势",
					trlFactorMin, trlFactorMax, ipFactorMin, ipFactorMax),
				En: fmt.Sprintf("TRL by the ratio of success probabilities, within [%.1f, %.1f]; IP strength by the ratio of legal-value scores, within [%.2f, %.1f]; time by the price trend",
					trlFactorMin, trlFactorMax, ipFactorMin, ipFactorMax)},
			Source: SourceDefault},
		{Key: "market.spread", Label: domain.Label{Zh: "对数价格标准差", En: "Log-price spread σ"},
			Value: domain.Label{Zh: fmt.Sprintf("%.3f（有效样本 %.1f）", sigma, ev.effectiveN),
				En: fmt.Sprintf("%.3f (effective sample %.1f)", sigma, ev.effectiveN)}, Source: SourceDerived},
	}
	return mm, assumptions
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
