package web

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
	"github.com/techmarket-org/techmarket/internal/valuation/service"
)

// detailPage is the data of the listing detail template.
type detailPage struct {
	L        listing.Listing
	Province string

	// What the viewer may do, by role and status.
	CanEdit, CanSubmit, CanWithdraw, CanRenew, CanReview bool
	CanValue                                             bool // may start the valuation wizard
	Valuations                                           []service.Valuation

	// DetailAccess says why the confidential detail is shown: "owner",
	// "operator" or "granted"; empty when it is withheld or there is none.
	DetailAccess string

	ReviewErrors []string // a rejection without a reason
	Reason       string   // the reason as typed, kept on error
}

func (s *site) detail(w http.ResponseWriter, r *http.Request) error {
	return s.renderDetail(w, r, http.StatusOK, nil, "")
}

func (s *site) renderDetail(w http.ResponseWriter, r *http.Request, status int, reviewErrs []string, reason string) error {
	actor := reqctx.Actor(r.Context())
	l, err := s.app.Listings.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := detailPage{L: l, ReviewErrors: reviewErrs, Reason: reason}
	if prov, ok := domain.ProvinceOf(l.RegionCode); ok {
		p.Province = prov.Label.In(reqctx.Lang(r.Context()))
	}
	if canManage(actor, l) {
		p.CanEdit = l.Status != listing.StatusWithdrawn
		p.CanSubmit = l.Status == listing.StatusDraft || l.Status == listing.StatusRejected
		p.CanWithdraw = l.Status != listing.StatusWithdrawn
		p.CanRenew = l.Status == listing.StatusPublished || l.Status == listing.StatusExpired
	}
	p.CanReview = !actor.IsAnonymous() && actor.HasRole(domain.RoleOperator) && l.Status == listing.StatusSubmitted
	p.CanValue = l.Kind == listing.KindAchievement && service.CanValue(actor, l)
	if p.CanValue {
		if p.Valuations, err = s.valuations().ListForListing(r.Context(), actor, l.ID); err != nil {
			return err
		}
	}
	if l.DetailZh != "" || l.DetailEn != "" {
		// listing.Get only leaves the detail in for the owner, operators and
		// organisations granted access; say which, so nobody wonders.
		switch {
		case actor.MemberOf(l.OwnerOrgID):
			p.DetailAccess = "owner"
		case actor.HasRole(domain.RoleOperator):
			p.DetailAccess = "operator"
		default:
			p.DetailAccess = "granted"
		}
	}
	return s.render(w, r, status, "detail", p)
}

// lifecycle runs one owner action on a listing and returns to its page.
func (s *site) lifecycle(w http.ResponseWriter, r *http.Request, msg string,
	act func(domain.Actor, string) (listing.Listing, error)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	l, err := act(actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	seeOther(w, r, "/listings/"+l.ID, msg)
	return nil
}

func (s *site) submitListing(w http.ResponseWriter, r *http.Request) error {
	return s.lifecycle(w, r, "submitted", func(a domain.Actor, id string) (listing.Listing, error) {
		return s.app.Listings.Submit(r.Context(), a, id)
	})
}

func (s *site) withdrawListing(w http.ResponseWriter, r *http.Request) error {
	return s.lifecycle(w, r, "withdrawn", func(a domain.Actor, id string) (listing.Listing, error) {
		return s.app.Listings.Withdraw(r.Context(), a, id)
	})
}

func (s *site) renewListing(w http.ResponseWriter, r *http.Request) error {
	return s.lifecycle(w, r, "renewed", func(a domain.Actor, id string) (listing.Listing, error) {
		return s.app.Listings.Renew(r.Context(), a, id)
	})
}

// reviewListing approves or rejects a submitted listing, from its page or from
// the review queue ("back" says where to return).
func (s *site) reviewListing(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	approve := r.PostFormValue("decision") == "approve"
	reason := r.PostFormValue("reason")
	l, err := s.app.Listings.Review(r.Context(), actor, r.PathValue("id"), approve, reason)
	if fields := apperr.FieldsOf(err); len(fields) > 0 {
		msgs := newFieldErrors(reqctx.Lang(r.Context()), fields).of("reason", false)
		return s.renderDetail(w, r, http.StatusUnprocessableEntity, msgs, reason)
	}
	if err != nil {
		return err
	}
	msg := "rejected"
	if approve {
		msg = "approved"
	}
	back := "/listings/" + l.ID
	if r.PostFormValue("back") == "/review" {
		back = "/review"
	}
	seeOther(w, r, back, msg)
	return nil
}
