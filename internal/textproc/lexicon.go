package textproc

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// zh_en.txt maps a simplified Chinese word to the Porter2 stems of its English
// translations, one "word<TAB>stem stem…" line each, derived from CC-CEDICT
// (CC BY-SA 4.0, see data/README.md).
//
//go:embed data/zh_en.txt
var zhEnData string

// Lexicon is a bilingual word list for cross-language matching: a Chinese need
// finds English-described technologies and the reverse. Terms on both sides are
// in analyzer form (simplified Chinese words, stemmed English words).
type Lexicon struct {
	zhEn map[string][]string
	enZh map[string][]string
}

// maxChinesePerStem bounds the reverse direction: an English word such as
// "device" is the gloss of hundreds of Chinese words, of which only the most
// frequent few are useful query terms.
const maxChinesePerStem = 3

// Lexicon returns the analyzer's bilingual lexicon, loading it on first use
// (about 50 ms), so that servers that never translate do not pay for it.
func (a *Analyzer) Lexicon() (*Lexicon, error) {
	a.lexOnce.Do(func() { a.lex, a.lexErr = a.loadLexicon(zhEnData) })
	return a.lex, a.lexErr
}

func (a *Analyzer) loadLexicon(data string) (*Lexicon, error) {
	l := &Lexicon{zhEn: make(map[string][]string, 100000), enZh: make(map[string][]string, 40000)}
	type cand struct {
		word  string
		score float32
	}
	reverse := map[string][]cand{}
	for lineNo := 1; data != ""; lineNo++ {
		line := data
		if nl := strings.IndexByte(data, '\n'); nl >= 0 {
			line, data = data[:nl], data[nl+1:]
		} else {
			data = ""
		}
		if line == "" {
			continue
		}
		tab := strings.IndexByte(line, '\t')
		if tab <= 0 {
			return nil, fmt.Errorf("lexicon line %d: want word<TAB>stems, got %q", lineNo, line)
		}
		word, stems := line[:tab], strings.Fields(line[tab+1:])
		l.zhEn[word] = stems
		if len([]rune(word)) < 2 {
			continue // single characters are too ambiguous to be a translation target
		}
		node := a.trie.lookup(word)
		logP := a.trie.unknownLogP
		if node != noNode && a.trie.logP[node] < 0 {
			logP = a.trie.logP[node]
		}
		for rank, s := range stems {
			// Prefer frequent Chinese words and glosses listed first.
			reverse[s] = append(reverse[s], cand{word, logP - float32(rank)})
		}
	}
	for stem, cs := range reverse {
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].score != cs[j].score {
				return cs[i].score > cs[j].score
			}
			return cs[i].word < cs[j].word
		})
		n := min(len(cs), maxChinesePerStem)
		words := make([]string, n)
		for i := range n {
			words[i] = cs[i].word
		}
		l.enZh[stem] = words
	}
	return l, nil
}

// English returns the stemmed English translations of a Chinese word.
func (l *Lexicon) English(word string) []string { return l.zhEn[word] }

// Chinese returns the most frequent Chinese words translating an English stem.
func (l *Lexicon) Chinese(stem string) []string { return l.enZh[stem] }
