package web

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// Public notices of agreed prices (协议定价公示, issue 4). The notice is public
// so that anyone may object while it runs; a third party cannot open the deal
// room, so it objects from the notice board. The venue's operators decide an
// objection in the room; deal.Service decides who may do either.

func (s *site) noticeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /notices", s.handle(s.noticeBoard))
	mux.HandleFunc("POST /notices/{id}/objections", s.handle(s.raiseObjection))
	mux.HandleFunc("POST /deals/{id}/objections/{objection}", s.handle(s.resolveObjection))
}

type noticeBoardPage struct {
	dealText
	Notices  []deal.Notice
	SignedIn bool
	Done     bool
	ErrDeal  string // the notice whose objection form failed
	Reason   string
	Errs     formErrors
}

func (s *site) noticeBoard(w http.ResponseWriter, r *http.Request) error {
	return s.renderNotices(w, r, http.StatusOK, noticeBoardPage{Done: r.URL.Query().Get("done") == "objection"})
}

func (s *site) renderNotices(w http.ResponseWriter, r *http.Request, status int, p noticeBoardPage) error {
	ns, err := s.app.Deals.PublicNotices(r.Context())
	if err != nil {
		return err
	}
	p.Notices, p.SignedIn = ns, !reqctx.Actor(r.Context()).IsAnonymous()
	return s.render(w, r, status, "deal_notices", p)
}

func (s *site) raiseObjection(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	id, reason := r.PathValue("id"), r.PostFormValue("reason")
	if _, err = s.app.Deals.RaiseObjection(r.Context(), actor, id, reason); err != nil {
		if !isUserError(err) {
			return err
		}
		fe := newFormErrors(reqctx.Lang(r.Context()), err, map[string]string{"reason": "reason"})
		return s.renderNotices(w, r, userErrorStatus(err), noticeBoardPage{ErrDeal: id, Reason: reason, Errs: fe})
	}
	http.Redirect(w, r, "/notices?done=objection", http.StatusSeeOther)
	return nil
}

// resolveObjection upholds or dismisses an objection (the venue's operators).
func (s *site) resolveObjection(w http.ResponseWriter, r *http.Request) error {
	return s.dealStep(w, r, "objection", func(a domain.Actor) error {
		outcome := r.PostFormValue("outcome")
		if outcome != "upheld" && outcome != "dismissed" {
			return apperr.Fields("web.objection", apperr.Field("outcome", "invalid", "uphold or dismiss the objection", "请选择支持或驳回异议"))
		}
		_, err := s.app.Deals.ResolveObjection(r.Context(), a, r.PathValue("id"), r.PathValue("objection"), outcome == "upheld",
			r.PostFormValue("resolution"))
		return err
	}, func(p *dealRoomPage, fe formErrors) { p.ObjectionErrs, p.ObjectionID = fe, r.PathValue("objection") })
}
