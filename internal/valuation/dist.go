package valuation

import (
	"math"
	"math/rand/v2"
)

// z90 is the 90th percentile of the standard normal distribution.
const z90 = 1.2815515655446004

// distribution is a Range ready for sampling.
type distribution struct {
	kind            string
	low, base, high float64
	sigma           float64 // lognormal: standard deviation of ln(x)
}

func newDistribution(r Range) distribution {
	r = r.normalized()
	d := distribution{kind: r.Dist, low: r.Low, base: r.Base, high: r.High}
	if d.kind == DistLognormal && d.low > 0 && d.high > d.low {
		d.sigma = math.Log(d.high/d.low) / (2 * z90)
	}
	return d
}

// uncertain reports whether the distribution has any spread.
func (d distribution) uncertain() bool {
	switch d.kind {
	case DistFixed:
		return false
	case DistLognormal:
		return d.sigma > 0
	case distStdNormal:
		return true
	}
	return d.high > d.low
}

// sample draws one value.
func (d distribution) sample(rng *rand.Rand) float64 {
	switch d.kind {
	case DistUniform, DistTriangular:
		return d.quantile(rng.Float64())
	case DistLognormal:
		return d.base * math.Exp(d.sigma*rng.NormFloat64())
	case distStdNormal:
		return rng.NormFloat64()
	}
	return d.base
}

// quantile is the inverse distribution function at p in [0, 1].
func (d distribution) quantile(p float64) float64 {
	switch d.kind {
	case DistUniform:
		return d.low + p*(d.high-d.low)
	case DistTriangular:
		return triangularQuantile(d.low, d.base, d.high, p)
	case DistLognormal:
		return d.base * math.Exp(d.sigma*normalQuantile(p))
	case distStdNormal:
		return normalQuantile(p)
	}
	return d.base
}

func triangularQuantile(a, c, b, p float64) float64 {
	if b <= a {
		return a
	}
	fc := (c - a) / (b - a)
	if p < fc {
		return a + math.Sqrt(p*(b-a)*(c-a))
	}
	return b - math.Sqrt((1-p)*(b-a)*(b-c))
}

// normalQuantile is the inverse of the standard normal distribution function
// (Acklam's rational approximation, relative error below 1.2e-9).
func normalQuantile(p float64) float64 {
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	}
	a := [6]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
		1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	b := [5]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
		6.680131188771972e+01, -1.328068155288572e+01}
	c := [6]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
		-2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	e := [4]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
		3.754408661907416e+00}
	const pLow = 0.02425
	switch {
	case p < pLow:
		q := math.Sqrt(-2 * math.Log(p))
		return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) /
			((((e[0]*q+e[1])*q+e[2])*q+e[3])*q + 1)
	case p > 1-pLow:
		q := math.Sqrt(-2 * math.Log(1-p))
		return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) /
			((((e[0]*q+e[1])*q+e[2])*q+e[3])*q + 1)
	}
	q := p - 0.5
	r := q * q
	return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q /
		(((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
}
