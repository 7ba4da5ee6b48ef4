package ledger

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestAllocateExamples(t *testing.T) {
	cases := []struct {
		total   int64
		weights []int64
		want    []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}},   // tie: the earlier part gets the fen
		{1, []int64{300, 200, 9500}, []int64{0, 0, 1}}, // the largest remainder wins
		{40000003, []int64{300, 200, 9500}, []int64{1200000, 800000, 38000003}},
		{7, []int64{0, 5, 0, 5}, []int64{0, 4, 0, 3}}, // zero weights get nothing
		{0, []int64{1, 2}, []int64{0, 0}},
		{math.MaxInt64, []int64{math.MaxInt64, 1}, []int64{math.MaxInt64 - 1, 1}}, // 128-bit intermediate
	}
	for _, c := range cases {
		if got := Allocate(c.total, c.weights); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Allocate(%d, %v) = %v, want %v", c.total, c.weights, got, c.want)
		}
	}
}

// Property: parts sum exactly, none is negative, each is within one fen of its
// exact share, and the result does not depend on anything but the inputs.
func TestAllocateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		n := 1 + rng.IntN(6)
		weights := make([]int64, n)
		var sum int64
		for j := range weights {
			if rng.IntN(5) > 0 {
				weights[j] = rng.Int64N(1_000_000_000)
			}
			sum += weights[j]
		}
		if sum == 0 {
			weights[0], sum = 1, 1
		}
		total := rng.Int64N(1 << 50)
		parts := Allocate(total, weights)
		var got int64
		for j, p := range parts {
			got += p
			exact := float64(total) * float64(weights[j]) / float64(sum)
			if p < 0 || math.Abs(float64(p)-exact) > 1+exact*1e-12 {
				t.Fatalf("Allocate(%d, %v)[%d] = %d, exact share %.3f", total, weights, j, p, exact)
			}
			if weights[j] == 0 && p != 0 {
				t.Fatalf("zero weight got %d", p)
			}
		}
		if got != total {
			t.Fatalf("Allocate(%d, %v) sums to %d", total, weights, got)
		}
	}
}

// Property: partial clawbacks telescope — however a release is refunded in
// pieces, each part is clawed back exactly once in total and never beyond.
func TestClawbackTelescopes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	inv := 5000
	terms := &Terms{PlatformFeeBps: 300, Brokers: []BrokerShare{{"k1", 150}, {"k2", 77}}, InventorShareBps: &inv}
	for i := 0; i < 2000; i++ {
		gross := 1 + rng.Int64N(10_000_000_00)
		orig := releaseSplit(gross, terms)
		var sum int64
		for _, p := range orig {
			sum += p
		}
		if sum != gross {
			t.Fatalf("release split of %d sums to %d", gross, sum)
		}
		var clawed [numParts]int64
		left := gross
		for left > 0 {
			r := 1 + rng.Int64N(left)
			sh := clawbackSplit(r, orig, clawed)
			var s int64
			for k := range sh {
				s += sh[k]
				clawed[k] += sh[k]
				if clawed[k] > orig[k] || sh[k] < 0 {
					t.Fatalf("part %d clawed %d of %d", k, clawed[k], orig[k])
				}
			}
			if s != r {
				t.Fatalf("clawback of %d sums to %d", r, s)
			}
			left -= r
		}
		if clawed != orig {
			t.Fatalf("after a full refund clawed %v, released %v", clawed, orig)
		}
	}
}
