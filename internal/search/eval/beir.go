// Package eval measures retrieval quality on BEIR-format data sets: it reads
// corpus, queries and qrels, computes nDCG@10, MRR@10 and Recall@k, and holds the
// plain BM25 baseline every engine result is reported against.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Doc is one corpus line.
type Doc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Query is one queries line.
type Query struct {
	ID   string `json:"_id"`
	Text string `json:"text"`
}

// Qrels maps query id → document id → graded relevance (> 0 is relevant).
type Qrels map[string]map[string]int

// ReadCorpus reads a BEIR corpus.jsonl file.
func ReadCorpus(path string) ([]Doc, error) {
	var docs []Doc
	err := readJSONL(path, func(line []byte) error {
		var d Doc
		if err := json.Unmarshal(line, &d); err != nil {
			return err
		}
		if d.ID == "" {
			return fmt.Errorf("missing _id")
		}
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	return docs, nil
}

// ReadQueries reads a BEIR queries.jsonl file.
func ReadQueries(path string) ([]Query, error) {
	var qs []Query
	err := readJSONL(path, func(line []byte) error {
		var q Query
		if err := json.Unmarshal(line, &q); err != nil {
			return err
		}
		if q.ID == "" {
			return fmt.Errorf("missing _id")
		}
		qs = append(qs, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read queries: %w", err)
	}
	return qs, nil
}

func readJSONL(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for lineNo := 1; ; lineNo++ {
		line, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			if perr := fn(line); perr != nil {
				return fmt.Errorf("%s line %d: %w", path, lineNo, perr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// ReadQrels reads a BEIR qrels TSV file with the header
// "query-id<TAB>corpus-id<TAB>score".
func ReadQrels(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read qrels: %w", err)
	}
	defer f.Close()
	q := Qrels{}
	sc := bufio.NewScanner(f)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			return nil, fmt.Errorf("qrels %s line %d: want 3 tab-separated columns, got %d", path, lineNo, len(cols))
		}
		if lineNo == 1 && cols[0] == "query-id" {
			continue
		}
		score, err := strconv.Atoi(cols[2])
		if err != nil {
			return nil, fmt.Errorf("qrels %s line %d: score %q: %w", path, lineNo, cols[2], err)
		}
		if q[cols[0]] == nil {
			q[cols[0]] = map[string]int{}
		}
		q[cols[0]][cols[1]] = score
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read qrels: %w", err)
	}
	return q, nil
}
