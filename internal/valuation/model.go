package valuation

import (
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Units of a variable, for display.
const (
	UnitFen         = "fen"
	UnitRate        = "rate"
	UnitYears       = "years"
	UnitProbability = "probability"
	UnitZ           = "z" // standard-normal deviate
)

// Sources of a variable or assumption.
const (
	SourceInput   = "input"
	SourceDefault = "default"
	SourceDerived = "derived"
)

// distStdNormal is an internal distribution (not accepted in input): the
// standard normal deviate that spreads the market approach around the
// comparables' centre.
const distStdNormal = "std_normal"

// variable is one uncertain input of a method's value function.
type variable struct {
	Path   string
	Label  domain.Label
	Unit   string
	Source string
	dist   distribution
}

// methodModel is a method compiled from the input: its uncertain variables and
// a value function over one draw of them (indexed like vars). The value is in
// fen. Fixed parameters are captured by the closure.
type methodModel struct {
	method string
	vars   []variable
	value  func(x []float64) float64
}

// base returns every variable at its base value.
func (m *methodModel) base() []float64 {
	x := make([]float64, len(m.vars))
	for i, v := range m.vars {
		x[i] = v.dist.base
	}
	return x
}

func newVariable(path string, label domain.Label, unit, source string, r Range) variable {
	return variable{Path: path, Label: label, Unit: unit, Source: source, dist: newDistribution(r)}
}

// stdNormalVariable is a variable drawn from N(0, 1), base 0.
func stdNormalVariable(path string, label domain.Label) variable {
	return variable{Path: path, Label: label, Unit: UnitZ, Source: SourceDerived,
		dist: distribution{kind: distStdNormal, low: -z90, base: 0, high: z90}}
}

// Assumption is a fixed parameter or a default the valuation used, shown in the
// report beside the uncertain inputs.
type Assumption struct {
	Key    string       `json:"key"`
	Label  domain.Label `json:"label"`
	Value  domain.Label `json:"value"`
	Source string       `json:"source"`
}

// both is a language-neutral value ("15.0%").
func both(s string) domain.Label { return domain.Label{Zh: s, En: s} }

// InputUsed describes one uncertain input as the simulation used it.
type InputUsed struct {
	Method string       `json:"method"`
	Path   string       `json:"path"`
	Label  domain.Label `json:"label"`
	Unit   string       `json:"unit"`
	Dist   string       `json:"dist"`
	Low    float64      `json:"low"`
	Base   float64      `json:"base"`
	High   float64      `json:"high"`
	Source string       `json:"source"`
}

func (m *methodModel) inputsUsed() []InputUsed {
	out := make([]InputUsed, 0, len(m.vars))
	for _, v := range m.vars {
		out = append(out, InputUsed{Method: m.method, Path: v.Path, Label: v.Label, Unit: v.Unit,
			Dist: v.dist.kind, Low: v.dist.low, Base: v.dist.base, High: v.dist.high, Source: v.Source})
	}
	return out
}
