package eval

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// Temporary experiment harness (EXP=scope:skipdf,...); not part of the tree.
func TestExperimentBigrams(t *testing.T) {
	spec := os.Getenv("EXP")
	if spec == "" {
		t.Skip()
	}
	const root = "../../../../shared/data/"
	type set struct{ name, qrels string }
	for _, ds := range []set{{"kppatent-zh", "train.tsv"}, {"xling-patents", "test.tsv"}} {
		docs, err := ReadCorpus(root + ds.name + "/corpus.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		qs, _ := ReadQueries(root + ds.name + "/queries.jsonl")
		rels, _ := ReadQrels(root + ds.name + "/qrels/" + ds.qrels)
		for _, v := range strings.Split(spec, ",") {
			parts := strings.Split(v, ":")
			scope, _ := strconv.Atoi(parts[0])
			skip, _ := strconv.Atoi(parts[1])
			share, _ := strconv.ParseFloat(parts[2], 64)
			an, err := textproc.New(textproc.Options{Bigrams: true, BigramScope: scope})
			if err != nil {
				t.Fatal(err)
			}
			sc := search.DefaultScoring
			sc.BigramSkipMinDF, sc.BigramSkipShare = skip, share
			x, _ := search.New(search.Options{Analyzer: an, Scoring: &sc})
			sdocs := make([]search.Doc, len(docs))
			for i, d := range docs {
				sdocs[i] = search.Doc{ID: d.ID, Title: d.Title, Body: d.Text}
				if d.Title == "" && d.Text == "" {
					sdocs[i].Body = " "
				}
			}
			x.UpsertMany(sdocs)
			run, err := runEngine(x, qs)
			if err != nil {
				t.Fatal(err)
			}
			m := Evaluate(run, rels)
			st := x.Stats()
			fmt.Printf("%s scope=%d skipdf=%d share=%g: MRR@10 %.4f nDCG@10 %.4f R@10 %.4f R@100 %.4f terms %d postings %d\n",
				ds.name, scope, skip, share, m.MRR10, m.NDCG10, m.Recall10, m.Recall100, st.Terms, st.Postings)
		}
	}
}

func TestExperimentSpeed(t *testing.T) {
	spec := os.Getenv("EXPB")
	if spec == "" {
		t.Skip()
	}
	nDocs, _ := strconv.Atoi(os.Getenv("EXPN"))
	const dir = "../../../../shared/data/kppatent-zh/"
	real, _ := ReadCorpus(dir + "corpus.jsonl")
	realQueries, _ := ReadQueries(dir + "queries.jsonl")
	an0, _ := textproc.New(textproc.Options{Bigrams: true})
	synth := NewSynth(real, an0)
	docs := make([]search.Doc, nDocs)
	for i := range docs {
		docs[i] = synth.Doc(i)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var short, full []string
	for len(short) < 2000 {
		q := realQueries[rng.IntN(len(realQueries))]
		kps := strings.Fields(q.Text)
		if len(kps) == 0 {
			continue
		}
		rng.Shuffle(len(kps), func(i, j int) { kps[i], kps[j] = kps[j], kps[i] })
		short = append(short, strings.Join(kps[:min(len(kps), 1+rng.IntN(4))], " "))
		full = append(full, q.Text)
	}
	for _, v := range strings.Split(spec, ",") {
		parts := strings.Split(v, ":")
		scope, _ := strconv.Atoi(parts[0])
		skip, _ := strconv.Atoi(parts[1])
		share, _ := strconv.ParseFloat(parts[2], 64)
		an, _ := textproc.New(textproc.Options{Bigrams: true, BigramScope: scope})
		sc := search.DefaultScoring
		sc.BigramSkipMinDF, sc.BigramSkipShare = skip, share
		x, _ := search.New(search.Options{Analyzer: an, Scoring: &sc})
		t0 := time.Now()
		for i := 0; i < len(docs); i += 20000 {
			x.UpsertMany(docs[i:min(i+20000, len(docs))])
		}
		build := time.Since(t0)
		runtime.GC()
		for _, c := range []struct {
			name string
			qs   []string
		}{{"short", short}, {"full", full}} {
			for _, nb := range []bool{false, true} {
				lat := make([]float64, 0, len(c.qs))
				cands := 0
				for _, q := range c.qs {
					s := time.Now()
					res, _ := x.Search(search.Query{Text: q, K: 10, NoBlockMax: nb})
					lat = append(lat, float64(time.Since(s).Microseconds())/1000)
					cands += res.Candidates
				}
				sort.Float64s(lat)
				sum := 0.0
				for _, l := range lat {
					sum += l
				}
				fmt.Printf("%s n=%d build %.1fs %s noblockmax=%v: p50 %.3f p99 %.3f mean %.3f cand %.0f\n", v, nDocs, build.Seconds(), c.name, nb,
					lat[len(lat)/2], lat[len(lat)*99/100], sum/float64(len(lat)), float64(cands)/float64(len(lat)))
			}
		}
		st := x.Stats()
		fmt.Printf("%s terms %d postings %d\n", v, st.Terms, st.Postings)
	}
}
