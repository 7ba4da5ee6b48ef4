package search

import (
	"math"
	"sort"
	"strings"
)

// clause is one query term resolved against the index: a single posting list,
// or for a translation several lists treated as one term (their frequencies
// add up, the rarest-list idf is replaced by the most common member's, as in
// Pirkola's structured query translation).
type clause struct {
	qt      queryTerm
	members []cursor
	idfW    float64 // query weight × idf
	ub      float64 // bound on the clause's share of any final score
	doc     uint32  // smallest current document over members

	// Block-max bound cache: blockUB bounds the clause's share for every
	// document up to blockUntil (the end of the first member block to end).
	blockUB    float64
	blockUntil uint32
	blockValid bool
}

func (c *clause) reset() {
	c.doc = endDoc
	c.blockValid = false
	for i := range c.members {
		c.members[i].reset(c.members[i].list)
		c.doc = min(c.doc, c.members[i].doc)
	}
}

func (c *clause) next() {
	d := c.doc
	c.doc = endDoc
	for i := range c.members {
		m := &c.members[i]
		if m.doc == d {
			m.next()
		}
		c.doc = min(c.doc, m.doc)
	}
}

func (c *clause) seek(t uint32) {
	if c.doc >= t {
		return
	}
	c.doc = endDoc
	for i := range c.members {
		m := &c.members[i]
		m.seek(t)
		c.doc = min(c.doc, m.doc)
	}
}

func (c *clause) tf() float64 {
	tf := 0
	for i := range c.members {
		if c.members[i].doc == c.doc {
			tf += int(c.members[i].tf())
		}
	}
	return float64(tf)
}

// hitHeap is a min-heap of the k best (score, doc) pairs; on equal scores the
// earlier document ranks higher.
type hitHeap []scoredDoc

type scoredDoc struct {
	doc   uint32
	score float64
	text  float64
}

func worse(a, b scoredDoc) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.doc > b.doc
}

func (h hitHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h hitHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && worse(h[r], h[l]) {
			m = r
		}
		if !worse(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// searcher is the state of one retrieval.
type searcher struct {
	x       *Index
	q       *Query
	clauses []clause
	phrases int
	prof    *profile
	fb      feedbackPlan
	bound   float64 // largest multiplier factors and feedback can give
	k1, b   float64
	avgLen  float64
	exclude map[uint32]bool

	contrib []float64 // per clause, for the current candidate
	phr     []float64 // per phrase sums, scratch
	heap    hitHeap
	scored  int
}

// Search ranks documents for q.
func (x *Index) Search(q Query) (Results, error) {
	if err := q.validate(); err != nil {
		return Results{}, err
	}
	if q.K == 0 {
		q.K = 10
	}
	terms := x.plan(&q)
	x.mu.RLock()
	defer x.mu.RUnlock()
	s := x.newSearcher(&q, terms)
	if len(s.clauses) == 0 || x.live == 0 {
		return Results{Hits: []Hit{}}, nil
	}
	s.run()
	return s.results(), nil
}

func (x *Index) newSearcher(q *Query, terms []queryTerm) *searcher {
	phrases := 0
	for _, t := range terms {
		phrases = max(phrases, t.phrase+1)
	}
	fb, extra := x.planFeedback(q, terms, phrases)
	if len(extra) > 0 {
		terms = append(terms, extra...)
		phrases++
	}
	s := &searcher{
		x: x, q: q, phrases: phrases, fb: fb,
		k1: x.scoring.K1, b: x.scoring.B,
		avgLen: float64(x.totalLen) / float64(max(x.live, 1)),
	}
	if s.avgLen == 0 {
		s.avgLen = 1 // every document empty of words: keep the length norm finite
	}
	s.prof = newProfile(q.Profile, fb.weights)
	s.bound = 1
	if s.prof != nil {
		s.bound = fb.weights.maxBoost()
	}
	for _, share := range fb.pair {
		if share > 0 {
			s.bound += RelevantBoost
			break
		}
	}
	if len(q.Filter.ExcludeIDs) > 0 {
		s.exclude = map[uint32]bool{}
		for _, id := range q.Filter.ExcludeIDs {
			if n, ok := x.byID[id]; ok {
				s.exclude[n] = true
			}
		}
	}
	N := float64(max(x.live, 1))
	for _, t := range terms {
		c := clause{qt: t}
		df, maxTF, minLen := 0, 0, uint32(math.MaxUint32)
		for _, term := range t.terms {
			id, ok := x.termIDs[term]
			if !ok {
				continue
			}
			p := x.lists[id]
			c.members = append(c.members, cursor{list: p})
			df = max(df, p.count)
			maxTF += int(p.maxTF)
			minLen = min(minLen, p.minLen)
		}
		if len(c.members) == 0 {
			continue
		}
		c.idfW = t.weight * idf(N, df)
		// Bound at the largest frequency and the shortest document of the
		// lists (a translation's frequencies add up).
		c.ub = s.clauseBound(&c, maxTF, minLen)
		s.clauses = append(s.clauses, c)
	}
	sort.SliceStable(s.clauses, func(i, j int) bool { return s.clauses[i].ub < s.clauses[j].ub })
	s.contrib = make([]float64, len(s.clauses))
	s.phr = make([]float64, phrases)
	return s
}

// idf is Lucene's BM25 idf. Document frequencies count postings of deleted
// and replaced documents until compaction, so df can exceed the live count;
// clamping keeps the idf positive, which the pruning bounds rely on.
func idf(n float64, df int) float64 {
	d := min(float64(df), n)
	return math.Log(1 + (n-d+0.5)/(d+0.5))
}

// accept applies the filter to document n.
func (s *searcher) accept(n uint32) bool {
	x := s.x
	if !x.isAlive(n) || s.exclude[n] {
		return false
	}
	f := &s.q.Filter
	m := &x.meta[n]
	switch f.Kind {
	case "achievement":
		if m.kind != 1 {
			return false
		}
	case "need":
		if m.kind != 2 {
			return false
		}
	}
	if len(f.Fields) > 0 && fieldBits(f.Fields)&m.fields == 0 {
		return false
	}
	if f.RegionPrefix != "" {
		code := ""
		if m.region != 0 {
			code = itoa(int(m.region))
		}
		if !strings.HasPrefix(code, f.RegionPrefix) {
			return false
		}
	}
	if f.MinTRL > 0 && int(m.trl) < f.MinTRL {
		return false
	}
	if f.MaxPriceFen > 0 && m.kind == 1 && m.priceLo > f.MaxPriceFen {
		return false
	}
	return true
}

// bm25 is the clause score for term frequency tf in document n.
func (s *searcher) bm25(c *clause, tf float64, n uint32) float64 {
	norm := s.k1 * (1 - s.b + s.b*float64(s.x.docLen[n])/s.avgLen)
	return c.idfW * tf * (s.k1 + 1) / (tf + norm)
}

// clauseBound bounds the clause's share of a final score for any document
// with frequency ≤ maxTF and length ≥ minLen: its BM25 there, saturated as if
// it were alone in its phrase (saturation is subadditive), times the largest
// multiplier.
func (s *searcher) clauseBound(c *clause, maxTF int, minLen uint32) float64 {
	if maxTF == 0 {
		return 0
	}
	tf := float64(maxTF)
	norm := s.k1 * (1 - s.b + s.b*float64(minLen)/s.avgLen)
	return s.x.scoring.saturate(c.idfW*tf*(s.k1+1)/(tf+norm)) * s.bound
}

// blockBound bounds the clause's share for every document from d up to the
// returned last document, using the per-block maxima of its members' lists.
// d must not decrease between resets.
func (s *searcher) blockBound(c *clause, d uint32) (bound float64, last uint32) {
	if c.blockValid && d <= c.blockUntil {
		return c.blockUB, c.blockUntil
	}
	maxTF, minLen, last := 0, uint32(math.MaxUint32), endDoc
	for i := range c.members {
		tf, l, end := c.members[i].blockBound(d)
		if tf == 0 {
			continue
		}
		maxTF += int(tf)
		minLen = min(minLen, l)
		last = min(last, end)
	}
	c.blockUB, c.blockUntil, c.blockValid = s.clauseBound(c, maxTF, minLen), last, true
	return c.blockUB, last
}

// finalScore combines the contributions in s.contrib (clause order, so the
// arithmetic is the same with and without pruning) into the text score and
// the multiplied score.
func (s *searcher) finalScore(n uint32, explain bool, factors *[]Factor) (score, text float64) {
	clear(s.phr)
	for i := range s.clauses {
		if v := s.contrib[i]; v != 0 {
			s.phr[s.clauses[i].qt.phrase] += v
		}
	}
	for _, v := range s.phr {
		if v != 0 {
			text += s.x.scoring.saturate(v)
		}
	}
	mult := 1.0
	if s.prof != nil {
		mult += s.x.factors(s.prof, &s.x.meta[n], explain, factors)
	}
	if share, ok := s.fb.pair[n]; ok {
		mult += share
		if explain {
			d := "judged relevant"
			if share < 0 {
				d = "judged not relevant"
			}
			*factors = append(*factors, Factor{Name: "feedback", Multiplier: share, Detail: d})
		}
	}
	mult = max(mult, minMultiplier)
	return text * mult, text
}

// matchesAllPhrases reports whether every query phrase has a contribution in
// s.contrib. Rejecting a document never raises the k-th score, so the pruning
// bounds stay valid.
func (s *searcher) matchesAllPhrases() bool {
	clear(s.phr)
	for i := range s.clauses {
		if s.contrib[i] != 0 {
			s.phr[s.clauses[i].qt.phrase] = 1
		}
	}
	for _, v := range s.phr {
		if v == 0 {
			return false
		}
	}
	return true
}

// slack absorbs floating-point differences between a bound and the exact
// score so that pruning never drops a document that would have entered.
const slack = 1 + 1e-9

// run is block-max MaxScore (Turtle & Flood 1995, with the block bounds of
// Ding & Suel 2011 as used by Mallia et al. 2019). Clauses are sorted by
// upper bound; the low ones whose bounds together cannot beat the current
// k-th score are "non-essential" and only probed, highest bound first, for
// documents found through the others. A candidate whose essential score plus
// the list-wide bounds of the non-essential clauses could still make the
// heap is checked again with the bounds of the blocks that would hold it
// (read from the block directories, nothing decoded) before any
// non-essential block is decoded.
//
// A range-skipping variant (skip every document up to the end of the first
// essential block to end when the essential block bounds cannot reach the
// k-th score) was measured slower on kppatent-like data: the bounds rarely
// fail on every essential list at once, and checking them costs on every
// candidate.
func (s *searcher) run() {
	cs := s.clauses
	n := len(cs)
	prefix := make([]float64, n)
	blockPrefix := make([]float64, n) // block bounds of clauses 0..i at the current candidate
	acc := 0.0
	for i := range cs {
		acc += cs[i].ub
		prefix[i] = acc
		cs[i].reset()
	}
	k := s.q.K
	s.heap = make(hitHeap, 0, k)
	theta := math.Inf(-1)
	firstEssential := 0
	// run only decides pruning, so it may overestimate: it uses a bound on
	// the saturation without the logarithm, which was 30 % of query time.
	sat := s.x.scoring.saturateBound
	for {
		// Candidate: the smallest document among the essential clauses.
		d := endDoc
		for i := firstEssential; i < n; i++ {
			d = min(d, cs[i].doc)
		}
		if d == endDoc {
			break
		}
		if !s.accept(d) {
			for i := firstEssential; i < n; i++ {
				if cs[i].doc == d {
					cs[i].next()
				}
			}
			continue
		}
		blockMax := !s.q.NoBlockMax && !math.IsInf(theta, -1)
		clear(s.contrib)
		run := 0.0
		for i := firstEssential; i < n; i++ {
			if cs[i].doc == d {
				v := s.bm25(&cs[i], cs[i].tf(), d)
				s.contrib[i] = v
				if firstEssential > 0 { // run is only read to prune before probing
					run += sat(v) * s.bound
				}
				cs[i].next()
			}
		}
		// Probe the non-essential clauses, highest bound first. bounds[i] is
		// the sum of the bounds of clauses 0..i: list-wide, or, once those
		// fail to prune a candidate, the tighter bounds of the blocks that
		// would hold d.
		bounds := prefix
		pruned := false
		for i := firstEssential - 1; i >= 0; i-- {
			if (run+bounds[i])*slack < theta {
				pruned = true
				break
			}
			if blockMax && i == firstEssential-1 {
				acc := 0.0
				for j := 0; j < firstEssential; j++ {
					b, _ := s.blockBound(&cs[j], d)
					acc += b
					blockPrefix[j] = acc
				}
				bounds = blockPrefix
				if (run+bounds[i])*slack < theta {
					pruned = true
					break
				}
			}
			cs[i].seek(d)
			if cs[i].doc == d {
				v := s.bm25(&cs[i], cs[i].tf(), d)
				s.contrib[i] = v
				run += sat(v) * s.bound
			}
		}
		if pruned || (s.q.AllPhrases && !s.matchesAllPhrases()) {
			continue
		}
		s.scored++
		score, text := s.finalScore(d, false, nil)
		e := scoredDoc{doc: d, score: score, text: text}
		if len(s.heap) < k {
			s.heap = append(s.heap, e)
			s.heap.up(len(s.heap) - 1)
		} else if worse(s.heap[0], e) {
			s.heap[0] = e
			s.heap.down(0)
		} else {
			continue
		}
		if len(s.heap) == k && !s.q.Exhaustive {
			theta = s.heap[0].score
			for firstEssential < n && prefix[firstEssential]*slack < theta {
				firstEssential++
			}
		}
	}
}

// results orders the heap and builds the explanations.
func (s *searcher) results() Results {
	h := s.heap
	sort.Slice(h, func(i, j int) bool { return worse(h[j], h[i]) })
	res := Results{Hits: make([]Hit, len(h)), Candidates: s.scored}
	for i, e := range h {
		hit := Hit{ID: s.x.ids[e.doc], Score: e.score, TextScore: e.text}
		if s.q.Explain {
			s.explain(e.doc, &hit)
		}
		res.Hits[i] = hit
	}
	return res
}

// explain recomputes the per-term contributions and factors of one hit.
func (s *searcher) explain(d uint32, hit *Hit) {
	clear(s.contrib)
	for i := range s.clauses {
		c := &s.clauses[i]
		c.reset()
		c.seek(d)
		if c.doc != d {
			continue
		}
		v := s.bm25(c, c.tf(), d)
		s.contrib[i] = v
		hit.Terms = append(hit.Terms, MatchedTerm{Term: strings.Join(c.qt.terms, "|"), Source: c.qt.source, Score: v})
	}
	sort.SliceStable(hit.Terms, func(i, j int) bool { return hit.Terms[i].Score > hit.Terms[j].Score })
	_, text := s.finalScore(d, true, &hit.Factors)
	for i := range hit.Factors {
		hit.Factors[i].Points = text * hit.Factors[i].Multiplier
	}
}
