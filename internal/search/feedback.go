package search

import (
	"sort"

	"github.com/techmarket-org/techmarket/internal/textproc"
)

// Judgment is a user's verdict on one result of a need (saved search). The
// caller stores judgments with the need and passes them back with every later
// query for it; the engine keeps no per-user state.
//
// They change the ranking three ways:
//   - the judged listing itself: relevant ones are lifted (×(1+RelevantBoost)),
//     not-relevant ones pushed to the bottom;
//   - the query: terms that distinguish the listings judged relevant are added
//     as an extra phrase (Rocchio expansion), so similar unjudged listings rise;
//   - the factors: a reason code doubles the weight of the matching structured
//     factor (too_expensive → price), so other listings with the same defect
//     sink too.
type Judgment struct {
	DocID    string `json:"doc_id"`
	Relevant bool   `json:"relevant"`
	Reason   string `json:"reason,omitempty"`
}

// Reason codes for not-relevant judgments.
const (
	ReasonOffTopic          = "off_topic"
	ReasonWrongField        = "wrong_field"
	ReasonTRLTooLow         = "trl_too_low"
	ReasonTooExpensive      = "too_expensive"
	ReasonWrongRegion       = "wrong_region"
	ReasonWrongTransferMode = "wrong_transfer_mode"
	ReasonAlreadyKnown      = "already_known"
)

func knownReason(r string) bool {
	switch r {
	case ReasonOffTopic, ReasonWrongField, ReasonTRLTooLow, ReasonTooExpensive, ReasonWrongRegion,
		ReasonWrongTransferMode, ReasonAlreadyKnown:
		return true
	}
	return false
}

const (
	// RelevantBoost lifts a listing judged relevant.
	RelevantBoost = 0.5
	// notRelevantShare pushes a listing judged not relevant to the floor.
	notRelevantShare = -1.0
	// feedbackTerms is how many terms of the relevant listings join the query.
	feedbackTerms = 12
	// feedbackWeight is the query weight of each such term.
	feedbackWeight = 0.4
)

// feedbackPlan is the part of a search that judgments change.
type feedbackPlan struct {
	pair    map[uint32]float64 // document number → factor share
	weights factorWeights
}

// planFeedback resolves judgments against the index. Caller holds the read
// lock. It returns the extra query terms from relevant listings.
func (x *Index) planFeedback(q *Query, existing []queryTerm, phrase int) (feedbackPlan, []queryTerm) {
	fp := feedbackPlan{weights: baseFactorWeights}
	if len(q.Feedback) == 0 {
		return fp, nil
	}
	fp.pair = map[uint32]float64{}
	var relevantDocs []uint32
	for _, j := range q.Feedback {
		n, ok := x.byID[j.DocID]
		if j.Relevant {
			if ok {
				fp.pair[n] = RelevantBoost
				relevantDocs = append(relevantDocs, n)
			}
			continue
		}
		if ok {
			fp.pair[n] = notRelevantShare
		}
		switch j.Reason {
		case ReasonWrongField:
			fp.weights.field *= 2
		case ReasonTRLTooLow:
			fp.weights.trl *= 2
		case ReasonTooExpensive:
			fp.weights.price *= 2
		case ReasonWrongRegion:
			fp.weights.region *= 3
		case ReasonWrongTransferMode:
			fp.weights.mode *= 2
		}
	}
	if x.docTerms == nil || len(relevantDocs) == 0 {
		return fp, nil
	}
	// Rocchio: score each term of the relevant listings by how many of them
	// contain it times its idf, skip terms the query already has.
	have := map[string]bool{}
	for _, t := range existing {
		for _, s := range t.terms {
			have[s] = true
		}
	}
	count := map[uint32]int{}
	for _, n := range relevantDocs {
		for _, id := range x.docTerms[n] {
			count[id]++
		}
	}
	type cand struct {
		id    uint32
		score float64
	}
	var cands []cand
	N := float64(max(x.live, 1))
	for id, c := range count {
		term := x.terms[id]
		if have[term] || len(term) > 0 && term[0] == textproc.BigramPrefix[0] {
			continue
		}
		cands = append(cands, cand{id, float64(c) * idf(N, x.lists[id].count)})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].id < cands[j].id
	})
	var extra []queryTerm
	for _, c := range cands[:min(feedbackTerms, len(cands))] {
		extra = append(extra, queryTerm{terms: []string{x.terms[c.id]}, weight: feedbackWeight, phrase: phrase, source: "feedback"})
	}
	return fp, extra
}
