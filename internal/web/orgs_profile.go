package web

import (
	"net/http"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/matching"
)

// Organisation profiles (business scope, technology fields, IPC codes) and
// the enterprise section of an achievement's matches page. The profile page
// is public; its form shows only to those identity lets edit it (the
// organisation's administrators and operators).

func (s *site) orgRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /orgs/{id}/profile", s.handle(s.orgProfile))
	mux.HandleFunc("POST /orgs/{id}/profile", s.handle(s.saveOrgProfile))
}

// profileForm is the profile form as typed.
type profileForm struct {
	ScopeZh, ScopeEn, IPC string
	Fields                map[string]bool
}

type fieldBox struct {
	Code    string
	Label   domain.Label
	Checked bool
}

type orgProfilePage struct {
	Org     identity.Org
	Profile identity.Profile
	CanEdit bool
	Form    profileForm
	Boxes   []fieldBox
	Errs    formErrors
	Saved   bool
}

func formOfProfile(p identity.Profile) profileForm {
	f := profileForm{ScopeZh: p.ScopeZh, ScopeEn: p.ScopeEn, IPC: strings.Join(p.IPCCodes, ", "), Fields: map[string]bool{}}
	for _, c := range p.Fields {
		f.Fields[c] = true
	}
	return f
}

func (s *site) renderOrgProfile(w http.ResponseWriter, r *http.Request, status int, edit func(*orgProfilePage)) error {
	ctx, id := r.Context(), r.PathValue("id")
	o, err := s.app.Identity.GetOrg(ctx, id)
	if err != nil {
		return err
	}
	p, err := s.app.Identity.GetProfile(ctx, id)
	if err != nil {
		return err
	}
	actor, _ := signedIn(r)
	page := orgProfilePage{Org: o, Profile: p, CanEdit: identity.CanEditProfile(actor, id), Form: formOfProfile(p),
		Saved: r.URL.Query().Get("saved") == "1"}
	edit(&page)
	for _, c := range domain.TechFields {
		page.Boxes = append(page.Boxes, fieldBox{Code: c.Code, Label: c.Label, Checked: page.Form.Fields[c.Code]})
	}
	return s.render(w, r, status, "org_profile", page)
}

func (s *site) orgProfile(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrgProfile(w, r, http.StatusOK, func(*orgProfilePage) {})
}

func (s *site) saveOrgProfile(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	f := profileForm{ScopeZh: r.PostFormValue("scope_zh"), ScopeEn: r.PostFormValue("scope_en"), IPC: r.PostFormValue("ipc_codes"),
		Fields: map[string]bool{}}
	in := identity.ProfileInput{ScopeZh: f.ScopeZh, ScopeEn: f.ScopeEn, Fields: r.PostForm["fields"], IPCCodes: []string{}}
	for _, c := range in.Fields {
		f.Fields[c] = true
	}
	for _, c := range strings.Split(f.IPC, ",") {
		if c = strings.TrimSpace(c); c != "" {
			in.IPCCodes = append(in.IPCCodes, c)
		}
	}
	_, err = s.app.Identity.UpdateProfile(r.Context(), actor, id, in)
	if err == nil {
		http.Redirect(w, r, "/orgs/"+id+"/profile?saved=1", http.StatusSeeOther)
		return nil
	}
	if apperr.KindOf(err) != apperr.Invalid {
		return err
	}
	fe := profileErrors(langOf(r), err)
	return s.renderOrgProfile(w, r, http.StatusUnprocessableEntity, func(p *orgProfilePage) { p.Form, p.Errs = f, fe })
}

// profileErrors puts each field error beside its form field: "ipc_codes[2]"
// belongs to the IPC box.
func profileErrors(lang string, err error) formErrors {
	fe := formErrors{By: map[string][]string{}}
	for _, f := range apperr.FieldsOf(err) {
		name := f.Field
		if i := strings.IndexByte(name, '['); i > 0 {
			name = name[:i]
		}
		fe.add(name, localMessage(lang, f))
	}
	if !fe.Any() {
		fe.General = append(fe.General, apperr.SafeMessage(err))
	}
	return fe
}

// enterpriseSection is the enterprises part of an achievement's matches page.
type enterpriseSection struct {
	Items       []enterpriseView
	Unavailable bool // the index is still being built
}

type enterpriseView struct {
	matching.EnterpriseMatch
	Scope []matching.Segment
	Bars  []factorBar
}

// enterprisesFor fills the section for an achievement; other listings get
// none. A still-building index shows as a note, not as a failed page.
func (s *site) enterprisesFor(r *http.Request, actor domain.Actor, m matching.Matches) (*enterpriseSection, error) {
	if m.Seeker.Listing == nil || m.Seeker.Listing.Kind != "achievement" {
		return nil, nil
	}
	em, err := s.app.Matching.EnterprisesFor(r.Context(), actor, m.Seeker.ID, kOf(r))
	if apperr.Is(err, apperr.Unavailable) {
		return &enterpriseSection{Unavailable: true}, nil
	}
	if err != nil {
		return nil, err
	}
	lang := langOf(r)
	sec := &enterpriseSection{Items: []enterpriseView{}}
	for _, it := range em.Items {
		sec.Items = append(sec.Items, enterpriseView{EnterpriseMatch: it,
			Scope: matching.Highlight(it.Enterprise.Scope(lang), it.Terms), Bars: barsOf(it.Factors)})
	}
	return sec, nil
}
