// Package valuation values a technology listing and scores it.
//
// It is pure computation: no database, no clock, no network. The caller passes an
// Input (the API form, JSON-tagged) and gets a Result that says which method was
// chosen and why, the value range (P10/P50/P90 in fen from a seeded Monte Carlo
// simulation), a tornado sensitivity, the comparables used and an indicator score
// with the structure of GB/T 42748-2023 (legal, technical and economic value).
//
// The three approaches follow Chinese appraisal practice (资产评估执业准则—知识产权):
//
//   - income: relief-from-royalty or profit split with a share rate (分成率),
//     discounted over the shorter of the economic life and the remaining legal life,
//     scaled by a TRL-based probability of success;
//   - market: comparable closed deals adjusted for TRL, IP strength and time and
//     weighted by field, TRL distance, transfer mode and age;
//   - cost: replacement or reproduction cost plus a reasonable profit, less
//     technical ageing, functional and economic obsolescence.
//
// The indicator tree and its scenario weights are data (indicators.json, embedded
// and replaceable through LoadTree), not code. Accountability helpers compare
// valuations with realised prices; back-test helpers measure the indicator score
// against patent renewal depth.
//
// Money crosses every boundary as integer fen. Inside the simulation values are
// float64: a valuation is an estimate whose uncertainty is many orders of
// magnitude larger than float64 rounding, and the results are rounded to fen.
package valuation

import (
	_ "embed"
	"slices"
)

// ModelVersion identifies the valuation model so that a saved valuation can be
// re-run, or at least explained, after the model changes.
const ModelVersion = "techmarket-valuation/1"

// exampleInputJSON is a complete, realistic input: the CLI prints it as a
// template and the tests run it.
//
//go:embed example_input.json
var exampleInputJSON []byte

// ExampleInputJSON returns a complete example input to start from.
func ExampleInputJSON() []byte { return slices.Clone(exampleInputJSON) }
