package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestBlockMaxSkipsCandidates checks that the block bounds prune candidates
// plain MaxScore would have scored, with the same results.
func TestBlockMaxSkipsCandidates(t *testing.T) {
	x, rng := randomCorpus(t, 11, 3000)
	skipped := 0
	for qi := 0; qi < 100; qi++ {
		q := Query{Text: randomText(rng, 2+rng.IntN(5), 400), K: 1 + rng.IntN(10)}
		withBlocks, err := x.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		q.NoBlockMax = true
		plain, err := x.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(withBlocks.Hits) != fmt.Sprint(plain.Hits) {
			t.Fatalf("query %q: block-max %v, plain MaxScore %v", q.Text, withBlocks.Hits, plain.Hits)
		}
		if withBlocks.Candidates > plain.Candidates {
			t.Fatalf("query %q: block-max scored %d candidates, plain %d", q.Text, withBlocks.Candidates, plain.Candidates)
		}
		skipped += plain.Candidates - withBlocks.Candidates
	}
	if skipped == 0 {
		t.Error("block-max pruning never skipped a candidate")
	}
}

// BenchmarkSearch compares block-max MaxScore with plain MaxScore on a
// 100,000-document Zipf corpus: go test ./internal/search -run XXX -bench Search
func BenchmarkSearch(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 1))
	x, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]Doc, 100000)
	for i := range docs {
		docs[i] = Doc{ID: fmt.Sprintf("d%d", i), Body: randomText(rng, 20+rng.IntN(200), 50000)}
	}
	if err := x.UpsertMany(docs); err != nil {
		b.Fatal(err)
	}
	queries := make([]Query, 200)
	for i := range queries {
		var words []string
		for w := 0; w < 1+rng.IntN(4); w++ {
			words = append(words, randomWord(rng, 50000))
		}
		queries[i] = Query{Text: strings.Join(words, ", "), K: 10, NoCrossLanguage: true}
	}
	for _, on := range []bool{false, true} {
		name := "maxscore"
		if on {
			name = "blockmax"
		}
		b.Run(name, func(b *testing.B) {
			candidates := 0
			for i := 0; b.Loop(); i++ {
				q := queries[i%len(queries)]
				q.NoBlockMax = !on
				res, err := x.Search(q)
				if err != nil {
					b.Fatal(err)
				}
				candidates += res.Candidates
			}
			b.ReportMetric(float64(candidates)/float64(b.N), "candidates/op")
		})
	}
}
