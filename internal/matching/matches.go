package matching

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// Match is one ranked counterpart with why it matched.
type Match struct {
	Listing   ListingSummary `json:"listing"`
	Score     float64        `json:"score"`
	TextScore float64        `json:"text_score"`
	Terms     []MatchTerm    `json:"terms"`
	Factors   []MatchFactor  `json:"factors"`
	// Judgment is the seeker's own verdict on this match; only those who may
	// judge for the seeker see it.
	Judgment *Judgment `json:"judgment,omitempty"`
}

// MatchTerm is a query term found in the match: Term is readable (the words
// as they appear in the listing where found), Words the surface forms to
// highlight, Score its BM25 contribution.
type MatchTerm struct {
	Term   string   `json:"term"`
	Words  []string `json:"words"`
	Source string   `json:"source"` // query, translation or feedback
	Score  float64  `json:"score"`
}

// MatchFactor is one structured compatibility (or feedback) adjustment: Share
// of the multiplier and the Points it added to (or took from) the score.
type MatchFactor struct {
	Name   string       `json:"name"`
	Label  domain.Label `json:"label"`
	Detail domain.Label `json:"detail"`
	Share  float64      `json:"share"`
	Points float64      `json:"points"`
}

// Seeker is what the matches are for: a listing or a saved need.
type Seeker struct {
	Type       string          `json:"type"` // "listing" or "saved_need"
	ID         string          `json:"id"`
	TargetKind string          `json:"target_kind"` // the kind of listing it looks for
	Name       string          `json:"name,omitempty"`
	Listing    *ListingSummary `json:"listing,omitempty"`
	// CanJudge says the caller may give feedback for this seeker (its owners).
	CanJudge bool `json:"can_judge"`
}

// Matches are the ranked counterparts of a seeker.
type Matches struct {
	Seeker Seeker  `json:"seeker"`
	Items  []Match `json:"items"`
	// FeedbackUsed is how many of the seeker's judgments shaped the ranking.
	FeedbackUsed int `json:"feedback_used"`
}

// Limits on k.
const (
	DefaultK = 10
	MaxK     = 50
)

func checkK(op string, k int) (int, error) {
	if k == 0 {
		return DefaultK, nil
	}
	if k < 1 || k > MaxK {
		return 0, apperr.Fields(op, apperr.Field("k", "out_of_range", fmt.Sprintf("k must be 1–%d", MaxK), fmt.Sprintf("返回条数须为1至%d", MaxK)))
	}
	return k, nil
}

// otherKind is the kind of listing a seeker of kind looks for.
func otherKind(kind string) string {
	if kind == listing.KindNeed {
		return listing.KindAchievement
	}
	return listing.KindNeed
}

// ForListing returns the best counterparts of a listing: achievements for a
// need, needs for an achievement. Anyone who may see the listing may see its
// matches (published ones: everyone signed in; others: the owner and
// operators). The owner's feedback shapes the ranking only for the owner.
func (s *Service) ForListing(ctx context.Context, actor domain.Actor, listingID string, k int) (Matches, error) {
	const op = "matching.ForListing"
	if actor.IsAnonymous() {
		return Matches{}, apperr.E(op, apperr.Unauthenticated, "sign in to see matches")
	}
	k, err := checkK(op, k)
	if err != nil {
		return Matches{}, err
	}
	l, err := s.listings.Get(ctx, actor, listingID)
	if err != nil {
		return Matches{}, err
	}
	sum := summaryOf(l)
	owner := actor.MemberOf(l.OwnerOrgID) && !actor.System
	seeker := Seeker{Type: SeekerListing, ID: l.ID, TargetKind: otherKind(l.Kind), Listing: &sum, CanJudge: owner}
	q, err := s.listingQuery(ctx, l)
	if err != nil {
		return Matches{}, err
	}
	var judged []Judgment
	if owner {
		if judged, err = s.judgments(ctx, SeekerListing, l.ID); err != nil {
			return Matches{}, err
		}
	}
	return s.run(ctx, actor, seeker, q, k, judged)
}

// listingQuery is the engine query of a listing looking for its counterparts:
// its public text, its structured facts as the profile, the other kind, and
// not its own organisation's listings.
func (s *Service) listingQuery(ctx context.Context, l listing.Listing) (search.Query, error) {
	doc := DocOf(l)
	f := doc.Features
	if l.Kind == listing.KindAchievement {
		// The engine reads a profile's TRL as a requirement; an achievement's
		// TRL is an offer, which would be scored the wrong way round against
		// a need's required TRL, so it is left out of this direction.
		f.TRL = 0
	}
	q := search.Query{Text: doc.Title + "\n" + doc.Body, Profile: &f, Explain: true,
		Filter: search.Filter{Kind: otherKind(l.Kind)}}
	own, err := s.listings.ByOrg(ctx, system, l.OwnerOrgID)
	if err != nil {
		return q, err
	}
	for _, o := range own {
		q.Filter.ExcludeIDs = append(q.Filter.ExcludeIDs, o.ID)
	}
	return q, nil
}

// run asks the engine, loads the hits' public fields and explains them.
func (s *Service) run(ctx context.Context, actor domain.Actor, seeker Seeker, q search.Query, k int, judged []Judgment) (Matches, error) {
	out := Matches{Seeker: seeker, Items: []Match{}}
	if !s.Status().Ready {
		return out, apperr.E("matching", apperr.Unavailable, "the matching index is still being built; try again in a minute")
	}
	byTarget := map[string]*Judgment{}
	for i := range judged {
		j := &judged[i]
		byTarget[j.TargetID] = j
		q.Feedback = append(q.Feedback, j.engine())
	}
	out.FeedbackUsed = len(judged)
	q.K = k
	res, err := s.engine.Search(q)
	if err != nil {
		return out, err
	}
	for _, h := range res.Hits {
		l, err := s.listings.Get(ctx, actor, h.ID)
		if apperr.Is(err, apperr.NotFound) {
			continue // left the market since the index saw it
		}
		if err != nil {
			return out, err
		}
		if l.Status != listing.StatusPublished {
			continue
		}
		m := Match{Listing: summaryOf(l), Score: round3(h.Score), TextScore: round3(h.TextScore)}
		m.Terms = explainTerms(h.Terms, l)
		m.Factors = explainFactors(h.Factors)
		if seeker.CanJudge {
			m.Judgment = byTarget[l.ID]
		}
		out.Items = append(out.Items, m)
	}
	return out, nil
}

func round3(v float64) float64 {
	if v < 0 {
		return -round3(-v)
	}
	return float64(int64(v*1000+0.5)) / 1000
}

func explainFactors(fs []search.Factor) []MatchFactor {
	out := make([]MatchFactor, 0, len(fs))
	for _, f := range fs {
		out = append(out, MatchFactor{Name: f.Name, Label: factorLabels[f.Name], Detail: factorDetail(f.Name, f.Multiplier > 0, f.Detail),
			Share: round3(f.Multiplier), Points: round3(f.Points)})
	}
	return out
}

// explainTerms makes the engine's index terms readable: each becomes the
// words of the listing's public text that produced it (a stem becomes the
// word, a bigram its two characters), or the bare term when the listing's
// text does not show it (an inner word of a longer one).
func explainTerms(ts []search.MatchedTerm, l listing.Listing) []MatchTerm {
	return explainText(ts, l.TitleZh+"\n"+l.TitleEn+"\n"+l.SummaryZh+"\n"+l.SummaryEn)
}

// explainText is explainTerms over any public text (an enterprise's profile
// and needs).
func explainText(ts []search.MatchedTerm, text string) []MatchTerm {
	surface := surfaceForms(text)
	out := make([]MatchTerm, 0, len(ts))
	seen := map[string]int{}
	for _, t := range ts {
		alts := strings.Split(t.Term, "|")
		if allBigrams(alts) {
			// Character bigrams back up the segmentation; as words they read
			// as noise (燃的, 池电), so they count in the text score only.
			continue
		}
		var words []string
		var bare []string
		for _, alt := range alts {
			words = appendUnique(words, surface[alt]...)
			bare = append(bare, strings.TrimPrefix(alt, textproc.BigramPrefix))
		}
		label := strings.Join(words, " / ")
		if label == "" {
			label = strings.Join(bare, " / ")
			if len(bare) > 3 {
				label = strings.Join(bare[:3], " / ") + " …"
			}
		}
		if i, dup := seen[label]; dup {
			out[i].Score = round3(out[i].Score + t.Score)
			continue
		}
		seen[label] = len(out)
		if words == nil {
			words = []string{}
		}
		out = append(out, MatchTerm{Term: label, Words: words, Source: t.Source, Score: round3(t.Score)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > maxTerms {
		out = out[:maxTerms]
	}
	return out
}

// maxTerms bounds the matched terms shown per match.
const maxTerms = 12

func allBigrams(alts []string) bool {
	for _, a := range alts {
		if !strings.HasPrefix(a, textproc.BigramPrefix) {
			return false
		}
	}
	return true
}

func appendUnique(dst []string, vs ...string) []string {
	for _, v := range vs {
		dup := false
		for _, d := range dst {
			if d == v {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, v)
		}
	}
	return dst
}

// surfaceForms maps each index term of text to the distinct words of text
// that produced it.
func surfaceForms(text string) map[string][]string {
	an, err := analyzer()
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, tok := range an.Analyze(text) {
		w := text[tok.Start:tok.End]
		out[tok.Term] = appendUnique(out[tok.Term], w)
	}
	return out
}

// Segment is a piece of text, Hit when it is a matched word.
type Segment struct {
	Text string
	Hit  bool
}

// Highlight cuts text into segments, marking every occurrence of the match's
// words, longest first so that 锂离子电池 is not cut into 锂离子 and 电池.
func Highlight(text string, terms []MatchTerm) []Segment {
	var words []string
	for _, t := range terms {
		for _, w := range t.Words {
			if strings.TrimSpace(w) != "" {
				words = appendUnique(words, w)
			}
		}
	}
	sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	if len(words) == 0 || text == "" {
		return []Segment{{Text: text}}
	}
	lower := asciiLower(text)
	var out []Segment
	start := 0
	for i := 0; i < len(text); {
		hit := ""
		for _, w := range words {
			lw := asciiLower(w)
			if strings.HasPrefix(lower[i:], lw) && (!isLatin(lw) || boundary(lower, i, i+len(lw))) {
				hit = text[i : i+len(lw)]
				break
			}
		}
		if hit == "" {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		if start < i {
			out = append(out, Segment{Text: text[start:i]})
		}
		out = append(out, Segment{Text: hit, Hit: true})
		i += len(hit)
		start = i
	}
	if start < len(text) {
		out = append(out, Segment{Text: text[start:]})
	}
	return out
}

func isLatin(w string) bool {
	for _, r := range w {
		if r > 0x7f {
			return false
		}
	}
	return true
}

// boundary reports that s[i:j] is a whole word (Latin words must not light up
// inside longer words).
func boundary(s string, i, j int) bool {
	word := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	return (i == 0 || !word(s[i-1])) && (j >= len(s) || !word(s[j]))
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay those of
// the original text.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
