package eval

import "math"

// Metrics are the averaged scores of one system over a query set. The JSON keys
// are the ones `techmarket eval match --json` prints.
type Metrics struct {
	NDCG10    float64 `json:"ndcg@10"`
	MRR10     float64 `json:"mrr@10"`
	Recall1   float64 `json:"recall@1"`
	Recall10  float64 `json:"recall@10"`
	Recall100 float64 `json:"recall@100"`
	Queries   int     `json:"-"` // queries with at least one relevant document
}

// Run maps query id → ranked document ids, best first.
type Run map[string][]string

// Evaluate averages the metrics over every query that has at least one
// relevant document in qrels. A query missing from the run scores zero.
func Evaluate(run Run, qrels Qrels) Metrics {
	var m Metrics
	for qid, rels := range qrels {
		relevant := 0
		for _, g := range rels {
			if g > 0 {
				relevant++
			}
		}
		if relevant == 0 {
			continue
		}
		m.Queries++
		ranked := run[qid]
		m.NDCG10 += ndcg(ranked, rels, 10)
		m.MRR10 += reciprocalRank(ranked, rels, 10)
		m.Recall1 += recall(ranked, rels, relevant, 1)
		m.Recall10 += recall(ranked, rels, relevant, 10)
		m.Recall100 += recall(ranked, rels, relevant, 100)
	}
	if m.Queries > 0 {
		n := float64(m.Queries)
		m.NDCG10 /= n
		m.MRR10 /= n
		m.Recall1 /= n
		m.Recall10 /= n
		m.Recall100 /= n
	}
	return m
}

// ndcg uses the graded gain 2^rel − 1 and a log2 discount, as trec_eval and BEIR do.
func ndcg(ranked []string, rels map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ranked[:min(k, len(ranked))] {
		if g := rels[id]; g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i)+2)
		}
	}
	var gains []int
	for _, g := range rels {
		if g > 0 {
			gains = append(gains, g)
		}
	}
	// Ideal order: highest grades first (tiny lists; insertion sort).
	for i := 1; i < len(gains); i++ {
		for j := i; j > 0 && gains[j] > gains[j-1]; j-- {
			gains[j], gains[j-1] = gains[j-1], gains[j]
		}
	}
	idcg := 0.0
	for i, g := range gains[:min(k, len(gains))] {
		idcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i)+2)
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

func reciprocalRank(ranked []string, rels map[string]int, k int) float64 {
	for i, id := range ranked[:min(k, len(ranked))] {
		if rels[id] > 0 {
			return 1 / float64(i+1)
		}
	}
	return 0
}

func recall(ranked []string, rels map[string]int, relevant, k int) float64 {
	found := 0
	for _, id := range ranked[:min(k, len(ranked))] {
		if rels[id] > 0 {
			found++
		}
	}
	return float64(found) / float64(relevant)
}
