package valuation

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkRun values the example listing (all three approaches, indicator
// score, tornado) with 10,000 Monte Carlo draws per approach and reports the
// 99th-percentile latency of one valuation as p99-ms.
func BenchmarkRun(b *testing.B) {
	in := exampleInput(b)
	in.Simulation.Draws = 10000
	var took []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, err := Run(in); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	p99 := took[min(len(took)-1, len(took)*99/100)]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}
