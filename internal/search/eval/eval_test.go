package eval

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestMetricsOnHandMadeRun(t *testing.T) {
	qrels := Qrels{
		"q1": {"d1": 1},          // found at rank 2
		"q2": {"d5": 2, "d6": 1}, // graded; d5 at rank 1, d6 missing
		"q3": {"d9": 1},          // not retrieved
		"q4": {"dx": 0},          // no relevant document: not counted
	}
	run := Run{
		"q1": {"d0", "d1", "d2"},
		"q2": {"d5", "d7"},
		"q3": {"d1"},
	}
	m := Evaluate(run, qrels)
	if m.Queries != 3 {
		t.Fatalf("queries = %d, want 3", m.Queries)
	}
	if want := (0.5 + 1 + 0) / 3; !near(m.MRR10, want) {
		t.Errorf("MRR@10 = %v, want %v", m.MRR10, want)
	}
	if want := (0 + 0.5 + 0) / 3; !near(m.Recall1, want) {
		t.Errorf("Recall@1 = %v, want %v", m.Recall1, want)
	}
	if want := (1 + 0.5 + 0) / 3; !near(m.Recall10, want) {
		t.Errorf("Recall@10 = %v, want %v", m.Recall10, want)
	}
	// q1: DCG = 1/log2(3), IDCG = 1. q2: DCG = 3, IDCG = 3 + 1/log2(3).
	want := (1/math.Log2(3) + 3/(3+1/math.Log2(3)) + 0) / 3
	if !near(m.NDCG10, want) {
		t.Errorf("nDCG@10 = %v, want %v", m.NDCG10, want)
	}
}

func TestReadBEIRAndCompare(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	corpus := write("corpus.jsonl", `{"_id": "d1", "title": "石墨烯电池", "text": "一种石墨烯锂离子电池负极材料"}
{"_id": "d2", "title": "", "text": "一种智能除雪车，包括滚刷"}
{"_id": "d3", "title": "Soil sensor", "text": "A soil moisture sensor for potted plants."}
`)
	queries := write("queries.jsonl", `{"_id": "q1", "text": "石墨烯 负极"}
{"_id": "q2", "text": "扫雪 滚刷"}
{"_id": "q3", "text": "土壤 传感器"}
`)
	qrels := write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n")
	docs, err := ReadCorpus(corpus)
	if err != nil || len(docs) != 3 || docs[2].Title != "Soil sensor" {
		t.Fatalf("corpus: %v %+v", err, docs)
	}
	qs, err := ReadQueries(queries)
	if err != nil || len(qs) != 3 {
		t.Fatalf("queries: %v", err)
	}
	rels, err := ReadQrels(qrels)
	if err != nil || rels["q2"]["d2"] != 1 {
		t.Fatalf("qrels: %v %v", err, rels)
	}
	rep, err := Compare(docs, qs, rels, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The engine folds 扫雪 onto 除雪 and translates 土壤 传感器 into English,
	// so it finds all three; the baseline cannot cross languages.
	if rep.Engine.MRR10 != 1 {
		t.Errorf("engine MRR@10 = %v, want 1", rep.Engine.MRR10)
	}
	if rep.Baseline.Recall10 >= 1 {
		t.Errorf("baseline recall@10 = %v; it should miss the English document", rep.Baseline.Recall10)
	}
}

func TestReadQrelsRejectsBadLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "q.tsv")
	os.WriteFile(p, []byte("query-id\tcorpus-id\tscore\nq1\td1\n"), 0o644)
	if _, err := ReadQrels(p); err == nil {
		t.Fatal("want an error for a two-column line")
	}
}
