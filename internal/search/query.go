package search

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// Query asks for the k best listings for a text, optionally matched against
// the structured profile of the seeker.
type Query struct {
	Text string `json:"text"`
	K    int    `json:"k"` // 1–1000; 0 means 10
	// Filter restricts the candidates; it does not change scores.
	Filter Filter `json:"filter"`
	// Profile is the structured side of the seeker (a need's features when
	// matching technologies, a technology's when looking for needs). When set,
	// compatibility factors multiply the text score.
	Profile *Features `json:"profile,omitempty"`
	// NoCrossLanguage turns off the Chinese↔English expansion.
	NoCrossLanguage bool `json:"no_cross_language,omitempty"`
	// Feedback are earlier judgments of results for this same need; see
	// feedback.go for how they change the ranking.
	Feedback []Judgment `json:"feedback,omitempty"`
	// AllPhrases keeps only documents that match every phrase of the text
	// (through a word, a bigram or a translation of it): what a search box
	// promises. Matching leaves it off and lets relevance decide.
	AllPhrases bool `json:"all_phrases,omitempty"`
	// Explain fills Hit.Terms and Hit.Factors.
	Explain bool `json:"explain,omitempty"`
	// Exhaustive scores every matching document instead of pruning; results
	// are identical, it exists to prove that.
	Exhaustive bool `json:"-"`
	// NoBlockMax prunes with the list-wide bounds only (plain MaxScore);
	// results are identical, it exists to measure what the block bounds save.
	NoBlockMax bool `json:"-"`
}

// Filter restricts candidates. Empty fields do not filter.
type Filter struct {
	Kind         string   `json:"kind,omitempty"`          // "achievement" or "need"
	Fields       []string `json:"fields,omitempty"`        // any of these technology fields
	RegionPrefix string   `json:"region_prefix,omitempty"` // "32" (province) or "3201" (city)
	MinTRL       int      `json:"min_trl,omitempty"`
	MaxPriceFen  int64    `json:"max_price_fen,omitempty"` // achievements priced above are dropped (negotiable kept)
	ExcludeIDs   []string `json:"exclude_ids,omitempty"`
}

// Results are the ranked hits.
type Results struct {
	Hits []Hit `json:"hits"`
	// Candidates is the number of documents scored; with pruning it is far
	// below the number matching any term.
	Candidates int `json:"candidates"`
}

// Hit is one ranked listing.
type Hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	// TextScore is the relevance of the text alone, before factors.
	TextScore float64       `json:"text_score"`
	Terms     []MatchedTerm `json:"terms,omitempty"`
	Factors   []Factor      `json:"factors,omitempty"`
}

// MatchedTerm is a query term found in the hit, with its BM25 contribution
// before the per-phrase saturation.
type MatchedTerm struct {
	Term   string  `json:"term"`
	Source string  `json:"source"` // "query", "translation" or "feedback"
	Score  float64 `json:"score"`
}

// Factor is one structured compatibility or feedback adjustment. Multiplier
// is its share of the (1 + Σ) multiplier; Points is what it added to Score.
type Factor struct {
	Name       string  `json:"name"`
	Multiplier float64 `json:"multiplier"`
	Points     float64 `json:"points"`
	Detail     string  `json:"detail"`
}

// Scoring holds the ranking parameters. They are fixed in code, not fitted to
// any evaluation set at run time.
type Scoring struct {
	K1, B       float64
	TitleWeight int // title tokens count this many times
	// Per-kind query weights: words (and inner words), English/alphanumeric,
	// character bigrams, translations.
	WordWeight, LatinWeight, BigramWeight, TranslationWeight float64
	// PhraseSaturation is c in c·ln(1 + s/c), applied to the score of each query
	// phrase (a keyphrase or a clause). It rewards documents that match many
	// phrases over documents that match one phrase very well.
	PhraseSaturation float64
}

// DefaultScoring are the parameters the engine ships with (see
// docs/matching.md for how they were chosen).
var DefaultScoring = Scoring{
	K1: 1.0, B: 0.9, TitleWeight: 3,
	WordWeight: 1, LatinWeight: 1, BigramWeight: 0.5, TranslationWeight: 1,
	PhraseSaturation: 5,
}

func (s *Scoring) saturate(v float64) float64 {
	if s.PhraseSaturation <= 0 {
		return v
	}
	return s.PhraseSaturation * math.Log1p(v/s.PhraseSaturation)
}

// saturateBound is an upper bound of saturate that costs a square root
// instead of a logarithm: ln(1+x) ≤ x/√(1+x) for x ≥ 0 (equal at 0, within
// 2 % at x = 1, 8 % at x = 3). Pruning may use it in place of saturate;
// final scores never do.
func (s *Scoring) saturateBound(v float64) float64 {
	if s.PhraseSaturation <= 0 {
		return v
	}
	return v / math.Sqrt(1+v/s.PhraseSaturation)
}

const maxK = 1000

func (q *Query) validate() error {
	var l apperr.FieldList
	if q.K < 0 || q.K > maxK {
		l.Add("k", "out_of_range", "k must be 1–1000", "返回条数须为1至1000")
	}
	if utf8.RuneCountInString(q.Text) > 20000 {
		l.Add("text", "too_long", "query text is limited to 20,000 characters", "查询文本不超过20000字")
	}
	if q.Filter.Kind != "" && q.Filter.Kind != "achievement" && q.Filter.Kind != "need" {
		l.Add("filter.kind", "unknown_code", "kind must be achievement or need", "类型须为科技成果或技术需求")
	}
	if q.Profile != nil {
		q.Profile.validate(&l, "profile.")
	}
	for i, j := range q.Feedback {
		if j.DocID == "" {
			l.Add("feedback["+itoa(i)+"].doc_id", "required", "judged listing id is required", "须给出被评价的条目")
		}
		if j.Reason != "" && !knownReason(j.Reason) {
			l.Add("feedback["+itoa(i)+"].reason", "unknown_code", "unknown reason code "+j.Reason, "未知原因代码 "+j.Reason)
		}
	}
	return l.Err("search.Search")
}

// queryTerm is one term of the analysed query within one phrase.
type queryTerm struct {
	terms  []string // one index term, or the alternatives of a translation
	weight float64
	phrase int
	source string
}

// plan analyses the query text into weighted terms grouped by phrase. Phrases
// are split at punctuation and at spaces between Chinese characters (keyword
// lists are written that way); English words separated by spaces stay in one
// phrase.
func (x *Index) plan(q *Query) []queryTerm {
	var out []queryTerm
	lex := (*textproc.Lexicon)(nil)
	if !q.NoCrossLanguage {
		lex, _ = x.an.Lexicon() // a lexicon load failure only disables expansion
	}
	for phrase, text := range splitPhrases(q.Text) {
		toks := x.an.Analyze(text)
		index := map[string]int{}
		addTerm := func(terms []string, w float64, source string) {
			key := source + "\x00" + strings.Join(terms, "\x00")
			if i, ok := index[key]; ok {
				out[i].weight += w
				return
			}
			index[key] = len(out)
			out = append(out, queryTerm{terms: terms, weight: w, phrase: phrase, source: source})
		}
		for i, t := range toks {
			switch t.Kind {
			case textproc.KindBigram:
				addTerm([]string{t.Term}, x.scoring.BigramWeight, "query")
			case textproc.KindLatin:
				addTerm([]string{t.Term}, x.scoring.LatinWeight, "query")
				if lex != nil {
					if zh := lex.Chinese(t.Term); len(zh) > 0 {
						addTerm(zh, x.scoring.TranslationWeight, "translation")
					}
				}
			default:
				w := x.scoring.WordWeight
				covered := x.an.PairCovered(text, toks, i)
				if covered {
					// The analyzer left out the bigram of these two characters
					// because this term records them: it carries its weight.
					w += x.scoring.BigramWeight
				}
				addTerm([]string{t.Term}, w, "query")
				if covered && q.AllPhrases {
					// A search box promises every document holding the
					// phrase's characters: the bigram term still finds
					// those segmented across a word boundary.
					addTerm([]string{textproc.BigramPrefix + t.Term}, x.scoring.BigramWeight, "query")
				}
				if lex != nil && t.Kind == textproc.KindWord {
					en := lex.English(t.Term)
					if len(en) == 0 {
						// Unknown compound: translate the dictionary words inside it.
						for _, p := range toks[i+1:] {
							if p.Kind != textproc.KindPart || p.Start >= t.End {
								break
							}
							if pe := lex.English(p.Term); len(pe) > 0 {
								addTerm(pe, x.scoring.TranslationWeight, "translation")
							}
						}
					} else {
						addTerm(en, x.scoring.TranslationWeight, "translation")
					}
				}
			}
		}
	}
	return out
}

// splitPhrases cuts text at punctuation and at whitespace next to a Chinese
// character.
func splitPhrases(text string) []string {
	var out []string
	start := 0
	prevHan := false
	rs := []rune(text)
	flush := func(end int) {
		if s := strings.TrimSpace(string(rs[start:end])); s != "" {
			out = append(out, s)
		}
		start = end + 1
	}
	for i, r := range rs {
		switch {
		case unicode.IsPunct(r) && r != '-' && r != '/' && r != '.' && r != '\'':
			flush(i)
		case unicode.IsSpace(r):
			nextHan := i+1 < len(rs) && unicode.Is(unicode.Han, rs[i+1])
			if prevHan || nextHan {
				flush(i)
			}
		}
		prevHan = unicode.Is(unicode.Han, r)
	}
	if start < len(rs) {
		flush(len(rs))
	}
	return out
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
