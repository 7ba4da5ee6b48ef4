package valuation

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// ValueRange is a simulated value range in fen.
type ValueRange struct {
	P10  domain.Fen `json:"p10"`
	P50  domain.Fen `json:"p50"`
	P90  domain.Fen `json:"p90"`
	Mean domain.Fen `json:"mean"`
	// Base is the value with every input at its base: the "single point" an
	// appraiser would write without a simulation.
	Base domain.Fen `json:"base"`
}

// Bin is one bar of the simulated distribution.
type Bin struct {
	LowFen  domain.Fen `json:"low"`
	HighFen domain.Fen `json:"high"`
	Share   float64    `json:"share"`
}

// TornadoBar is the valuation with one input moved to its 10th and 90th
// percentile while every other input stays at its base.
type TornadoBar struct {
	Path      string       `json:"path"`
	Label     domain.Label `json:"label"`
	Unit      string       `json:"unit"`
	LowInput  float64      `json:"low_input"`
	HighInput float64      `json:"high_input"`
	LowValue  domain.Fen   `json:"low_value"`
	HighValue domain.Fen   `json:"high_value"`
	Swing     domain.Fen   `json:"swing"`
}

// maxFen keeps absurd simulated tails (a lognormal can draw anything) inside
// int64 when rounding to fen.
const maxFen = float64(1 << 62)

func toFen(v float64) domain.Fen {
	switch {
	case math.IsNaN(v):
		return 0
	case v > maxFen:
		return domain.Fen(maxFen)
	case v < -maxFen:
		return domain.Fen(-maxFen)
	}
	return domain.Fen(math.Round(v))
}

// methodStream gives each approach its own random stream, so adding or
// removing the assumptions of one approach never changes another's draws.
var methodStream = map[string]uint64{MethodIncome: 0x1c0e, MethodMarket: 0x3a4e, MethodCost: 0xc057}

// simulate draws the model's value n times with a seeded generator and returns
// the sorted values. The same seed, input and build give the same draws.
func simulate(m *methodModel, n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, methodStream[m.method]))
	x := make([]float64, len(m.vars))
	out := make([]float64, n)
	for i := range out {
		for j := range m.vars {
			x[j] = m.vars[j].dist.sample(rng)
		}
		out[i] = m.value(x)
	}
	slices.Sort(out)
	return out
}

// percentile of sorted data by linear interpolation between order statistics
// (Hyndman–Fan type 7, the default of R and NumPy).
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// summarise turns sorted draws into a ValueRange.
func summarise(m *methodModel, sorted []float64) ValueRange {
	return ValueRange{
		P10:  toFen(percentile(sorted, 0.10)),
		P50:  toFen(percentile(sorted, 0.50)),
		P90:  toFen(percentile(sorted, 0.90)),
		Mean: toFen(mean(sorted)),
		Base: toFen(m.value(m.base())),
	}
}

// histogram bins the draws between their 1st and 99th percentiles so that a
// few extreme draws cannot flatten the chart; the 2% of draws outside are left
// out, so the shares sum to about 0.98.
func histogram(sorted []float64, bins int) []Bin {
	if len(sorted) == 0 || bins < 1 {
		return nil
	}
	lo, hi := percentile(sorted, 0.01), percentile(sorted, 0.99)
	if hi <= lo {
		return []Bin{{LowFen: toFen(lo), HighFen: toFen(hi), Share: 1}}
	}
	width := (hi - lo) / float64(bins)
	counts := make([]int, bins)
	for _, v := range sorted {
		if v < lo || v > hi {
			continue
		}
		counts[min(int((v-lo)/width), bins-1)]++
	}
	out := make([]Bin, bins)
	for i, c := range counts {
		out[i] = Bin{LowFen: toFen(lo + float64(i)*width), HighFen: toFen(lo + float64(i+1)*width),
			Share: float64(c) / float64(len(sorted))}
	}
	return out
}

// tornado moves each uncertain input to its 10th and 90th percentile with the
// others at base, and sorts the bars by swing, largest first. Percentiles
// rather than the extreme bounds make bars comparable across distributions
// (a triangular bound has probability zero; a lognormal has no bound).
func tornado(m *methodModel) []TornadoBar {
	base := m.base()
	x := slices.Clone(base)
	var bars []TornadoBar
	for i, v := range m.vars {
		if !v.dist.uncertain() {
			continue
		}
		lowIn, highIn := v.dist.quantile(0.10), v.dist.quantile(0.90)
		x[i] = lowIn
		lowVal := toFen(m.value(x))
		x[i] = highIn
		highVal := toFen(m.value(x))
		x[i] = base[i]
		swing := highVal - lowVal
		if swing < 0 {
			swing = -swing
		}
		bars = append(bars, TornadoBar{Path: v.Path, Label: v.Label, Unit: v.Unit, LowInput: lowIn, HighInput: highIn,
			LowValue: lowVal, HighValue: highVal, Swing: swing})
	}
	slices.SortStableFunc(bars, func(a, b TornadoBar) int { return cmp.Compare(b.Swing, a.Swing) })
	return bars
}
