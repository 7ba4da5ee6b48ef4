package eval

import (
	"os"
	"testing"

	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// BenchmarkPruning times block-max MaxScore against plain MaxScore on the
// same 50,000 synthetic documents (kppatent-zh word distribution) with the
// same queries, one after the other in one process, so the comparison holds
// on a busy machine. It needs the data set in ../shared/data:
//
//	go test ./internal/search/eval -run XXX -bench Pruning
func BenchmarkPruning(b *testing.B) {
	const dir = "../../../../shared/data/kppatent-zh/"
	if _, err := os.Stat(dir + "corpus.jsonl"); err != nil {
		b.Skip("kppatent-zh not available")
	}
	real, err := ReadCorpus(dir + "corpus.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	realQueries, err := ReadQueries(dir + "queries.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	an, err := textproc.New(textproc.Options{Bigrams: true})
	if err != nil {
		b.Fatal(err)
	}
	synth := NewSynth(real, an)
	x, err := search.New(search.Options{Analyzer: an})
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]search.Doc, 50000)
	for i := range docs {
		docs[i] = synth.Doc(i)
	}
	if err := x.UpsertMany(docs); err != nil {
		b.Fatal(err)
	}
	short, full := SampleQueries(realQueries, 500)
	for _, set := range []struct {
		name string
		qs   []string
	}{{"short", short}, {"full", full}} {
		for _, mode := range []string{"maxscore", "blockmax"} {
			b.Run(set.name+"/"+mode, func(b *testing.B) {
				candidates := 0
				for i := 0; b.Loop(); i++ {
					res, err := x.Search(search.Query{Text: set.qs[i%len(set.qs)], K: 10, NoBlockMax: mode == "maxscore"})
					if err != nil {
						b.Fatal(err)
					}
					candidates += res.Candidates
				}
				b.ReportMetric(float64(candidates)/float64(b.N), "candidates/op")
			})
		}
	}
}

// BenchmarkBuild times a bulk build of 50,000 synthetic documents (the
// kppatent-zh word distribution) in batches of 20,000, as a rebuild does:
//
//	go test ./internal/search/eval -run XXX -bench Build -cpuprofile cpu.out
func BenchmarkBuild(b *testing.B) {
	const dir = "../../../../shared/data/kppatent-zh/"
	if _, err := os.Stat(dir + "corpus.jsonl"); err != nil {
		b.Skip("kppatent-zh not available")
	}
	real, err := ReadCorpus(dir + "corpus.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	an, err := textproc.New(textproc.Options{Bigrams: true})
	if err != nil {
		b.Fatal(err)
	}
	synth := NewSynth(real, an)
	docs := make([]search.Doc, 50000)
	for i := range docs {
		docs[i] = synth.Doc(i)
	}
	for b.Loop() {
		x, err := search.New(search.Options{Analyzer: an})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(docs); i += 20000 {
			if err := x.UpsertMany(docs[i:min(i+20000, len(docs))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
