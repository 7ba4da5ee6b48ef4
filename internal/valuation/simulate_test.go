package valuation

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func exampleInput(t testing.TB) Input {
	t.Helper()
	in, err := DecodeInput(bytes.NewReader(ExampleInputJSON()))
	if err != nil {
		t.Fatalf("example input: %v", err)
	}
	return in
}

func mustRun(t testing.TB, in Input) Result {
	t.Helper()
	res, err := Run(in)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

func TestMonteCarloIsDeterministic(t *testing.T) {
	in := exampleInput(t)
	a, _ := json.Marshal(mustRun(t, in))
	b, _ := json.Marshal(mustRun(t, in))
	if !bytes.Equal(a, b) {
		t.Fatal("the same input and seed gave different results")
	}
	in.Simulation.Seed++
	other := mustRun(t, in)
	first := mustRun(t, exampleInput(t))
	if other.Value.P50 == first.Value.P50 {
		t.Error("a different seed gave the same P50; the seed is not used")
	}
	// With 10,000 draws the seed moves the median by well under 5%.
	if rel := math.Abs(float64(other.Value.P50-first.Value.P50)) / float64(first.Value.P50); rel > 0.05 {
		t.Errorf("P50 moved %.1f%% between seeds: the simulation is too noisy", rel*100)
	}
}

func TestPercentilesAreOrdered(t *testing.T) {
	in := exampleInput(t)
	for _, method := range []string{MethodIncome, MethodMarket, MethodCost} {
		for seed := uint64(1); seed <= 5; seed++ {
			in.Method, in.Simulation.Seed, in.Simulation.Draws = method, seed, 2000
			res := mustRun(t, in)
			v := res.Value
			if !(0 < v.P10 && v.P10 <= v.P50 && v.P50 <= v.P90) {
				t.Fatalf("%s seed %d: P10 %d, P50 %d, P90 %d not ordered", method, seed, v.P10, v.P50, v.P90)
			}
			if res.Method != method {
				t.Fatalf("forced %s, got %s", method, res.Method)
			}
		}
	}
}

func TestFixedInputsGiveAPoint(t *testing.T) {
	in := Input{ValuationDate: "2025-01-01", Field: "EI", TRL: 9,
		Cost: &CostInput{Basis: BasisReplacement, DevelopmentCost: FixedFen(100000000), ProfitRate: Fixed(0.2),
			FunctionalObsolescence: Fixed(0.1), EconomicObsolescence: Fixed(0.2)}}
	res := mustRun(t, in)
	want := ValueRange{P10: 86400000, P50: 86400000, P90: 86400000, Mean: 86400000, Base: 86400000}
	if res.Value != want {
		t.Fatalf("value = %+v, want %+v", res.Value, want)
	}
	if len(res.Tornado) != 0 {
		t.Errorf("a fixed input has no tornado bars, got %d", len(res.Tornado))
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	for p, want := range map[float64]float64{0: 1, 0.1: 1.4, 0.5: 3, 0.9: 4.6, 1: 5} {
		near(t, "percentile", percentile(xs, p), want, 1e-12)
	}
}

func TestDistributions(t *testing.T) {
	near(t, "z90", normalQuantile(0.9), z90, 1e-8)
	near(t, "z50", normalQuantile(0.5), 0, 1e-12)
	near(t, "z01", normalQuantile(0.01), -2.3263478740, 1e-8)

	tri := newDistribution(Tri(0, 1, 2))
	near(t, "triangular median", tri.quantile(0.5), 1, 1e-12)
	near(t, "triangular p10", tri.quantile(0.1), math.Sqrt(0.2), 1e-12) // a + √(p·(b−a)(c−a)) = √(0.1·2·1)
	uni := newDistribution(Range{Dist: DistUniform, Low: 10, Base: 15, High: 20})
	near(t, "uniform p90", uni.quantile(0.9), 19, 1e-12)

	// A lognormal with base 100 and P10/P90 of 50/200: sample percentiles match.
	logn := newDistribution(Range{Dist: DistLognormal, Low: 50, Base: 100, High: 200})
	near(t, "lognormal p90", logn.quantile(0.9), 200, 1e-6)
	rng := rand.New(rand.NewPCG(1, 2))
	draws := make([]float64, 20000)
	for i := range draws {
		draws[i] = logn.sample(rng)
	}
	slices.Sort(draws)
	near(t, "lognormal sample median", percentile(draws, 0.5), 100, 3)
	near(t, "lognormal sample p90", percentile(draws, 0.9), 200, 8)

	// Triangular samples stay within bounds.
	for range 1000 {
		if v := tri.sample(rng); v < 0 || v > 2 {
			t.Fatalf("triangular sample %v outside [0, 2]", v)
		}
	}
}

func TestTornado(t *testing.T) {
	res := mustRun(t, exampleInput(t))
	if len(res.Tornado) == 0 {
		t.Fatal("no tornado bars")
	}
	for i, bar := range res.Tornado {
		if i > 0 && bar.Swing > res.Tornado[i-1].Swing {
			t.Errorf("bars not sorted by swing: %d after %d", bar.Swing, res.Tornado[i-1].Swing)
		}
		if bar.Path == "income.success_probability" {
			t.Errorf("a fixed input (%s) must not get a bar", bar.Path)
		}
		lo, hi := min(bar.LowValue, bar.HighValue), max(bar.LowValue, bar.HighValue)
		if res.Value.Base < lo || res.Value.Base > hi {
			t.Errorf("%s: base %d outside its bar [%d, %d] for a monotone model", bar.Path, res.Value.Base, lo, hi)
		}
	}
	// Value is linear in revenue: the bar ends scale with the revenue percentiles.
	for _, bar := range res.Tornado {
		if bar.Path != "income.annual_revenue" {
			continue
		}
		ratio := float64(bar.HighValue) / float64(bar.LowValue)
		near(t, "revenue bar ratio", ratio, bar.HighInput/bar.LowInput, 1e-6)
	}
}

func TestHistogram(t *testing.T) {
	res := mustRun(t, exampleInput(t))
	sum := 0.0
	for i, b := range res.Distribution {
		sum += b.Share
		if b.HighFen < b.LowFen || (i > 0 && b.LowFen != res.Distribution[i-1].HighFen) {
			t.Fatalf("bins not contiguous at %d: %+v", i, b)
		}
	}
	near(t, "histogram share", sum, 0.98, 0.002)
}
