package search

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

// randomWord draws from a Zipf-like vocabulary of alphanumeric tokens, which
// the analyzer keeps verbatim (no stemming for tokens with digits).
func randomWord(rng *rand.Rand, vocab int) string {
	r := int(math.Floor(math.Pow(float64(vocab), rng.Float64())))
	return fmt.Sprintf("w%d", r)
}

func randomText(rng *rand.Rand, n, vocab int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = randomWord(rng, vocab)
	}
	return strings.Join(words, " ")
}

func randomCorpus(t *testing.T, seed uint64, n int) (*Index, *rand.Rand) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	x, err := New(Options{KeepDocTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	fields := []string{"EI", "NM", "NE", "BIO"}
	for i := 0; i < n; i++ {
		d := Doc{ID: fmt.Sprintf("d%d", i), Body: randomText(rng, 5+rng.IntN(60), 400), Kind: "achievement"}
		if rng.IntN(3) == 0 {
			d.Title = randomText(rng, 3, 400)
		}
		if rng.IntN(2) == 0 {
			d.Kind = "need"
		}
		d.Features = Features{
			Fields: []string{fields[rng.IntN(len(fields))]}, TRL: rng.IntN(10),
			IPC:           []string{[]string{"H01M10/052", "H01M4/13", "G06F16/30", "C01B32/184"}[rng.IntN(4)]},
			TransferModes: []string{"transfer", "licence_ordinary"}[rng.IntN(2):], PriceFen: int64(rng.IntN(100)) * 100000,
			Region: []string{"320100", "320200", "110100", ""}[rng.IntN(4)],
		}
		if err := x.Upsert(d); err != nil {
			t.Fatal(err)
		}
	}
	// Updates and deletes leave dead postings behind, which pruning must skip.
	for i := 0; i < n/10; i++ {
		id := fmt.Sprintf("d%d", rng.IntN(n))
		if rng.IntN(2) == 0 {
			x.Delete(id)
		} else {
			x.Upsert(Doc{ID: id, Body: randomText(rng, 20, 400)})
		}
	}
	return x, rng
}

func TestPrunedEqualsExhaustive(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		x, rng := randomCorpus(t, seed, 3000)
		for qi := 0; qi < 150; qi++ {
			// Phrases separated by commas exercise the per-phrase saturation.
			var phrases []string
			for p := 0; p < 1+rng.IntN(4); p++ {
				phrases = append(phrases, randomText(rng, 1+rng.IntN(3), 400))
			}
			q := Query{Text: strings.Join(phrases, ", "), K: 1 + rng.IntN(30), AllPhrases: rng.IntN(3) == 0}
			if rng.IntN(3) == 0 {
				q.Profile = &Features{Fields: []string{"EI"}, TRL: 5, IPC: []string{"H01M10/052"}, BudgetMaxFen: 5000000, Region: "320100"}
			}
			if rng.IntN(4) == 0 {
				q.Filter = Filter{Kind: "achievement", MinTRL: 3}
			}
			if rng.IntN(4) == 0 {
				q.Feedback = []Judgment{{DocID: fmt.Sprintf("d%d", rng.IntN(3000)), Relevant: true},
					{DocID: fmt.Sprintf("d%d", rng.IntN(3000)), Reason: ReasonTooExpensive}}
			}
			pruned, err := x.Search(q)
			if err != nil {
				t.Fatal(err)
			}
			q.Exhaustive = true
			full, err := x.Search(q)
			if err != nil {
				t.Fatal(err)
			}
			if len(pruned.Hits) != len(full.Hits) {
				t.Fatalf("seed %d query %q: %d pruned hits vs %d exhaustive", seed, q.Text, len(pruned.Hits), len(full.Hits))
			}
			for i := range full.Hits {
				if pruned.Hits[i].ID != full.Hits[i].ID || pruned.Hits[i].Score != full.Hits[i].Score {
					t.Fatalf("seed %d query %q rank %d: pruned %s %.12g, exhaustive %s %.12g", seed, q.Text, i,
						pruned.Hits[i].ID, pruned.Hits[i].Score, full.Hits[i].ID, full.Hits[i].Score)
				}
			}
			if pruned.Candidates > full.Candidates {
				t.Fatalf("pruning scored more candidates (%d) than exhaustive (%d)", pruned.Candidates, full.Candidates)
			}
		}
	}
}

func TestAllPhrasesRequiresEveryPhrase(t *testing.T) {
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Doc{
		{ID: "both", Title: "锂电池正极材料", Body: "一种锂电池正极材料及其制备方法"},
		{ID: "battery", Title: "锂电池管理系统", Body: "电池组均衡"},
		{ID: "cathode-en", Title: "Cathode material for lithium batteries", Body: "A lithium battery cathode"},
		{ID: "other", Title: "除雪车", Body: "道路除雪装置"},
	} {
		if err := x.Upsert(d); err != nil {
			t.Fatal(err)
		}
	}
	any, _ := x.Search(Query{Text: "锂电池 正极", K: 10})
	all, _ := x.Search(Query{Text: "锂电池 正极", K: 10, AllPhrases: true})
	if len(any.Hits) <= len(all.Hits) {
		t.Fatalf("AllPhrases should drop partial matches: %v vs %v", ids(any), ids(all))
	}
	got := map[string]bool{}
	for _, h := range all.Hits {
		got[h.ID] = true
	}
	if !got["both"] || got["battery"] || got["other"] {
		t.Errorf("AllPhrases hits %v: want the document with both phrases only (and translations)", ids(all))
	}
}

func TestPruningSkipsWork(t *testing.T) {
	x, _ := randomCorpus(t, 9, 3000)
	q := Query{Text: "w1 w2 w3 w350 w399", K: 5}
	pruned, _ := x.Search(q)
	q.Exhaustive = true
	full, _ := x.Search(q)
	if pruned.Candidates*2 > full.Candidates {
		t.Errorf("pruned search scored %d of %d candidates; expected far fewer", pruned.Candidates, full.Candidates)
	}
}

func ids(r Results) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchChineseWithExplanation(t *testing.T) {
	x, _ := New(Options{})
	docs := []Doc{
		{ID: "a", Kind: "achievement", Title: "石墨烯锂离子电池负极材料", Body: "本发明涉及一种石墨烯复合负极材料及其制备方法。"},
		{ID: "b", Kind: "achievement", Title: "智能除雪车", Body: "一种用于道路的扫雪装置，包括滚刷和融雪剂喷洒系统。"},
		{ID: "c", Kind: "need", Title: "寻求硅片清洗技术", Body: "我公司需要晶圆表面颗粒清洗工艺。"},
	}
	if err := x.UpsertMany(docs); err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(Query{Text: "扫雪设备", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) == 0 || got[0] != "b" {
		t.Fatalf("扫雪设备 → %v, want b first (除雪/扫雪 are synonyms)", got)
	}
	if len(res.Hits[0].Terms) == 0 || res.Hits[0].Terms[0].Term != "除雪" {
		t.Errorf("explanation terms = %+v", res.Hits[0].Terms)
	}
	res, _ = x.Search(Query{Text: "晶圆清洗", Filter: Filter{Kind: "need"}})
	if got := ids(res); !slices.Equal(got, []string{"c"}) {
		t.Errorf("晶圆清洗 needs → %v, want [c]", got)
	}
}

func TestCrossLanguage(t *testing.T) {
	x, _ := New(Options{})
	x.Upsert(Doc{ID: "en1", Title: "Soil moisture sensor for potted plants", Body: "A watering device with a microprocessor and a humidity sensor."})
	x.Upsert(Doc{ID: "en2", Title: "Lithium battery recycling", Body: "Recovering cobalt from spent batteries."})
	x.Upsert(Doc{ID: "zh1", Title: "土壤湿度传感器", Body: "一种盆栽植物浇水装置。"})
	res, _ := x.Search(Query{Text: "土壤水分传感器"})
	if got := ids(res); len(got) < 2 || !slices.Contains(got[:2], "en1") {
		t.Errorf("Chinese query → %v, want en1 among the first two", got)
	}
	res, _ = x.Search(Query{Text: "humidity sensor", NoCrossLanguage: false})
	if got := ids(res); !slices.Contains(got, "zh1") {
		t.Errorf("English query → %v, want zh1 found", got)
	}
	res, _ = x.Search(Query{Text: "土壤水分传感器", NoCrossLanguage: true})
	if got := ids(res); slices.Contains(got, "en1") {
		t.Errorf("with cross-language off, English doc still found: %v", got)
	}
}

func TestCompatibilityFactorsReorder(t *testing.T) {
	x, _ := New(Options{})
	body := "一种锂离子电池正极材料的制备方法"
	x.Upsert(Doc{ID: "fit", Kind: "achievement", Body: body, Features: Features{Fields: []string{"NE"}, TRL: 7, PriceFen: 100_000_00, TransferModes: []string{"transfer"}, Region: "320100", IPC: []string{"H01M4/13"}}})
	x.Upsert(Doc{ID: "misfit", Kind: "achievement", Body: body, Features: Features{Fields: []string{"BIO"}, TRL: 2, PriceFen: 900_000_00, TransferModes: []string{"equity"}, Region: "110100"}})
	need := &Features{Fields: []string{"NE"}, TRL: 6, BudgetMinFen: 50_000_00, BudgetMaxFen: 200_000_00, TransferModes: []string{"transfer"}, Region: "320100", IPC: []string{"H01M4/62"}}
	res, err := x.Search(Query{Text: "锂离子电池正极材料", Profile: need, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []string{"fit", "misfit"}) {
		t.Fatalf("order %v", got)
	}
	if res.Hits[0].TextScore != res.Hits[1].TextScore {
		t.Errorf("same text should score the same: %v vs %v", res.Hits[0].TextScore, res.Hits[1].TextScore)
	}
	names := map[string]bool{}
	for _, f := range res.Hits[0].Factors {
		names[f.Name] = f.Multiplier > 0
	}
	for _, n := range []string{"field", "ipc_subclass", "trl", "transfer_mode", "price", "region"} {
		if !names[n] {
			t.Errorf("fit hit lacks positive factor %s: %+v", n, res.Hits[0].Factors)
		}
	}
}

func TestFeedbackImprovesRanking(t *testing.T) {
	// Three documents about cleaning, one relevant to the need. The first query
	// ranks an off-topic one first; judging it not relevant and one related
	// listing relevant must bring the other related, unjudged listing up.
	x, _ := New(Options{KeepDocTerms: true})
	x.UpsertMany([]Doc{
		{ID: "carwash", Body: "清洗 清洗 清洗 汽车 泡沫 喷枪"},
		{ID: "wafer1", Body: "清洗 晶圆 颗粒 兆声 去离子水"},
		{ID: "wafer2", Body: "兆声 去离子水 颗粒 去除 工艺"},
		{ID: "dish", Body: "清洗 餐具 洗碗机"},
	})
	q := Query{Text: "清洗", K: 4}
	before, _ := x.Search(q)
	rank := func(r Results, id string) int { return slices.Index(ids(r), id) }
	if rank(before, "wafer2") != -1 {
		t.Fatalf("wafer2 should not match 清洗 before feedback: %v", ids(before))
	}
	q.Feedback = []Judgment{{DocID: "carwash", Reason: ReasonOffTopic}, {DocID: "wafer1", Relevant: true}}
	after, err := x.Search(q)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(after); got[0] != "wafer1" || rank(after, "wafer2") < 0 || rank(after, "wafer2") > rank(after, "dish") ||
		rank(after, "carwash") != len(got)-1 {
		t.Errorf("after feedback %v: want wafer1 first, wafer2 found above dish, carwash last", got)
	}
}

func TestValidation(t *testing.T) {
	x, _ := New(Options{})
	err := x.Upsert(Doc{ID: "", Kind: "gadget", Features: Features{TRL: 12, Fields: []string{"XX"}, Region: "999999"}})
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("err = %v", err)
	}
	fields := map[string]bool{}
	for _, f := range apperr.FieldsOf(err) {
		fields[f.Field] = true
	}
	for _, f := range []string{"id", "kind", "title", "features.trl", "features.fields[0]", "features.region"} {
		if !fields[f] {
			t.Errorf("missing field error %s in %v", f, err)
		}
	}
	if _, err := x.Search(Query{Text: "x", K: 5000}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("k=5000: %v", err)
	}
}

func TestPersistenceRoundTrip(t *testing.T) {
	dir := t.TempDir()
	x, err := New(Options{Dir: dir, KeepDocTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 500; i++ {
		x.Upsert(Doc{ID: fmt.Sprintf("d%d", i), Kind: "achievement", Title: "石墨烯", Body: randomText(rng, 30, 200),
			Features: Features{TRL: 1 + i%9, Region: "320100", IPC: []string{"H01M10/052"}}})
	}
	x.Delete("d7")
	queries := []Query{{Text: "w1 w5 w17"}, {Text: "石墨烯 w3", Profile: &Features{TRL: 5, Region: "320100", IPC: []string{"H01M10/1"}}}}
	want := make([]Results, len(queries))
	for i, q := range queries {
		want[i], _ = x.Search(q)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	// Writes after the snapshot live only in the log; the process "crashes"
	// (no Close) and the next open must replay them.
	y, err := New(Options{Dir: dir, KeepDocTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		got, _ := y.Search(q)
		if !slices.Equal(ids(got), ids(want[i])) {
			t.Fatalf("after reopen query %d: %v, want %v", i, ids(got), ids(want[i]))
		}
	}
	y.Upsert(Doc{ID: "late", Body: "zzlateword"})
	y.Delete("d8")
	z, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := z.Search(Query{Text: "zzlateword"}); !slices.Equal(ids(r), []string{"late"}) {
		t.Errorf("log replay lost an upsert: %v", ids(r))
	}
	if z.Stats().Docs != 499-1+1 {
		t.Errorf("docs after replay = %d", z.Stats().Docs)
	}
}

func TestDamagedSnapshotAsksForRebuild(t *testing.T) {
	dir := t.TempDir()
	x, _ := New(Options{Dir: dir})
	x.Upsert(Doc{ID: "a", Body: "text"})
	x.Close()
	if err := truncateFile(dir+"/"+snapName, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Dir: dir}); !errors.Is(err, ErrRebuild) {
		t.Fatalf("err = %v, want ErrRebuild", err)
	}
}

func TestConcurrentUpdatesAndSearches(t *testing.T) {
	x, _ := New(Options{})
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 9))
			for i := 0; i < 1500; i++ {
				id := fmt.Sprintf("d%d", rng.IntN(500))
				if i%7 == 0 {
					x.Delete(id)
				} else {
					x.Upsert(Doc{ID: id, Body: randomText(rng, 20, 100)})
				}
			}
		}(w)
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 10))
			for i := 0; i < 800; i++ {
				res, err := x.Search(Query{Text: randomText(rng, 3, 100), K: 10})
				if err != nil {
					t.Error(err)
					return
				}
				for j := 1; j < len(res.Hits); j++ {
					if res.Hits[j].Score > res.Hits[j-1].Score {
						t.Errorf("hits out of order")
						return
					}
				}
			}
		}(r)
	}
	wg.Wait()
	// A document is searchable as soon as Upsert returns.
	x.Upsert(Doc{ID: "fresh", Body: "zzfreshword"})
	if r, _ := x.Search(Query{Text: "zzfreshword"}); !slices.Equal(ids(r), []string{"fresh"}) {
		t.Errorf("fresh doc not visible: %v", ids(r))
	}
}

func TestCompactionKeepsResults(t *testing.T) {
	x, rng := randomCorpus(t, 5, 2000)
	for i := 0; i < 1500; i++ {
		x.Delete(fmt.Sprintf("d%d", rng.IntN(2000)))
	}
	q := Query{Text: "w2 w9, w40", K: 20}
	x.mu.Lock()
	x.compact()
	x.mu.Unlock()
	after, _ := x.Search(q)
	q.Exhaustive = true
	full, _ := x.Search(q)
	if !slices.Equal(ids(after), ids(full)) || x.Stats().DeletedSlots != 0 {
		t.Errorf("after compaction %v vs %v", ids(after), ids(full))
	}
}

func truncateFile(path string, size int64) error { return osTruncate(path, size) }

// TestSaturateBound checks that the pruning's cheap saturation never falls
// below the real one, which exact pruning relies on.
func TestSaturateBound(t *testing.T) {
	s := DefaultScoring
	for v := 0.0; v < 1000; v = v*1.01 + 1e-6 {
		if b, e := s.saturateBound(v), s.saturate(v); b < e {
			t.Fatalf("saturateBound(%g) = %g < saturate = %g", v, b, e)
		}
	}
}
