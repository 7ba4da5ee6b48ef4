package demo

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

// The excerpt of two MIT-licensed patent corpora; see data/README.md for the
// sources, the licences and how the files are regenerated.
//
//go:embed data/kppatent-zh.jsonl data/xling-patents.jsonl
var corpusFS embed.FS

// source is one patent text the demo turns into a technology listing.
type source struct {
	ID        string `json:"src"`
	TitleZh   string `json:"title_zh"`
	SummaryZh string `json:"summary_zh"`
	TitleEn   string `json:"title_en"`
	SummaryEn string `json:"summary_en"`
	class     Classification
}

// bilingual reports whether the source has English text beside the Chinese.
func (s source) bilingual() bool { return s.TitleEn != "" && s.SummaryEn != "" }

var (
	corpusOnce sync.Once
	corpus     []source
	corpusErr  error
)

// loadCorpus parses the embedded excerpt once and classifies every text.
func loadCorpus() ([]source, error) {
	corpusOnce.Do(func() {
		for _, name := range []string{"data/kppatent-zh.jsonl", "data/xling-patents.jsonl"} {
			recs, err := readSources(name)
			if err != nil {
				corpusErr = err
				return
			}
			corpus = append(corpus, recs...)
		}
	})
	return corpus, corpusErr
}

func readSources(name string) ([]source, error) {
	raw, err := corpusFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("demo corpus %s: %w", name, err)
	}
	var out []source
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var s source
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("demo corpus %s line %d: %w", name, line, err)
		}
		s.class = Classify(s.TitleZh, s.SummaryZh)
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("demo corpus %s: %w", name, err)
	}
	return out, nil
}
