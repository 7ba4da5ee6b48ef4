// Command gendata rebuilds the demo corpus excerpt in internal/demo/data from the
// MIT-licensed benchmark copies in /work/shared/data (kppatent-zh, xling-patents).
// The selection is deterministic: records are taken in id order, balanced over the
// technology fields, so rerunning it produces byte-identical files.
//
//	go run ./internal/demo/gendata -src /work/shared/data -out internal/demo/data
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/demo"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Record is one line of the excerpt: the patent's title and a summary-length
// excerpt of its abstract, in the languages the source has.
type Record struct {
	Source    string `json:"src"`
	TitleZh   string `json:"title_zh,omitempty"`
	SummaryZh string `json:"summary_zh,omitempty"`
	TitleEn   string `json:"title_en,omitempty"`
	SummaryEn string `json:"summary_en,omitempty"`
}

type beir struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

func main() {
	src := flag.String("src", "/work/shared/data", "directory holding kppatent-zh/ and xling-patents/")
	out := flag.String("out", "internal/demo/data", "output directory")
	nZh := flag.Int("zh", 210, "Chinese-only records to take from kppatent-zh")
	nXl := flag.Int("xl", 110, "bilingual records to take from xling-patents")
	flag.Parse()
	if err := run(*src, *out, *nZh, *nXl); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func run(src, out string, nZh, nXl int) error {
	kp, err := readBEIR(filepath.Join(src, "kppatent-zh", "corpus.jsonl"))
	if err != nil {
		return err
	}
	var zh []Record
	seen := map[string]bool{}
	for _, d := range kp {
		title := strings.TrimSpace(d.Title)
		if title == "" {
			title = deriveTitle(d.Text)
		}
		summary := trimZh(cleanZh(d.Text), 260)
		if title == "" || seen[title] || utf8.RuneCountInString(title) > 60 || utf8.RuneCountInString(summary) < 60 ||
			strings.Count(title, "(")+strings.Count(title, "（") != strings.Count(title, ")")+strings.Count(title, "）") {
			continue
		}
		seen[title] = true
		zh = append(zh, Record{Source: d.ID, TitleZh: title, SummaryZh: summary})
	}
	// Titled test records first: their titles are the applicants' own.
	sort.SliceStable(zh, func(i, j int) bool {
		return strings.HasPrefix(zh[i].Source, "kp-test") && !strings.HasPrefix(zh[j].Source, "kp-test")
	})
	zh = balance(zh, nZh)

	xlEn, err := readBEIR(filepath.Join(src, "xling-patents", "corpus.jsonl"))
	if err != nil {
		return err
	}
	xlZh, err := readBEIR(filepath.Join(src, "xling-patents", "queries.jsonl"))
	if err != nil {
		return err
	}
	zhByNum := map[string]string{}
	for _, q := range xlZh {
		zhByNum[strings.TrimPrefix(q.ID, "xl-zh-")] = q.Text
	}
	var xl []Record
	for _, d := range xlEn {
		zhText, ok := zhByNum[strings.TrimPrefix(d.ID, "xl-en-")]
		if !ok {
			continue
		}
		// The Chinese side is "title abstract"; the title never contains a space.
		titleZh, bodyZh, _ := strings.Cut(zhText, " ")
		r := Record{
			Source:    d.ID,
			TitleZh:   strings.TrimSpace(titleZh),
			SummaryZh: trimZh(cleanZh(bodyZh), 260),
			TitleEn:   cleanEn(d.Title),
			SummaryEn: trimEn(cleanEn(d.Text), 700),
		}
		if r.TitleZh == "" || len(r.TitleEn) > 160 || utf8.RuneCountInString(r.SummaryZh) < 40 || len(r.SummaryEn) < 120 {
			continue
		}
		xl = append(xl, r)
	}
	xl = balance(xl, nXl)

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeJSONL(filepath.Join(out, "kppatent-zh.jsonl"), zh); err != nil {
		return err
	}
	if err := writeJSONL(filepath.Join(out, "xling-patents.jsonl"), xl); err != nil {
		return err
	}
	report(zh, xl)
	return nil
}

// balance takes up to n records, round-robin over technology fields so that rare
// fields (nuclear, aerospace) get all they have and common ones share the rest.
func balance(recs []Record, n int) []Record {
	byField := map[string][]Record{}
	for _, r := range recs {
		f := demo.Classify(r.TitleZh, r.SummaryZh).Field
		byField[f] = append(byField[f], r)
	}
	var out []Record
	for round := 0; len(out) < n; round++ {
		added := false
		for _, f := range domain.TechFields.Codes() {
			if round < len(byField[f]) && len(out) < n {
				out = append(out, byField[f][round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

func report(sets ...[]Record) {
	count := map[string]int{}
	for _, s := range sets {
		for _, r := range s {
			count[demo.Classify(r.TitleZh, r.SummaryZh).Field]++
		}
	}
	for _, f := range domain.TechFields.Codes() {
		fmt.Fprintf(os.Stderr, "%-4s %d\n", f, count[f])
	}
}

var (
	// The subject phrase of an abstract's first clause: "本发明公开了一种X，…",
	// "…，具体涉及一种X，…" or "一种X，…".
	titleFromText = regexp.MustCompile(`^(?:[^。；]{0,40}?(?:涉及|公开|提供|提出|是)了?)?一种([^，。；：,;:]{3,40})`)
	// Figure labels and reference numerals the source abstracts carry: "(i)", "(100)", "-100".
	figureNoise = regexp.MustCompile(`[（(](?:[ivx]{1,4}|\d{1,4}[a-z]?)[)）]|-\d{2,4}\b`)
	imageNoise  = regexp.MustCompile(`[&＆]\s*[A-Za-z]{0,2}[；;]?\s*Image\d*T?\.?`)
	spaces      = regexp.MustCompile(`\s+`)
)

// deriveTitle builds a title from the "一种…" phrase an untitled abstract opens
// with, the way Chinese patent titles are worded; abstracts that open otherwise
// are skipped rather than titled with a phrase from the middle of a sentence.
func deriveTitle(text string) string {
	m := titleFromText.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return "一种" + strings.TrimSuffix(m[1], "的")
}

func cleanZh(s string) string {
	s = imageNoise.ReplaceAllString(figureNoise.ReplaceAllString(s, ""), "")
	// Drop the spaces a translation left between Chinese sentences, keep them
	// between Latin words.
	var b strings.Builder
	rs := []rune(strings.TrimSpace(spaces.ReplaceAllString(s, " ")))
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && (!isLatin(rs[i-1]) || !isLatin(rs[i+1])) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isLatin(r rune) bool { return r < 0x3000 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

func cleanEn(s string) string {
	s = imageNoise.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, " ,", ",")
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// trimZh cuts Chinese text at the last sentence end within max runes.
func trimZh(s string, max int) string {
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	for i := max - 1; i > max/3; i-- {
		if rs[i] == '。' || rs[i] == '；' {
			return strings.TrimSuffix(string(rs[:i]), "；") + "。"
		}
	}
	return string(rs[:max-1]) + "…"
}

// trimEn cuts English text at the last full stop within max bytes.
func trimEn(s string, max int) string {
	if len(s) <= max {
		return s
	}
	if i := strings.LastIndex(s[:max], ". "); i > max/3 {
		return s[:i+1]
	}
	cut := strings.LastIndex(s[:max], " ")
	return s[:cut] + "…"
}

func readBEIR(path string) ([]beir, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []beir
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var d beir
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func writeJSONL(path string, recs []Record) error {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
