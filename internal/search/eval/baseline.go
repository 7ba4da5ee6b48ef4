package eval

import (
	"container/heap"
	"math"
	"sort"
)

// BM25 is the plain baseline: one bag of terms per document (title and text
// together, no field weights), Lucene's BM25 formula, exhaustive scoring. It is
// fed the same terms as the engine so that the comparison isolates the method.
type BM25 struct {
	K1, B    float64
	ids      []string
	docLen   []float64
	avgLen   float64
	postings map[string][]bm25Posting
}

type bm25Posting struct {
	doc int32
	tf  float32
}

// NewBM25 indexes documents given as term lists; ids[i] names terms[i].
func NewBM25(ids []string, terms [][]string, k1, b float64) *BM25 {
	x := &BM25{K1: k1, B: b, ids: ids, docLen: make([]float64, len(ids)), postings: map[string][]bm25Posting{}}
	total := 0.0
	for d, ts := range terms {
		counts := map[string]int{}
		for _, t := range ts {
			counts[t]++
		}
		for t, c := range counts {
			x.postings[t] = append(x.postings[t], bm25Posting{int32(d), float32(c)})
		}
		x.docLen[d] = float64(len(ts))
		total += float64(len(ts))
	}
	if len(ids) > 0 {
		x.avgLen = total / float64(len(ids))
	}
	return x
}

// IDF is Lucene's BM25 idf, always positive.
func IDF(n, df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }

// Search returns the ids of the k best documents for a query given as terms;
// a repeated query term counts once per occurrence.
func (x *BM25) Search(query []string, k int) []string {
	qtf := map[string]int{}
	for _, t := range query {
		qtf[t]++
	}
	scores := map[int32]float64{}
	n := float64(len(x.ids))
	for t, q := range qtf {
		ps := x.postings[t]
		if len(ps) == 0 {
			continue
		}
		idf := IDF(n, float64(len(ps)))
		for _, p := range ps {
			tf := float64(p.tf)
			norm := x.K1 * (1 - x.B + x.B*x.docLen[p.doc]/x.avgLen)
			scores[p.doc] += float64(q) * idf * tf * (x.K1 + 1) / (tf + norm)
		}
	}
	return topK(scores, x.ids, k)
}

type scored struct {
	doc   int32
	score float64
}

// minHeap keeps the k best; ties are broken by document order so results are
// deterministic.
type minHeap []scored

func (h minHeap) Len() int { return len(h) }
func (h minHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].doc > h[j].doc
}
func (h minHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)   { *h = append(*h, x.(scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func topK(scores map[int32]float64, ids []string, k int) []string {
	h := make(minHeap, 0, k+1)
	for d, s := range scores {
		e := scored{d, s}
		if len(h) < k {
			heap.Push(&h, e)
		} else if s > h[0].score || (s == h[0].score && d < h[0].doc) {
			h[0] = e
			heap.Fix(&h, 0)
		}
	}
	sort.Slice(h, func(i, j int) bool { return !h.Less(i, j) })
	out := make([]string, len(h))
	for i, e := range h {
		out[i] = ids[e.doc]
	}
	return out
}

// BM25Grid is the (k1, b) grid the baseline is tuned over.
var BM25Grid = struct{ K1, B []float64 }{
	K1: []float64{0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 3.0},
	B:  []float64{0.2, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0},
}

// TuneBM25 picks the (k1, b) with the best MRR@10 on the given queries and
// qrels. Tuning the baseline on the very queries it is scored on flatters it;
// that is deliberate, so the engine's margin is not inflated by a weak baseline.
func TuneBM25(ids []string, docTerms [][]string, queries []Query, queryTerms [][]string, qrels Qrels) (tuned *BM25, bestRun Run, bestM Metrics) {
	var bestK1, bestB float64
	bestScore := -1.0
	x := NewBM25(ids, docTerms, 0, 0)
	for _, k1 := range BM25Grid.K1 {
		for _, b := range BM25Grid.B {
			x.K1, x.B = k1, b
			run := Run{}
			for i, q := range queries {
				run[q.ID] = x.Search(queryTerms[i], 100)
			}
			m := Evaluate(run, qrels)
			if m.MRR10 > bestScore {
				bestK1, bestB, bestRun, bestM, bestScore = k1, b, run, m, m.MRR10
			}
		}
	}
	x.K1, x.B = bestK1, bestB
	return x, bestRun, bestM
}
