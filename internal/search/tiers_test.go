package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// withTiers makes short lists tiered for the duration of a test.
func withTiers(t *testing.T, min, highMin, highDiv int) {
	t.Helper()
	oldMin, oldHighMin, oldHighDiv := tierMin, tierHighMin, tierHighDiv
	tierMin, tierHighMin, tierHighDiv = min, highMin, highDiv
	t.Cleanup(func() { tierMin, tierHighMin, tierHighDiv = oldMin, oldHighMin, oldHighDiv })
}

// tieredCorpus builds the same random corpus into two indexes: one whose
// lists are tiered from tierMin postings, one with no tiers. Bulk loads, live
// upserts (routed to the existing tiers), replacements and deletes are mixed.
func tieredCorpus(t *testing.T, seed uint64, n int, compact bool) (tiered, plain *Index, rng *rand.Rand) {
	t.Helper()
	build := func(tierMin int) *Index {
		withTiers(t, tierMin, 3, 16)
		rng = rand.New(rand.NewPCG(seed, 7))
		x, err := New(Options{KeepDocTerms: true})
		if err != nil {
			t.Fatal(err)
		}
		fields := []string{"EI", "NM", "NE", "BIO"}
		doc := func(i int) Doc {
			d := Doc{ID: fmt.Sprintf("d%d", i), Body: randomText(rng, 5+rng.IntN(60), 400), Kind: "achievement"}
			if rng.IntN(3) == 0 {
				d.Title = randomText(rng, 3, 400)
			}
			if rng.IntN(2) == 0 {
				d.Kind = "need"
			}
			d.Features = Features{Fields: []string{fields[rng.IntN(len(fields))]}, TRL: rng.IntN(10),
				PriceFen: int64(rng.IntN(100)) * 100000, Region: []string{"320100", "320200", "110100", ""}[rng.IntN(4)]}
			return d
		}
		var batch []Doc
		for i := 0; i < n; i++ {
			if i%3 == 0 {
				// Live write between bulk loads.
				if err := x.Upsert(doc(i)); err != nil {
					t.Fatal(err)
				}
				continue
			}
			batch = append(batch, doc(i))
			if len(batch) == 400 {
				if err := x.UpsertMany(batch); err != nil {
					t.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		if err := x.UpsertMany(batch); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n/5; i++ {
			id := fmt.Sprintf("d%d", rng.IntN(n))
			switch rng.IntN(3) {
			case 0:
				x.Delete(id)
			case 1:
				x.Upsert(Doc{ID: id, Body: randomText(rng, 1+rng.IntN(40), 400)})
			default:
				x.Upsert(Doc{ID: fmt.Sprintf("new%d", i), Title: randomText(rng, 2, 50), Body: randomText(rng, 3, 400)})
			}
		}
		if compact {
			x.mu.Lock()
			x.compact()
			x.mu.Unlock()
		}
		return x
	}
	plain = build(1 << 30)
	tiered = build(40)
	return tiered, plain, rng
}

// TestTiersPrunedEqualsExhaustive checks on indexes where most common terms
// are tiered that pruning returns exactly the exhaustive top k, and that both
// equal the untiered index (same ids, same scores, same explanations).
func TestTiersPrunedEqualsExhaustive(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		x, plain, rng := tieredCorpus(t, seed, 3000, seed == 3)
		st := x.Stats()
		if st.TieredTerms < 50 || st.HighTierPostings == 0 {
			t.Fatalf("seed %d: only %d tiered terms, %d high postings", seed, st.TieredTerms, st.HighTierPostings)
		}
		if ps := plain.Stats(); ps.Postings != st.Postings || ps.Docs != st.Docs || ps.TieredTerms != 0 {
			t.Fatalf("seed %d: stats tiered %+v, untiered %+v", seed, st, ps)
		}
		pruned := 0
		for qi := 0; qi < 300; qi++ {
			var q Query
			switch qi % 3 {
			case 0: // one common term
				q = Query{Text: fmt.Sprintf("w%d", 1+rng.IntN(20))}
			case 1: // a few terms in one phrase
				q = Query{Text: randomText(rng, 1+rng.IntN(4), 60)}
			default: // several phrases
				var phrases []string
				for p := 0; p < 1+rng.IntN(4); p++ {
					phrases = append(phrases, randomText(rng, 1+rng.IntN(3), 400))
				}
				q = Query{Text: strings.Join(phrases, ", ")}
			}
			q.K = 1 + rng.IntN(20)
			q.AllPhrases = rng.IntN(4) == 0
			q.NoBlockMax = rng.IntN(4) == 0
			q.Explain = rng.IntN(3) == 0
			if rng.IntN(4) == 0 {
				q.Profile = &Features{Fields: []string{"EI"}, TRL: 5, BudgetMaxFen: 5000000, Region: "320100"}
			}
			if rng.IntN(5) == 0 {
				q.Filter = Filter{Kind: "achievement", MinTRL: 3}
			}
			if rng.IntN(5) == 0 {
				q.Feedback = []Judgment{{DocID: fmt.Sprintf("d%d", rng.IntN(3000)), Relevant: true}}
			}
			got, err := x.Search(q)
			if err != nil {
				t.Fatal(err)
			}
			untiered, _ := plain.Search(q)
			q.Exhaustive = true
			full, _ := x.Search(q)
			if fmt.Sprint(got.Hits) != fmt.Sprint(full.Hits) {
				t.Fatalf("seed %d query %+v:\npruned     %v\nexhaustive %v", seed, q, got.Hits, full.Hits)
			}
			if fmt.Sprint(got.Hits) != fmt.Sprint(untiered.Hits) {
				t.Fatalf("seed %d query %+v:\ntiered   %v\nuntiered %v", seed, q, got.Hits, untiered.Hits)
			}
			if got.Candidates < full.Candidates {
				pruned++
			}
		}
		if pruned == 0 {
			t.Errorf("seed %d: pruning never skipped a candidate", seed)
		}
		t.Logf("seed %d: %d tiered terms, %d of %d postings in high tiers; %d of 300 queries pruned", seed,
			st.TieredTerms, st.HighTierPostings, st.Postings, pruned)
	}
}

// TestTiersSkipLowTier checks that a one-term query on a tiered list scores
// far fewer documents than the list holds.
func TestTiersSkipLowTier(t *testing.T) {
	withTiers(t, 256, 16, 64)
	rng := rand.New(rand.NewPCG(4, 4))
	x, _ := New(Options{})
	docs := make([]Doc, 4000)
	for i := range docs {
		docs[i] = Doc{ID: fmt.Sprintf("d%d", i), Body: "common " + randomText(rng, 5+rng.IntN(80), 400)}
		if rng.IntN(10) == 0 {
			docs[i].Body += " common common"
		}
	}
	if err := x.UpsertMany(docs); err != nil {
		t.Fatal(err)
	}
	q := Query{Text: "common", K: 10}
	res, _ := x.Search(q)
	q.Exhaustive = true
	full, _ := x.Search(q)
	if fmt.Sprint(res.Hits) != fmt.Sprint(full.Hits) {
		t.Fatalf("pruned %v, exhaustive %v", res.Hits, full.Hits)
	}
	t.Logf("one-term query: %d of %d documents scored; %+v", res.Candidates, full.Candidates, x.Stats())
	if res.Candidates*5 > full.Candidates {
		t.Errorf("tiered one-term query scored %d of %d documents", res.Candidates, full.Candidates)
	}
}

func TestFrontier(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for round := 0; round < 200; round++ {
		var f frontier
		var pts []frontStep
		for i := 0; i < 1+rng.IntN(50); i++ {
			p := frontStep{uint8(1 + rng.IntN(8)), uint32(1 + rng.IntN(30))}
			pts = append(pts, p)
			f.add(p.tf, p.len)
		}
		for i := 1; i < len(f); i++ {
			if f[i].tf >= f[i-1].tf || f[i].len >= f[i-1].len {
				t.Fatalf("frontier not strictly descending: %v", f)
			}
		}
		for _, p := range pts {
			if !slices.ContainsFunc(f, func(s frontStep) bool { return s.tf >= p.tf && s.len <= p.len }) {
				t.Fatalf("point %v not covered by %v", p, f)
			}
		}
		for _, s := range f {
			if !slices.Contains(pts, s) {
				t.Fatalf("step %v is not a posting", s)
			}
		}
	}
}

func TestTiersPersistence(t *testing.T) {
	withTiers(t, 40, 3, 16)
	dir := t.TempDir()
	x, err := New(Options{Dir: dir, KeepDocTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var docs []Doc
	for i := 0; i < 1500; i++ {
		docs = append(docs, Doc{ID: fmt.Sprintf("d%d", i), Body: randomText(rng, 30, 200)})
	}
	if err := x.UpsertMany(docs); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		x.Upsert(Doc{ID: fmt.Sprintf("d%d", rng.IntN(2000)), Body: randomText(rng, 10, 200)})
	}
	x.Delete("d7")
	if x.Stats().TieredTerms == 0 {
		t.Fatal("nothing tiered")
	}
	queries := []Query{{Text: "w1"}, {Text: "w1 w5 w17", K: 20}, {Text: "w2, w3 w40", K: 5, Explain: true}}
	want := make([]Results, len(queries))
	for i, q := range queries {
		want[i], _ = x.Search(q)
	}
	wantStats := x.Stats()
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y, err := New(Options{Dir: dir, KeepDocTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		got, _ := y.Search(q)
		if fmt.Sprint(got.Hits) != fmt.Sprint(want[i].Hits) {
			t.Fatalf("after reopen query %d: %v, want %v", i, got.Hits, want[i].Hits)
		}
	}
	if st := y.Stats(); st.Postings != wantStats.Postings || st.Docs != wantStats.Docs || st.TieredTerms == 0 {
		t.Errorf("stats after reopen %+v, before %+v", st, wantStats)
	}
}

func TestKthLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for round := 0; round < 500; round++ {
		n := 1 + rng.IntN(300)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(1 + rng.IntN(50))) // many ties
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		k := 1 + rng.IntN(n)
		if got, want := kthLargest(slices.Clone(v), k), sorted[n-k]; got != want {
			t.Fatalf("kthLargest(%v, %d) = %v, want %v", v, k, got, want)
		}
	}
}
