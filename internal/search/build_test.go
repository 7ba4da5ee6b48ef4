package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// zhWords are run together without spaces, so the segmenter, the inner
// words and the bigrams across word boundaries all take part.
var zhWords = strings.Fields(`锂离子电池 电池 纳米涂层 涂层 激光雷达 传感器 石墨烯 充电 储能 光伏 组件 复合材料
	离子 电解液 正极 负极 隔膜 除雪 扫雪 机器人 视觉 检测 芯片 晶圆 硅片 封装 所述 算法 模型 数据 低温 高温 催化剂`)

func zhText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(zhWords[rng.IntN(len(zhWords))])
		if rng.IntN(6) == 0 {
			b.WriteString("，")
		}
	}
	return b.String()
}

func zhDocs(rng *rand.Rand, n int) []Doc {
	docs := make([]Doc, n)
	for i := range docs {
		// Some ids repeat inside the batch: the later document replaces the
		// earlier one, as with one Upsert after the other.
		docs[i] = Doc{ID: fmt.Sprintf("z%d", rng.IntN(n*9/10)), Body: zhText(rng, 3+rng.IntN(40)), Kind: "achievement"}
		if rng.IntN(3) == 0 {
			docs[i].Title = zhText(rng, 2)
		}
	}
	return docs
}

// TestUpsertManyMatchesUpsert checks that the parallel bulk path builds the
// same index as documents applied one at a time (same hits, same scores),
// and that pruning stays exact on Chinese text, where the bigram selection
// and the weight a word carries for its left-out bigram take part.
func TestUpsertManyMatchesUpsert(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	docs := zhDocs(rng, 1500)
	bulk, err := New(Options{KeepDocTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(docs); i += 400 {
		if err := bulk.UpsertMany(docs[i:min(i+400, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	one, err := New(Options{KeepDocTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if err := one.Upsert(d); err != nil {
			t.Fatal(err)
		}
	}
	if bulk.Stats() != one.Stats() {
		t.Fatalf("stats: bulk %+v, one by one %+v", bulk.Stats(), one.Stats())
	}
	for qi := 0; qi < 150; qi++ {
		q := Query{Text: zhText(rng, 1+rng.IntN(6)), K: 1 + rng.IntN(20), NoCrossLanguage: qi%2 == 0}
		if qi%5 == 0 {
			q.Feedback = []Judgment{{DocID: docs[rng.IntN(len(docs))].ID, Relevant: true}}
		}
		a, err := bulk.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := one.Search(q)
		q.Exhaustive = true
		c, _ := bulk.Search(q)
		if fmt.Sprint(a.Hits) != fmt.Sprint(b.Hits) || fmt.Sprint(a.Hits) != fmt.Sprint(c.Hits) {
			t.Fatalf("query %q:\nbulk       %v\none by one %v\nexhaustive %v", q.Text, a.Hits, b.Hits, c.Hits)
		}
	}
}

// TestUpsertManyWhileSearching runs bulk loads, single writes and searches
// at once (meant for -race).
func TestUpsertManyWhileSearching(t *testing.T) {
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(1, 1))
		for i := 0; i < 8; i++ {
			if err := x.UpsertMany(zhDocs(rng, 200)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(2, 2))
		for i := 0; i < 300; i++ {
			if err := x.Upsert(Doc{ID: fmt.Sprintf("z%d", rng.IntN(300)), Body: zhText(rng, 10)}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(3, 3))
		for i := 0; i < 300; i++ {
			if _, err := x.Search(Query{Text: zhText(rng, 3), K: 10}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
}

// TestAllPhrasesFindsPairAcrossWords: the analyzer emits no bigram beside a
// word of the same two characters, but a search box still finds a document
// where those characters straddle a word boundary (和尚 in 和|尚未), as it
// did when every bigram was indexed.
func TestAllPhrasesFindsPairAcrossWords(t *testing.T) {
	x, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.UpsertMany([]Doc{{ID: "a", Body: "结婚的和尚未结婚的"}, {ID: "b", Body: "寺庙里的和尚"}}); err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(Query{Text: "和尚", AllPhrases: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) != 2 || got[0] != "b" {
		t.Errorf("和尚 with AllPhrases: %v, want b (the word) then a (the pair across words)", got)
	}
}
