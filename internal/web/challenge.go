package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// The challenge board (揭榜挂帅, issue 4): open challenges with reward and
// deadline, a challenge's page where solvers propose, the owner's selection of
// winners with feedback to every other solver, and each solver's own outcome.
// Which proposals a viewer sees is decided by deal.Service.GetChallenge (all of
// them for the owner and operators, its own for a solver).

func (s *site) challengeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /challenges", s.handle(s.challengeBoard))
	mux.HandleFunc("GET /challenges/{id}", s.handle(s.challengePage))
	mux.HandleFunc("POST /challenges/{id}/proposals", s.handle(s.submitProposal))
	mux.HandleFunc("POST /challenges/{id}/select", s.handle(s.selectWinners))
}

type challengeBoardPage struct {
	dealText
	All        bool
	Challenges []deal.Challenge
	Now        time.Time
}

func (s *site) challengeBoard(w http.ResponseWriter, r *http.Request) error {
	all := r.URL.Query().Get("state") == "all"
	state := "open"
	if all {
		state = ""
	}
	cs, err := s.app.Deals.ChallengeBoard(r.Context(), state)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "challenge_list", challengeBoardPage{All: all, Challenges: cs, Now: time.Now()})
}

// proposalForm is the proposal form as typed.
type proposalForm struct{ Summary, Plan, PriceYuan, DurationMonths string }

type challengePage struct {
	dealText
	C          deal.ChallengeView
	Listing    listing.Listing
	Done       string
	Open       bool // proposals are taken now
	IsOwner    bool
	CanPropose bool
	CanSelect  bool
	Form       proposalForm
	FormErrs   formErrors
	SelErrs    formErrors
	Feedback   []option
	Names      map[string]string // solver organisation names by ID, for the owner
}

func (s *site) challengePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderChallenge(w, r, http.StatusOK, func(*challengePage) {})
}

func (s *site) renderChallenge(w http.ResponseWriter, r *http.Request, status int, edit func(*challengePage)) error {
	ctx, actor, lang := r.Context(), reqctx.Actor(r.Context()), reqctx.Lang(r.Context())
	c, err := s.app.Deals.GetChallenge(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := challengePage{C: c, Done: doneMessage(r), Names: map[string]string{}}
	if p.Listing, err = s.app.Listings.Get(ctx, actor, c.ListingID); err != nil {
		p.Listing = listing.Listing{ID: c.ListingID, Input: listing.Input{TitleZh: c.Title.Zh, TitleEn: c.Title.En}}
	}
	now := time.Now()
	p.Open = c.State == deal.ChallengeOpen && now.Before(c.Deadline)
	signed := !actor.IsAnonymous()
	p.IsOwner = signed && actor.MemberOf(c.OwnerOrgID)
	mine := false
	for _, pr := range c.Proposals {
		if actor.MemberOf(pr.SolverOrgID) {
			mine = true
		}
		if org, err := s.app.Identity.GetOrg(ctx, pr.SolverOrgID); err == nil {
			p.Names[pr.SolverOrgID] = dealText{}.Pick(lang, org.NameEn, org.NameZh)
		}
	}
	p.CanPropose = p.Open && signed && !p.IsOwner && actor.HasRole(domain.RoleSeller) && !mine
	// The service lets operators decide too; the page offers it to the owner
	// and to operators once the deadline has passed.
	p.CanSelect = signed && (p.IsOwner || actor.HasRole(domain.RoleOperator)) && c.State == deal.ChallengeOpen &&
		!now.Before(c.Deadline) && len(c.Proposals) > 0
	p.Feedback = dealOptions(lang, deal.FeedbackReasons, "", true)
	edit(&p)
	return s.render(w, r, status, "challenge", p)
}

func (s *site) submitProposal(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := reqctx.Lang(r.Context())
	f := proposalForm{Summary: r.PostFormValue("summary"), Plan: r.PostFormValue("plan"), PriceYuan: r.PostFormValue("price_yuan"),
		DurationMonths: r.PostFormValue("duration_months")}
	fe := formErrors{By: map[string][]string{}}
	in := deal.ProposalInput{OrgID: r.PostFormValue("org_id"), Summary: f.Summary, Plan: f.Plan}
	in.PriceFen = parseYuanField(lang, f.PriceYuan, &fe, "price_yuan")
	in.DurationMonths = parseIntField(lang, f.DurationMonths, &fe, "duration_months")
	status := http.StatusUnprocessableEntity
	if !fe.Any() {
		_, err = s.app.Deals.SubmitProposal(r.Context(), actor, r.PathValue("id"), in)
		if err == nil {
			http.Redirect(w, r, "/challenges/"+r.PathValue("id")+"?done=proposal", http.StatusSeeOther)
			return nil
		}
		if !isUserError(err) {
			return err
		}
		status = userErrorStatus(err)
		fe = newFormErrors(lang, err, map[string]string{"summary": "summary", "plan": "plan", "price_fen": "price_yuan",
			"duration_months": "duration_months"})
	}
	return s.renderChallenge(w, r, status, func(p *challengePage) { p.Form, p.FormErrs = f, fe })
}

// selectWinners reads the owner's decision: the proposals ticked as winners,
// and for each other proposal a feedback reason and text.
func (s *site) selectWinners(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	sel := deal.Selection{Winners: r.PostForm["winner"], Feedback: map[string]deal.Feedback{}}
	names := map[string]string{"winners": "winners"}
	for key, vals := range r.PostForm {
		if id, ok := strings.CutPrefix(key, "fb_code_"); ok && len(vals) > 0 {
			fb := sel.Feedback[id]
			fb.Code = vals[0]
			sel.Feedback[id] = fb
		}
		if id, ok := strings.CutPrefix(key, "fb_text_"); ok && len(vals) > 0 {
			fb := sel.Feedback[id]
			fb.Text = strings.TrimSpace(vals[0])
			sel.Feedback[id] = fb
		}
	}
	for _, id := range r.PostForm["proposal"] {
		names["feedback."+id+".code"] = "fb_code_" + id
		names["feedback."+id+".text"] = "fb_text_" + id
	}
	// A winner needs no feedback; drop what the form sent for it.
	for _, id := range sel.Winners {
		delete(sel.Feedback, id)
	}
	_, err = s.app.Deals.SelectWinners(r.Context(), actor, r.PathValue("id"), sel)
	if err == nil {
		http.Redirect(w, r, "/challenges/"+r.PathValue("id")+"?done=selected", http.StatusSeeOther)
		return nil
	}
	if !isUserError(err) {
		return err
	}
	fe := newFormErrors(reqctx.Lang(r.Context()), err, names)
	return s.renderChallenge(w, r, userErrorStatus(err), func(p *challengePage) { p.SelErrs = fe })
}
