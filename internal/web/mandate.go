package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// Brokers' mandates (技术经理人委托, issue 4): a party mandates a technology
// manager for one side of its deals; the broker accepts or declines; either
// revokes. Who may do what is decided by deal.Service; a mandate the viewer
// is neither party to nor broker of is a 404 here, so that its existence,
// commission and term do not leak to other organisations.

func (s *site) mandateRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /mandates", s.handle(s.mandatesPage))
	mux.HandleFunc("POST /mandates", s.handle(s.proposeMandate))
	mux.HandleFunc("GET /mandates/{id}", s.handle(s.mandateLink))
	mux.HandleFunc("POST /mandates/{id}/{action}", s.handle(s.mandateStep))
}

// mandateForm is the proposal form as typed.
type mandateForm struct {
	Org, Side, BrokerEmail, ListingID, CommissionKind, CommissionPct, CommissionYuan string
	ExpensesBorneBy, StartsOn, EndsOn                                                string
	CanNegotiate, ExpensesWaived                                                     bool
}

// mandateFields maps the service's field names onto the form's.
var mandateFields = map[string]string{
	"side": "side", "broker_user_id": "broker_email", "commission.kind": "commission_kind", "commission.bp": "commission_pct",
	"commission.fixed_fen": "commission_yuan", "expenses_borne_by": "expenses_borne_by", "starts_on": "starts_on", "ends_on": "ends_on",
	"listing_id": "listing_id",
}

type mandatesPage struct {
	dealText
	Mandates  []deal.Mandate
	Me        string            // the viewer's user ID: the broker answers
	Parties   map[string]string // party organisation names by ID
	Done      string
	CanGive   bool // the viewer holds a seller or buyer role somewhere
	Revocable map[string]bool
	Form      mandateForm
	Errs      formErrors
	ActErrs   formErrors
	Orgs      []option
	Sides     []option
	Kinds     []option
	Expenses  []option
}

// StateLabel names a mandate's state.
func (mandatesPage) StateLabel(lang string, st deal.State) string {
	return deal.MandateStates.Label(string(st)).In(lang)
}

// canRevoke says whether the viewer may revoke m: its broker or a member of
// the party with the side's role, while the mandate is proposed or active.
func canRevoke(m deal.Mandate, a domain.Actor) bool {
	if m.State != deal.MandateProposed && m.State != deal.MandateActive {
		return false
	}
	role := domain.RoleSeller
	if m.Side == deal.SideBuyer {
		role = domain.RoleBuyer
	}
	return m.BrokerUserID == a.UserID || a.HasRoleIn(m.PartyOrgID, role)
}

var mandateDone = map[string]string{"proposed": "mandate.done.proposed", "accept": "mandate.done.accept",
	"decline": "mandate.done.decline", "revoke": "mandate.done.revoke"}

func (s *site) mandatesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMandates(w, r, http.StatusOK, func(*mandatesPage) {})
}

func (s *site) renderMandates(w http.ResponseWriter, r *http.Request, status int, edit func(*mandatesPage)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ctx, lang := r.Context(), reqctx.Lang(r.Context())
	ms, err := s.app.Deals.Mandates(ctx, actor)
	if err != nil {
		return err
	}
	today := time.Now().In(chinaTime)
	p := mandatesPage{Mandates: ms, Me: actor.UserID, Parties: map[string]string{}, Done: mandateDone[r.URL.Query().Get("done")],
		Form: mandateForm{CommissionKind: deal.CommissionPercent, ExpensesBorneBy: "broker", Side: deal.SideSeller,
			StartsOn: today.Format(time.DateOnly), EndsOn: today.AddDate(1, 0, 0).Format(time.DateOnly)}}
	p.Revocable = map[string]bool{}
	for _, m := range ms {
		p.Revocable[m.ID] = canRevoke(m, actor)
		if _, ok := p.Parties[m.PartyOrgID]; ok {
			continue
		}
		if o, err := s.app.Identity.GetOrg(ctx, m.PartyOrgID); err == nil {
			p.Parties[m.PartyOrgID] = dealText{}.Pick(lang, o.NameEn, o.NameZh)
		} else {
			p.Parties[m.PartyOrgID] = m.PartyOrgID
		}
	}
	seen := map[string]bool{}
	for _, ro := range actor.Roles {
		if (ro.Role == domain.RoleSeller || ro.Role == domain.RoleBuyer) && !seen[ro.OrgID] {
			seen[ro.OrgID] = true
			p.CanGive = true
			p.Orgs = append(p.Orgs, option{Value: ro.OrgID, Label: ro.OrgName})
		}
	}
	edit(&p)
	for i := range p.Orgs {
		p.Orgs[i].Selected = p.Orgs[i].Value == p.Form.Org
	}
	for _, v := range []string{deal.SideSeller, deal.SideBuyer} {
		p.Sides = append(p.Sides, option{Value: v, Label: tr(lang, "mandate.side."+v), Selected: v == p.Form.Side})
	}
	for _, v := range []string{deal.CommissionPercent, deal.CommissionFixed, deal.CommissionUnagreed} {
		p.Kinds = append(p.Kinds, option{Value: v, Label: tr(lang, "mandate.kind."+v), Selected: v == p.Form.CommissionKind})
	}
	for _, v := range []string{"broker", "client"} {
		p.Expenses = append(p.Expenses, option{Value: v, Label: tr(lang, "mandate.expenses."+v), Selected: v == p.Form.ExpensesBorneBy})
	}
	return s.render(w, r, status, "mandates", p)
}

// proposeMandate reads the form; the broker is named by e-mail, and an
// unknown address gets the same answer as a user who is no broker, so the
// form does not tell who has an account.
func (s *site) proposeMandate(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, lang := r.Context(), reqctx.Lang(r.Context())
	pf := r.PostFormValue
	f := mandateForm{Org: pf("org"), Side: pf("side"), BrokerEmail: strings.TrimSpace(pf("broker_email")), ListingID: strings.TrimSpace(pf("listing_id")),
		CommissionKind: pf("commission_kind"), CommissionPct: pf("commission_pct"), CommissionYuan: pf("commission_yuan"),
		ExpensesBorneBy: pf("expenses_borne_by"), StartsOn: pf("starts_on"), EndsOn: pf("ends_on"),
		CanNegotiate: pf("can_negotiate") != "", ExpensesWaived: pf("expenses_waived") != ""}
	fe := formErrors{By: map[string][]string{}}
	in := deal.MandateInput{PartyOrgID: f.Org, Side: f.Side, ListingID: f.ListingID, CanNegotiate: f.CanNegotiate,
		Commission: deal.Commission{Kind: f.CommissionKind}, ExpensesBorneBy: f.ExpensesBorneBy, StartsOn: f.StartsOn, EndsOn: f.EndsOn}
	if f.ExpensesWaived {
		no := false
		in.ExpensesIfFailed = &no
	}
	switch f.CommissionKind {
	case deal.CommissionPercent:
		// A percentage with up to two decimals is a whole number of basis points.
		bp, err := domain.ParseYuan(strings.TrimSpace(f.CommissionPct))
		if err != nil || strings.TrimSpace(f.CommissionPct) == "" {
			fe.add("commission_pct", tr(lang, "deal.err.percent"))
		}
		in.Commission.BP = int64(bp)
	case deal.CommissionFixed:
		if strings.TrimSpace(f.CommissionYuan) == "" {
			fe.add("commission_yuan", tr(lang, "mandate.err.amount"))
		}
		in.Commission.FixedFen = parseYuanField(lang, f.CommissionYuan, &fe, "commission_yuan")
	}
	if f.BrokerEmail == "" {
		fe.add("broker_email", tr(lang, "mandate.err.broker"))
	} else if u, err := s.app.Identity.UserByEmail(ctx, f.BrokerEmail); err == nil {
		in.BrokerUserID = u.ID
	} else if apperr.KindOf(err) == apperr.NotFound {
		fe.add("broker_email", tr(lang, "mandate.err.broker"))
	} else {
		return err
	}
	status := http.StatusUnprocessableEntity
	if !fe.Any() {
		_, err := s.app.Deals.ProposeMandate(ctx, actor, in)
		if err == nil {
			http.Redirect(w, r, "/mandates?done=proposed", http.StatusSeeOther)
			return nil
		}
		if !isUserError(err) {
			return err
		}
		fe, status = newFormErrors(lang, err, mandateFields), userErrorStatus(err)
		if msgs := fe.By["broker_email"]; len(msgs) > 0 {
			fe.By["broker_email"] = []string{tr(lang, "mandate.err.broker")}
		}
	}
	return s.renderMandates(w, r, status, func(p *mandatesPage) { p.Form, p.Errs = f, fe })
}

// visibleMandate finds a mandate among the viewer's; any other is not found.
func (s *site) visibleMandate(r *http.Request, actor domain.Actor, id string) (deal.Mandate, error) {
	ms, err := s.app.Deals.Mandates(r.Context(), actor)
	if err != nil {
		return deal.Mandate{}, err
	}
	for _, m := range ms {
		if m.ID == id {
			return m, nil
		}
	}
	return deal.Mandate{}, apperr.E("web.mandate", apperr.NotFound, "mandate not found")
}

// mandateLink is where notifications point: the viewer's list, at the mandate.
func (s *site) mandateLink(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	m, err := s.visibleMandate(r, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/mandates#m-"+m.ID, http.StatusSeeOther)
	return nil
}

func (s *site) mandateStep(w http.ResponseWriter, r *http.Request) error {
	action := r.PathValue("action")
	if _, ok := mandateDone[action]; !ok || action == "proposed" {
		return apperr.E("web.mandate", apperr.NotFound, "no such action")
	}
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	m, err := s.visibleMandate(r, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch action {
	case "accept", "decline":
		_, err = s.app.Deals.RespondMandate(ctx, actor, m.ID, action == "accept")
	case "revoke":
		_, err = s.app.Deals.RevokeMandate(ctx, actor, m.ID)
	}
	if err != nil {
		if !isUserError(err) {
			return err
		}
		fe := newFormErrors(reqctx.Lang(ctx), err, nil)
		return s.renderMandates(w, r, userErrorStatus(err), func(p *mandatesPage) { p.ActErrs = fe })
	}
	http.Redirect(w, r, "/mandates?done="+action+"#m-"+m.ID, http.StatusSeeOther)
	return nil
}
