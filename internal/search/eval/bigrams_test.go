package eval

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// TestBigramSelection compares the engine with every character bigram
// (textproc.Options.AllBigrams, the analyzer before revision 2) against the
// shipped selection (no bigram beside a word of the same two characters):
// quality on kppatent-zh and xling-patents, then, on EVAL_BIGRAMS synthetic
// documents, index size and single-thread latency. Both indexes live in one
// process and every query runs on one and then the other, so the comparison
// holds on a busy machine. It reads ../shared/data and only runs when asked:
//
//	EVAL_BIGRAMS=200000 go test ./internal/search/eval -run BigramSelection -v -timeout 30m
func TestBigramSelection(t *testing.T) {
	nDocs, _ := strconv.Atoi(os.Getenv("EVAL_BIGRAMS"))
	const root = "../../../../shared/data/"
	if nDocs <= 0 {
		t.Skip("set EVAL_BIGRAMS to the number of synthetic documents")
	}
	if _, err := os.Stat(root + "kppatent-zh/corpus.jsonl"); err != nil {
		t.Skip("kppatent-zh not available")
	}
	variants := []struct {
		name string
		opts textproc.Options
	}{{"all bigrams", textproc.Options{Bigrams: true, AllBigrams: true}}, {"selected", textproc.Options{Bigrams: true}}}
	ans := make([]*textproc.Analyzer, len(variants))
	for i, v := range variants {
		an, err := textproc.New(v.opts)
		if err != nil {
			t.Fatal(err)
		}
		ans[i] = an
	}
	for _, ds := range []struct{ name, qrels string }{{"kppatent-zh", "train.tsv"}, {"xling-patents", "test.tsv"}} {
		docs := mustRead(t, ReadCorpus, root+ds.name+"/corpus.jsonl")
		qs := mustRead(t, ReadQueries, root+ds.name+"/queries.jsonl")
		rels := mustRead(t, ReadQrels, root+ds.name+"/qrels/"+ds.qrels)
		for i, v := range variants {
			x, err := search.New(search.Options{Analyzer: ans[i]})
			if err != nil {
				t.Fatal(err)
			}
			sdocs := make([]search.Doc, len(docs))
			for j, d := range docs {
				sdocs[j] = search.Doc{ID: d.ID, Title: d.Title, Body: d.Text}
				if d.Title == "" && d.Text == "" {
					sdocs[j].Body = " "
				}
			}
			if err := x.UpsertMany(sdocs); err != nil {
				t.Fatal(err)
			}
			run, err := runEngine(x, qs)
			if err != nil {
				t.Fatal(err)
			}
			m := Evaluate(run, rels)
			t.Logf("%s, %s: MRR@10 %.4f nDCG@10 %.4f R@10 %.4f R@100 %.4f, %d postings",
				ds.name, v.name, m.MRR10, m.NDCG10, m.Recall10, m.Recall100, x.Stats().Postings)
		}
	}

	real := mustRead(t, ReadCorpus, root+"kppatent-zh/corpus.jsonl")
	realQueries := mustRead(t, ReadQueries, root+"kppatent-zh/queries.jsonl")
	synth := NewSynth(real, ans[0])
	docs := make([]search.Doc, nDocs)
	for i := range docs {
		docs[i] = synth.Doc(i)
	}
	short, full := SampleQueries(realQueries, 2000)
	xs := make([]*search.Index, len(variants))
	for i, v := range variants {
		x, err := search.New(search.Options{Analyzer: ans[i]})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		for j := 0; j < len(docs); j += 20000 {
			if err := x.UpsertMany(docs[j:min(j+20000, len(docs))]); err != nil {
				t.Fatal(err)
			}
		}
		st := x.Stats()
		t.Logf("%d docs, %s: build %.1f s, %d terms, %d postings (%.0f MiB)", nDocs, v.name,
			time.Since(t0).Seconds(), st.Terms, st.Postings, float64(st.PostingsBytes)/(1<<20))
		xs[i] = x
		runtime.GC()
	}
	for _, c := range []struct {
		name string
		qs   []string
	}{{"short", short}, {"full", full}} {
		lat := make([][]float64, len(xs))
		cands := make([]int, len(xs))
		for _, q := range c.qs {
			for i, x := range xs {
				s := time.Now()
				res, err := x.Search(search.Query{Text: q, K: 10})
				if err != nil {
					t.Fatal(err)
				}
				lat[i] = append(lat[i], float64(time.Since(s).Nanoseconds())/1e6)
				cands[i] += res.Candidates
			}
		}
		for i, v := range variants {
			l := lat[i]
			sort.Float64s(l)
			sum := 0.0
			for _, d := range l {
				sum += d
			}
			t.Logf("%s queries, %s: p50 %.3f ms, p99 %.3f ms, mean %.3f ms, %.0f candidates", c.name, v.name,
				l[len(l)/2], l[len(l)*99/100], sum/float64(len(l)), float64(cands[i])/float64(len(l)))
		}
	}
}

func mustRead[T any](t *testing.T, read func(string) (T, error), path string) T {
	t.Helper()
	v, err := read(path)
	if err != nil {
		t.Fatal(fmt.Errorf("%s: %w", path, err))
	}
	return v
}
