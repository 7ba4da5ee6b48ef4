package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/matching"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// Matching pages (issue 3): a listing's or a saved need's matches with why
// they match (matched words highlighted, factor bars), relevant / not
// relevant buttons with a reason, the seller's aggregated reasons, and the
// management of saved needs with their alerts.

func (s *site) matchingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /listings/{id}/matches", s.handle(s.listingMatches))
	mux.HandleFunc("POST /listings/{id}/matches/feedback", s.handle(s.judgeListingMatch))
	mux.HandleFunc("GET /saved-needs", s.handle(s.savedNeeds))
	mux.HandleFunc("POST /saved-needs", s.handle(s.createSavedNeed))
	mux.HandleFunc("GET /saved-needs/{id}", s.handle(s.savedNeedMatches))
	mux.HandleFunc("POST /saved-needs/{id}/feedback", s.handle(s.judgeSavedNeedMatch))
	mux.HandleFunc("POST /saved-needs/{id}/delete", s.handle(s.deleteSavedNeed))
}

// matchesPage is a seeker's matches, explained, with what the viewer may do.
type matchesPage struct {
	Matches   matching.Matches
	Items     []matchView
	Reasons   []matching.Reason
	Action    string                    // where verdicts are posted
	Summary   *matching.FeedbackSummary // what others said of the seeker listing, for its owners
	CanSave   bool                      // the viewer may save the seeker listing as a need
	SavedNeed *matching.SavedNeed
	Alerts    []alertView
	// Enterprises that may want the seeker, for an achievement (orgs_profile.go).
	Enterprises *enterpriseSection
}

// matchView is a match with its text cut for highlighting and its factors
// drawn as bars.
type matchView struct {
	matching.Match
	Title   []matching.Segment
	Summary []matching.Segment
	Bars    []factorBar
}

// factorBar draws one factor's points as a bar from the middle of a small
// SVG: right and green when it helped, left and red when it hurt.
type factorBar struct {
	matching.MatchFactor
	X, W     int
	Positive bool
}

// barHalf is half the bar area in SVG units; barScale is points per unit.
const (
	barHalf     = 60
	barMaxShare = 0.25
)

func barsOf(fs []matching.MatchFactor) []factorBar {
	out := make([]factorBar, 0, len(fs))
	for _, f := range fs {
		w := int(min(1, abs(f.Share)/barMaxShare) * barHalf)
		w = max(w, 2)
		b := factorBar{MatchFactor: f, Positive: f.Share > 0, W: w, X: barHalf}
		if !b.Positive {
			b.X = barHalf - w
		}
		out = append(out, b)
	}
	return out
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func viewsOf(lang string, ms []matching.Match) []matchView {
	out := make([]matchView, 0, len(ms))
	for _, m := range ms {
		out = append(out, matchView{Match: m, Title: matching.Highlight(m.Listing.Title(lang), m.Terms),
			Summary: matching.Highlight(m.Listing.Summary(lang), m.Terms), Bars: barsOf(m.Factors)})
	}
	return out
}

func (s *site) listingMatches(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	m, err := s.app.Matching.ForListing(ctx, actor, id, kOf(r))
	if err != nil {
		return err
	}
	page := matchesPage{Matches: m, Items: viewsOf(langOf(r), m.Items), Reasons: matching.Reasons,
		Action: "/listings/" + id + "/matches/feedback", CanSave: m.Seeker.CanJudge}
	if m.Seeker.CanJudge {
		sum, err := s.app.Matching.FeedbackSummary(ctx, actor, id)
		if err != nil {
			return err
		}
		page.Summary = &sum
	}
	if page.Enterprises, err = s.enterprisesFor(r, actor, m); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "matching_matches", page)
}

// kOf reads ?k= leniently: the page shows 10 unless asked for up to 50.
func kOf(r *http.Request) int {
	k, err := strconv.Atoi(r.URL.Query().Get("k"))
	if err != nil || k < 1 || k > matching.MaxK {
		return matching.DefaultK
	}
	return k
}

func langOf(r *http.Request) string { return reqctx.Lang(r.Context()) }

// feedbackFrom reads a verdict form: relevant=1|0 and an optional reason.
func feedbackFrom(r *http.Request) matching.FeedbackInput {
	in := matching.FeedbackInput{TargetID: r.PostFormValue("target_id"), Relevant: r.PostFormValue("relevant") == "1"}
	if !in.Relevant {
		in.Reason = r.PostFormValue("reason")
	}
	return in
}

func (s *site) judgeListingMatch(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.app.Matching.JudgeListingMatch(r.Context(), actor, id, feedbackFrom(r)); err != nil {
		return err
	}
	seeOther(w, r, "/listings/"+id+"/matches", "match_judged")
	return nil
}

// savedNeedsPage lists the user's saved needs with the form to add one.
type savedNeedsPage struct {
	Items  []matching.SavedNeed
	Form   matching.SavedNeedInput
	Fields []string
	Errors []apperr.FieldError
	Detail string
}

// Error returns the message for a field of the last attempt, in a language.
func (p savedNeedsPage) Error(lang, field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			if lang == "zh" && e.MessageZh != "" {
				return e.MessageZh
			}
			return e.Message
		}
	}
	return ""
}

func (s *site) savedNeeds(w http.ResponseWriter, r *http.Request) error {
	return s.renderSavedNeeds(w, r, http.StatusOK, savedNeedsPage{Form: matching.SavedNeedInput{Kind: listing.KindAchievement}})
}

func (s *site) renderSavedNeeds(w http.ResponseWriter, r *http.Request, status int, page savedNeedsPage) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if page.Items, err = s.app.Matching.SavedNeeds(r.Context(), actor); err != nil {
		return err
	}
	page.Fields = domain.TechFields.Codes()
	return s.render(w, r, status, "matching_saved", page)
}

func (s *site) createSavedNeed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	in := matching.SavedNeedInput{
		Name: r.PostFormValue("name"), ListingID: r.PostFormValue("listing_id"), Text: r.PostFormValue("text"),
		Kind: r.PostFormValue("kind"), Field: r.PostFormValue("field"), RegionPrefix: r.PostFormValue("region_prefix"),
		WebhookURL: r.PostFormValue("webhook_url"),
	}
	var faults apperr.FieldList
	if v := strings.TrimSpace(r.PostFormValue("min_score")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			faults.Add("min_score", "invalid", "the threshold must be a number", "阈值须为数字")
		}
		in.MinScore = f
	}
	if v := strings.TrimSpace(r.PostFormValue("min_trl")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			faults.Add("min_trl", "invalid", "TRL must be a whole number", "技术成熟度须为整数")
		}
		in.MinTRL = n
	}
	err = faults.Err("web.savedNeed")
	var n matching.SavedNeed
	if err == nil {
		n, err = s.app.Matching.CreateSavedNeed(r.Context(), actor, in)
	}
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		page := savedNeedsPage{Form: in, Errors: apperr.FieldsOf(err)}
		if len(page.Errors) == 0 {
			page.Detail = apperr.SafeMessage(err)
		}
		return s.renderSavedNeeds(w, r, http.StatusUnprocessableEntity, page)
	}
	seeOther(w, r, "/saved-needs/"+n.ID, "saved_need_created")
	return nil
}

// alertView is an alert with the matched listing's title when it is still
// visible.
type alertView struct {
	matching.Alert
	Title string
}

func (s *site) savedNeedMatches(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	n, err := s.app.Matching.SavedNeed(ctx, actor, id)
	if err != nil {
		return err
	}
	m, err := s.app.Matching.ForSavedNeed(ctx, actor, id, kOf(r))
	if err != nil {
		return err
	}
	alerts, err := s.app.Matching.Alerts(ctx, actor, id)
	if err != nil {
		return err
	}
	lang := langOf(r)
	page := matchesPage{Matches: m, Items: viewsOf(lang, m.Items), Reasons: matching.Reasons,
		Action: "/saved-needs/" + id + "/feedback", SavedNeed: &n}
	for _, a := range alerts {
		av := alertView{Alert: a, Title: a.ListingID}
		if l, err := s.app.Listings.Get(ctx, actor, a.ListingID); err == nil {
			av.Title = l.Title(lang)
		}
		page.Alerts = append(page.Alerts, av)
	}
	return s.render(w, r, http.StatusOK, "matching_matches", page)
}

func (s *site) judgeSavedNeedMatch(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.app.Matching.JudgeSavedNeedMatch(r.Context(), actor, id, feedbackFrom(r)); err != nil {
		return err
	}
	seeOther(w, r, "/saved-needs/"+id, "match_judged")
	return nil
}

func (s *site) deleteSavedNeed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if err := s.app.Matching.DeleteSavedNeed(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	seeOther(w, r, "/saved-needs", "saved_need_deleted")
	return nil
}
