package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/search/eval"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

func init() {
	addCommand(func(*cobra.Command) { benchCmd.AddCommand(newBenchMatchCmd()) })
}

// matchBenchReport is what `bench match --json` prints.
type matchBenchReport struct {
	Docs            int                       `json:"docs"`
	BuildSeconds    float64                   `json:"build_seconds"`
	BuildDocsPerSec float64                   `json:"build_docs_per_sec"`
	HeapMiB         float64                   `json:"heap_mib"`
	Index           search.Stats              `json:"index"`
	Latency         map[string]latencySummary `json:"latency_ms"`
	QPS2Threads     float64                   `json:"qps_2_threads"`
	WhileIndexing   latencySummary            `json:"latency_while_indexing_ms"`
	IndexingRate    float64                   `json:"indexing_docs_per_sec_during_queries"`
	VisibleAfterMs  float64                   `json:"new_doc_visible_after_ms"`
}

type latencySummary struct {
	Queries int     `json:"queries"`
	P50     float64 `json:"p50"`
	P99     float64 `json:"p99"`
	Mean    float64 `json:"mean"`
}

func newBenchMatchCmd() *cobra.Command {
	var corpus, queries string
	var docs, nQueries int
	var seconds float64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "match",
		Short: "Build a synthetic index with a real corpus's word distribution and time searches",
		Long: `Generates --docs synthetic documents whose words follow the real corpus (each copies the
length of a real abstract and draws its words from it or from the corpus-wide distribution),
indexes them through the full analyzer on all cores, then reports build time, heap, single-thread
query latency (p50/p99) for short queries (1–4 keyphrases of a real query, the search-box case)
and full keyphrase lists (the matching case), throughput on 2 threads, latency while documents
are being indexed, and how soon a new document is visible. Progress goes to stderr.`,
		Example: `  techmarket bench match --docs 1000000 --corpus ../shared/data/kppatent-zh/corpus.jsonl \
    --queries ../shared/data/kppatent-zh/queries.jsonl`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := runMatchBench(corpus, queries, docs, nQueries, time.Duration(seconds*float64(time.Second)))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return json.NewEncoder(out).Encode(rep)
			}
			fmt.Fprintf(out, "docs %d: build %.1f s (%.0f docs/s), heap %.0f MiB, %d terms, %d postings (%.0f MiB)\n",
				rep.Docs, rep.BuildSeconds, rep.BuildDocsPerSec, rep.HeapMiB, rep.Index.Terms, rep.Index.Postings,
				float64(rep.Index.PostingsBytes)/(1<<20))
			classes := make([]string, 0, len(rep.Latency))
			for c := range rep.Latency {
				classes = append(classes, c)
			}
			sort.Strings(classes)
			for _, c := range classes {
				l := rep.Latency[c]
				fmt.Fprintf(out, "single thread, %-22s p50 %.3f ms  p99 %.3f ms  mean %.3f ms  (%d queries)\n", c, l.P50, l.P99, l.Mean, l.Queries)
			}
			fmt.Fprintf(out, "2 threads: %.0f queries/s (short queries)\n", rep.QPS2Threads)
			fmt.Fprintf(out, "while indexing %.0f docs/s: p50 %.3f ms  p99 %.3f ms\n", rep.IndexingRate, rep.WhileIndexing.P50, rep.WhileIndexing.P99)
			fmt.Fprintf(out, "new document visible after %.3f ms\n", rep.VisibleAfterMs)
			return nil
		},
	}
	cmd.Flags().StringVar(&corpus, "corpus", "../shared/data/kppatent-zh/corpus.jsonl", "real BEIR corpus whose word distribution the synthetic one follows")
	cmd.Flags().StringVar(&queries, "queries", "../shared/data/kppatent-zh/queries.jsonl", "real BEIR queries to sample query terms from")
	cmd.Flags().IntVar(&docs, "docs", 1_000_000, "number of synthetic documents")
	cmd.Flags().IntVar(&nQueries, "query-count", 2000, "timed queries per class")
	cmd.Flags().Float64Var(&seconds, "seconds", 5, "duration of the throughput and indexing phases")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func runMatchBench(corpusPath, queriesPath string, nDocs, nQueries int, phase time.Duration) (matchBenchReport, error) {
	logf := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench match: "+format+"\n", a...) }
	real, err := eval.ReadCorpus(corpusPath)
	if err != nil {
		return matchBenchReport{}, err
	}
	realQueries, err := eval.ReadQueries(queriesPath)
	if err != nil {
		return matchBenchReport{}, err
	}
	an, err := textproc.New(textproc.Options{Bigrams: true})
	if err != nil {
		return matchBenchReport{}, err
	}
	synth := eval.NewSynth(real, an)
	x, err := search.New(search.Options{Analyzer: an})
	if err != nil {
		return matchBenchReport{}, err
	}

	rep := matchBenchReport{Docs: nDocs, Latency: map[string]latencySummary{}}
	const batch = 20000
	start := time.Now()
	nextReport := nDocs / 20
	batchDocs := make([]search.Doc, 0, batch)
	for i := 0; i < nDocs; {
		batchDocs = batchDocs[:0]
		for ; i < nDocs && len(batchDocs) < batch; i++ {
			batchDocs = append(batchDocs, synth.Doc(i))
		}
		if err := x.UpsertMany(batchDocs); err != nil {
			return rep, err
		}
		if i >= nextReport || i == nDocs {
			el := time.Since(start).Seconds()
			logf("indexed %d/%d docs in %.0f s (%.0f docs/s)", i, nDocs, el, float64(i)/el)
			nextReport += nDocs / 20
		}
	}
	rep.BuildSeconds = time.Since(start).Seconds()
	rep.BuildDocsPerSec = float64(nDocs) / rep.BuildSeconds
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapMiB = float64(ms.HeapAlloc) / (1 << 20)
	rep.Index = x.Stats()

	short, full := eval.SampleQueries(realQueries, nQueries)
	logf("warming up")
	for _, q := range short[:min(200, len(short))] {
		x.Search(search.Query{Text: q, K: 10})
	}
	// The "plain MaxScore" classes run the same queries without the block-max
	// bounds, on the same index, to show what those bounds save.
	for _, c := range []struct {
		name       string
		qs         []string
		noBlockMax bool
	}{{"short(1-4kp)", short, false}, {"full-keyphrases", full, false},
		{"short, plain MaxScore", short, true}, {"full, plain MaxScore", full, true}} {
		logf("timing %d %s queries on one thread", len(c.qs), c.name)
		lat, err := timeQueries(x, c.qs, c.noBlockMax)
		if err != nil {
			return rep, err
		}
		rep.Latency[c.name] = summarise(lat)
	}

	logf("throughput on 2 threads for %v", phase)
	var done atomic.Int64
	deadline := time.Now().Add(phase)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; time.Now().Before(deadline); i += 2 {
				x.Search(search.Query{Text: short[i%len(short)], K: 10})
				done.Add(1)
			}
		}(w)
	}
	wg.Wait()
	rep.QPS2Threads = float64(done.Load()) / phase.Seconds()

	logf("latency while indexing for %v", phase)
	stop := make(chan struct{})
	var indexed atomic.Int64
	go func() {
		for i := nDocs; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			x.Upsert(synth.Doc(i))
			indexed.Add(1)
			time.Sleep(time.Millisecond) // a steady stream, not a saturating bulk load
		}
	}()
	t0 := time.Now()
	var lat []time.Duration
	for i := 0; time.Since(t0) < phase; i++ {
		s := time.Now()
		if _, err := x.Search(search.Query{Text: short[i%len(short)], K: 10}); err != nil {
			close(stop)
			return rep, err
		}
		lat = append(lat, time.Since(s))
	}
	close(stop)
	rep.IndexingRate = float64(indexed.Load()) / time.Since(t0).Seconds()
	rep.WhileIndexing = summarise(lat)

	marker := "zzbenchmarkerqx"
	s := time.Now()
	if err := x.Upsert(search.Doc{ID: "bench-visible", Body: marker + " 可见性检测"}); err != nil {
		return rep, err
	}
	res, err := x.Search(search.Query{Text: marker, K: 1})
	if err != nil || len(res.Hits) == 0 {
		return rep, fmt.Errorf("bench: new document not visible: %v", err)
	}
	rep.VisibleAfterMs = float64(time.Since(s).Microseconds()) / 1000
	return rep, nil
}

func timeQueries(x *search.Index, qs []string, noBlockMax bool) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		s := time.Now()
		if _, err := x.Search(search.Query{Text: q, K: 10, NoBlockMax: noBlockMax}); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(s))
	}
	return lat, nil
}

func summarise(lat []time.Duration) latencySummary {
	if len(lat) == 0 {
		return latencySummary{}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	ms := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
	return latencySummary{
		Queries: len(lat),
		P50:     ms(lat[len(lat)/2]),
		P99:     ms(lat[min(len(lat)-1, len(lat)*99/100)]),
		Mean:    ms(sum / time.Duration(len(lat))),
	}
}
