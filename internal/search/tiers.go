package search

// Impact tiers. A long posting list (at least tierMin postings) is kept as two
// disjoint lists, both in document order: a short high tier with the
// postings of the largest impact (the term's BM25 for that frequency and
// document length) and a low tier with the rest. A query uses them as two
// clauses of the same phrase; a document's contribution comes from whichever
// tier holds it, so scores are unchanged. The low tier's bound is computed
// from its frontier (for each frequency step, the shortest document among its
// postings with at least that frequency), which is exact for any average
// length and k1/b: once the k-th score passes it, MaxScore stops walking the
// low tier and only probes it for documents found through the high tiers.
//
// The list stored in Index.lists is the low tier; its blocks carry the tier
// (blocks.tier), which holds the high tier. Tiers are formed when a list
// reaches tierMin postings, again when it has doubled since (at the end of a
// bulk UpsertMany; on a single Upsert only while the list is short), when a
// snapshot is loaded and at compaction. Between those, a new posting goes to
// the high tier when its impact at the average length of the last tiering
// reaches that tiering's cut-off. Snapshots store each term's postings merged,
// as before tiers existed, and loading re-tiers them.

import (
	"slices"
	"unsafe"
)

// Tiering parameters; package variables so that tests can tier short lists.
var (
	// tierMin is the number of postings from which a list is tiered.
	tierMin = 4096
	// tierHighMin and tierHighDiv size the high tier: the top
	// max(tierHighMin, n/tierHighDiv) postings by impact.
	tierHighMin = 512
	tierHighDiv = 64
	// liveRetierMax bounds the lists a single Upsert re-tiers when they have
	// doubled (the work is done under the write lock).
	liveRetierMax = 1 << 18
)

// tier is the high tier of a list and what is needed to route new postings.
type tier struct {
	hi      *postingList
	loFront frontier
	hiFront frontier
	// Routing: a posting goes high when impact(tf, len) ≥ cut (> cut when
	// strict), with impact computed at the average length avg of the tiering.
	cut    float64
	strict bool
	k1     float64
	normA  float64 // k1·(1−b)
	normB  float64 // k1·b/avg
	next   int     // total postings at which the list is re-tiered
	queued bool    // already queued for re-tiering by the bulk path
}

func (t *tier) impact(tf uint8, length uint32) float64 {
	f := float64(tf)
	return f * (t.k1 + 1) / (f + t.normA + t.normB*float64(length))
}

func (t *tier) high(tf uint8, length uint32) bool {
	v := t.impact(tf, length)
	if t.strict {
		return v > t.cut
	}
	return v >= t.cut
}

// frontier holds the Pareto-optimal (frequency, length) pairs of a list's
// postings: by frequency descending, with lengths strictly descending. Every
// posting has a frontier step with at least its frequency and at most its
// length, so BM25 at the best step bounds every posting of the list.
type frontier []frontStep

type frontStep struct {
	tf  uint8
	len uint32
}

// add records a posting.
func (f *frontier) add(tf uint8, length uint32) {
	s := *f
	// Dominated by a step with tf' ≥ tf and len' ≤ length?
	i := 0
	for ; i < len(s) && s[i].tf > tf; i++ {
		if s[i].len <= length {
			return
		}
	}
	if i < len(s) && s[i].tf == tf && s[i].len <= length {
		return
	}
	// Steps from i on have tf' ≤ tf; those with len' ≥ length are dominated
	// by the new one, and they come first (lengths descend).
	j := i
	for j < len(s) && s[j].len >= length {
		j++
	}
	*f = slices.Replace(s, i, j, frontStep{tf, length})
}

// total is the number of postings of the term, over both tiers.
func (p *postingList) total() int {
	if t := p.blocks.tier; t != nil {
		return p.count + t.hi.count
	}
	return p.count
}

// wholeMaxTF and wholeMinLen are the list-wide bounds over both tiers.
func (p *postingList) wholeMaxTF() uint8 {
	if t := p.blocks.tier; t != nil {
		return max(p.maxTF, t.hi.maxTF)
	}
	return p.maxTF
}

func (p *postingList) wholeMinLen() uint32 {
	if t := p.blocks.tier; t != nil {
		if p.count == 0 {
			return t.hi.minLen
		}
		if t.hi.count == 0 {
			return p.minLen
		}
		return min(p.minLen, t.hi.minLen)
	}
	return p.minLen
}

// push appends a posting to the term, routing it to its tier. It reports
// whether the term is due for (re-)tiering.
func (p *postingList) push(doc uint32, tf uint8, length uint32) bool {
	t := p.blocks.tier
	if t == nil {
		p.add(doc, tf, length)
		return p.count == tierMin
	}
	if t.high(tf, length) {
		t.hi.add(doc, tf, length)
		t.hiFront.add(tf, length)
	} else {
		p.add(doc, tf, length)
		t.loFront.add(tf, length)
	}
	return p.count+t.hi.count >= t.next
}

// forEach calls fn for every posting of the term, both tiers merged, in
// document order.
func (p *postingList) forEach(fn func(doc uint32, tf uint8)) {
	var a, b cursor
	a.reset(p)
	if t := p.blocks.tier; t != nil {
		b.reset(t.hi)
	} else {
		b.doc = endDoc
	}
	for a.doc != endDoc || b.doc != endDoc {
		if a.doc < b.doc {
			fn(a.doc, a.tf())
			a.next()
		} else {
			fn(b.doc, b.tf())
			b.next()
		}
	}
}

// merged returns the term's postings as one untiered list.
func (p *postingList) merged(docLen []uint32) *postingList {
	if p.blocks.tier == nil {
		return p
	}
	m := emptyList()
	p.forEach(func(doc uint32, tf uint8) { m.add(doc, tf, docLen[doc]) })
	return &m
}

// avgLenLocked is the average weighted length of the live documents, as the
// search computes it. Caller holds the lock.
func (x *Index) avgLenLocked() float64 {
	avg := float64(x.totalLen) / float64(max(x.live, 1))
	if avg == 0 {
		avg = 1
	}
	return avg
}

// retier splits the term's postings into a high and a low tier (or leaves
// them in one list when there are fewer than tierMin). Caller holds the
// write lock, or owns the list during a bulk build.
func (x *Index) retier(p *postingList, avg float64) {
	n := p.total()
	if n < tierMin || n < 2 {
		if p.blocks.tier != nil {
			*p = *p.merged(x.docLen)
		}
		return
	}
	docs := make([]uint32, 0, n)
	tfs := make([]uint8, 0, n)
	maxDoc := uint32(0)
	p.forEach(func(doc uint32, tf uint8) {
		docs = append(docs, doc)
		tfs = append(tfs, tf)
		maxDoc = max(maxDoc, doc)
	})
	if int(maxDoc) >= len(x.docLen) {
		return // a damaged image: leave the list as it is
	}
	t := &tier{k1: x.scoring.K1, normA: x.scoring.K1 * (1 - x.scoring.B), normB: x.scoring.K1 * x.scoring.B / avg, next: 2 * n}
	imp := make([]float64, n)
	for i, d := range docs {
		imp[i] = t.impact(tfs[i], x.docLen[d])
	}
	h := min(max(tierHighMin, n/tierHighDiv), n/2)
	h = max(h, 1)
	scratch := slices.Clone(imp)
	t.cut = kthLargest(scratch, h)
	ge := 0
	for _, v := range imp {
		if v >= t.cut {
			ge++
		}
	}
	if ge > 2*h {
		// Many postings tie at the cut-off: keep the high tier short.
		t.strict = true
	}
	lo, hi := emptyList(), emptyList()
	for i, d := range docs {
		l := x.docLen[d]
		if t.strict && imp[i] > t.cut || !t.strict && imp[i] >= t.cut {
			hi.add(d, tfs[i], l)
			t.hiFront.add(tfs[i], l)
		} else {
			lo.add(d, tfs[i], l)
			t.loFront.add(tfs[i], l)
		}
	}
	if lo.blocks == &noBlocks {
		lo.blocks = &blocks{}
	}
	lo.blocks.tier = t
	t.hi = &hi
	*p = lo
}

// kthLargest returns the k-th largest value of v (1-based), reordering v.
func kthLargest(v []float64, k int) float64 {
	// Quickselect for index k-1 in descending order.
	lo, hi, want := 0, len(v)-1, k-1
	for lo < hi {
		pivot := v[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for v[i] > pivot {
				i++
			}
			for v[j] < pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case want <= j:
			hi = j
		case want >= i:
			lo = i
		default:
			return v[want]
		}
	}
	return v[want]
}

// frontBound is the clause's bound over the postings summarised by f.
func (s *searcher) frontBound(c *clause, f frontier) float64 {
	best := 0.0
	for _, st := range f {
		tf := float64(st.tf)
		norm := s.k1 * (1 - s.b + s.b*float64(st.len)/s.avgLen)
		best = max(best, c.idfW*tf*(s.k1+1)/(tf+norm))
	}
	if best == 0 {
		return 0
	}
	return s.x.scoring.saturate(best) * s.bound
}

// sizeBytes estimates the memory held by the tier beyond the low list.
func (t *tier) sizeBytes() int {
	return t.hi.sizeBytes() + int(unsafe.Sizeof(frontStep{}))*(cap(t.loFront)+cap(t.hiFront)) + int(unsafe.Sizeof(*t))
}
