package ledger

import (
	"math/bits"
	"sort"
)

// BpsWhole is 100% in basis points.
const BpsWhole = 10000

// Allocate splits total fen into parts proportional to weights, exactly: the
// parts always sum to total. The rule (largest remainder, also called Hamilton's
// method):
//
//  1. each part first gets floor(total × weight / Σweights);
//  2. the fen left over (fewer than the number of parts) go one each to the
//     parts with the largest remainders (total × weight mod Σweights);
//  3. equal remainders are broken by position: the earlier part wins.
//
// No part differs from its exact share by a whole fen or more, and a zero weight
// always gets zero. total and weights must be ≥ 0 and Σweights > 0 unless total
// is 0. The arithmetic is 128-bit, so any int64 amounts are safe.
func Allocate(total int64, weights []int64) []int64 {
	parts := make([]int64, len(weights))
	if total <= 0 || len(weights) == 0 {
		return parts
	}
	var sum uint64
	for _, w := range weights {
		if w > 0 {
			sum += uint64(w)
		}
	}
	if sum == 0 {
		panic("ledger.Allocate: weights sum to zero")
	}
	type rem struct {
		i int
		r uint64
	}
	rems := make([]rem, 0, len(weights))
	var given int64
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(total), uint64(w))
		q, r := bits.Div64(hi, lo, sum) // hi < sum because w ≤ sum, so no overflow
		parts[i] = int64(q)
		given += int64(q)
		rems = append(rems, rem{i, r})
	}
	left := total - given
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; left > 0; k++ {
		parts[rems[k].i]++
		left--
	}
	return parts
}

// Part indexes of a release split, in posting order.
const (
	partPlatformFee = 0
	partBroker1     = 1
	partBroker2     = 2
	partInventors   = 3
	partSeller      = 4
	numParts        = 5
)

// releaseSplit divides a gross amount paid to the seller side (a milestone
// release or a royalty payment) in two documented steps:
//
//  1. gross → platform fee, each broker's commission, seller's net income:
//     Allocate(gross, [fee bps, broker bps…, 10000 − Σ]);
//  2. net income → inventors' reward pool, seller:
//     Allocate(net, [inventor bps, 10000 − inventor bps]).
//
// Both steps sum exactly, so the five parts sum to gross.
func releaseSplit(gross int64, t *Terms) [numParts]int64 {
	var out [numParts]int64
	weights := []int64{int64(t.PlatformFeeBps), 0, 0, 0}
	rest := int64(BpsWhole - t.PlatformFeeBps)
	for i, b := range t.Brokers {
		weights[1+i] = int64(b.CommissionBps)
		rest -= int64(b.CommissionBps)
	}
	weights[3] = rest
	first := Allocate(gross, weights)
	out[partPlatformFee], out[partBroker1], out[partBroker2] = first[0], first[1], first[2]
	net := first[3]
	inv := int64(t.inventorShareBps())
	second := Allocate(net, []int64{inv, BpsWhole - inv})
	out[partInventors], out[partSeller] = second[0], second[1]
	return out
}

// clawbackSplit divides a refund of released money over the parts that have
// not yet been clawed back, in proportion to those remaining parts. Using the
// remaining parts (not the original ones) makes successive partial refunds
// telescope: after the whole release is refunded, every part has been clawed
// back exactly, and no part is ever clawed back beyond what it received.
func clawbackSplit(refund int64, original, clawed [numParts]int64) [numParts]int64 {
	remaining := make([]int64, numParts)
	for i := range remaining {
		remaining[i] = original[i] - clawed[i]
	}
	shares := Allocate(refund, remaining)
	var out [numParts]int64
	copy(out[:], shares)
	return out
}
