package valuation

import (
	"fmt"
	"math"
	"slices"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// Outcome pairs a saved valuation with the realised price of the deal that
// closed on its listing.
type Outcome struct {
	ValuationID string     `json:"valuation_id,omitempty"`
	ListingID   string     `json:"listing_id,omitempty"`
	Method      string     `json:"method,omitempty"`
	P10         domain.Fen `json:"p10"`
	P50         domain.Fen `json:"p50"`
	P90         domain.Fen `json:"p90"`
	RealisedFen domain.Fen `json:"realised_fen"`
}

// Where the realised price fell relative to the valuation range.
const (
	BelowP10 = "below_p10"
	WithinP  = "within"
	AboveP90 = "above_p90"
)

// OutcomeError is the error of one valuation.
type OutcomeError struct {
	Outcome
	// LogRatio is ln(P50 / realised): positive when the valuation was too high.
	LogRatio float64 `json:"log_ratio"`
	// RelativeError is (P50 − realised) / realised.
	RelativeError float64 `json:"relative_error"`
	Position      string  `json:"position"`
}

// RatioBin counts valuations whose P50/realised ratio falls in [Low, High).
type RatioBin struct {
	Low   float64      `json:"low"`
	High  float64      `json:"high"` // +Inf is written as 0 with Open set
	Open  bool         `json:"open,omitempty"`
	Label domain.Label `json:"label"`
	Count int          `json:"count"`
}

// ErrorDistribution summarises how valuations compared with realised prices.
// The log ratio is the natural scale for prices: valuing at half and at double
// the realised price are equally wrong (−0.69 and +0.69).
type ErrorDistribution struct {
	N                      int     `json:"n"`
	MedianLogRatio         float64 `json:"median_log_ratio"`
	MeanLogRatio           float64 `json:"mean_log_ratio"`
	MeanAbsLogRatio        float64 `json:"mean_abs_log_ratio"`
	RMSLogRatio            float64 `json:"rms_log_ratio"`
	LogRatioP10            float64 `json:"log_ratio_p10"`
	LogRatioP90            float64 `json:"log_ratio_p90"`
	MedianAbsRelativeError float64 `json:"median_abs_relative_error"`
	// Coverage is the share of realised prices inside [P10, P90]; a calibrated
	// valuation gets about 0.8, with about 0.1 below and 0.1 above.
	Coverage  float64        `json:"coverage"`
	BelowP10  float64        `json:"below_p10"`
	AboveP90  float64        `json:"above_p90"`
	Histogram []RatioBin     `json:"histogram"`
	Items     []OutcomeError `json:"items"`
}

// ratioEdges are the P50/realised ratios that bound the histogram bins.
var ratioEdges = []float64{0.25, 0.5, 2.0 / 3, 0.9, 1.1, 1.5, 2, 4}

// ErrorsOf computes the error distribution. Every outcome needs a positive
// realised price and 0 < P50 with P10 ≤ P50 ≤ P90; otherwise an apperr Invalid
// error names each bad field as outcomes[i].field.
func ErrorsOf(outcomes []Outcome) (ErrorDistribution, error) {
	var v validator
	for i, o := range outcomes {
		p := fmt.Sprintf("outcomes[%d]", i)
		if o.RealisedFen <= 0 {
			v.add(p+".realised_fen", "out_of_range", "must be a positive amount in fen", "应为正的金额（分）")
		}
		if o.P50 <= 0 {
			v.add(p+".p50", "out_of_range", "must be a positive amount in fen", "应为正的金额（分）")
		}
		if o.P10 > o.P50 || o.P50 > o.P90 {
			v.add(p, "inconsistent_range", "needs p10 ≤ p50 ≤ p90", "需满足 p10 ≤ p50 ≤ p90")
		}
	}
	if err := v.list.Err("valuation.ErrorsOf"); err != nil {
		return ErrorDistribution{}, err
	}
	out := ErrorDistribution{N: len(outcomes), Histogram: ratioBins()}
	if len(outcomes) == 0 {
		return out, nil
	}
	logs := make([]float64, 0, len(outcomes))
	absRel := make([]float64, 0, len(outcomes))
	var sumAbs, sumSq float64
	var below, within, above int
	for _, o := range outcomes {
		e := OutcomeError{Outcome: o}
		ratio := float64(o.P50) / float64(o.RealisedFen)
		e.LogRatio = math.Log(ratio)
		e.RelativeError = ratio - 1
		switch {
		case o.RealisedFen < o.P10:
			e.Position = BelowP10
			below++
		case o.RealisedFen > o.P90:
			e.Position = AboveP90
			above++
		default:
			e.Position = WithinP
			within++
		}
		logs = append(logs, e.LogRatio)
		absRel = append(absRel, math.Abs(e.RelativeError))
		sumAbs += math.Abs(e.LogRatio)
		sumSq += e.LogRatio * e.LogRatio
		out.Histogram[binOf(ratio)].Count++
		out.Items = append(out.Items, e)
	}
	n := float64(len(outcomes))
	out.MeanLogRatio = mean(logs)
	out.MeanAbsLogRatio = sumAbs / n
	out.RMSLogRatio = math.Sqrt(sumSq / n)
	slices.Sort(logs)
	slices.Sort(absRel)
	out.MedianLogRatio = percentile(logs, 0.5)
	out.LogRatioP10 = percentile(logs, 0.1)
	out.LogRatioP90 = percentile(logs, 0.9)
	out.MedianAbsRelativeError = percentile(absRel, 0.5)
	out.Coverage = float64(within) / n
	out.BelowP10 = float64(below) / n
	out.AboveP90 = float64(above) / n
	return out, nil
}

func ratioBins() []RatioBin {
	bins := make([]RatioBin, 0, len(ratioEdges)+1)
	lo := 0.0
	for _, hi := range ratioEdges {
		bins = append(bins, RatioBin{Low: lo, High: hi, Label: ratioLabel(lo, hi, false)})
		lo = hi
	}
	return append(bins, RatioBin{Low: lo, Open: true, Label: ratioLabel(lo, 0, true)})
}

func ratioLabel(lo, hi float64, open bool) domain.Label {
	switch {
	case lo == 0:
		return domain.Label{Zh: fmt.Sprintf("低于成交价 ×%.2f", hi), En: fmt.Sprintf("below ×%.2f of realised", hi)}
	case open:
		return domain.Label{Zh: fmt.Sprintf("高于成交价 ×%.2f", lo), En: fmt.Sprintf("above ×%.2f of realised", lo)}
	}
	return domain.Label{Zh: fmt.Sprintf("成交价 ×%.2f–×%.2f", lo, hi), En: fmt.Sprintf("×%.2f–×%.2f of realised", lo, hi)}
}

func binOf(ratio float64) int {
	for i, edge := range ratioEdges {
		if ratio < edge {
			return i
		}
	}
	return len(ratioEdges)
}
