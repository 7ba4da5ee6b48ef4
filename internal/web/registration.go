package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
)

// Technology-contract registration pages (issue 5): a filing form where the
// contract JSON is pasted and checked, the filer's filings, the registrar's
// queue ordered by deadline, and a filing's detail with the registrar's actions.

func (s *site) registrationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /registration/new", s.handle(s.newFilingForm))
	mux.HandleFunc("POST /registration/new", s.handle(s.postFilingForm))
	mux.HandleFunc("GET /registration/filings", s.handle(s.myFilings))
	mux.HandleFunc("GET /registration/queue", s.handle(s.registrarQueue))
	mux.HandleFunc("GET /registration/statistics", s.handle(s.registrationStatistics))
	mux.HandleFunc("GET /registration/statistics.csv", s.handle(s.registrationStatisticsCSV))
	mux.HandleFunc("GET /registration/filings/{id}", s.handle(s.filingDetail))
	mux.HandleFunc("POST /registration/filings/{id}/{action}", s.handle(s.filingAction))
	mux.HandleFunc("GET /registration/filings/{id}/certificate.pdf", s.handle(s.filingCertificate))
}

// filings is the registration workflow over the app's database; the service
// keeps no state beyond its clock.
func (s *site) filings() *filing.Service { return s.app.Filings }

// filingFormPage is the data of the filing form: the registries to choose from,
// what was pasted, and the check result or the errors of the last attempt.
type filingFormPage struct {
	regText
	Registries []filing.Registry
	Registry   string
	Contract   string
	Result     *registration.Result
	Errors     []apperr.FieldError
	Detail     string
}

func (s *site) newFilingForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := signedIn(r); err != nil {
		return err
	}
	regs, err := s.filings().Registries(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "registration_new", filingFormPage{Registries: regs})
}

// postFilingForm checks the pasted contract (button "check") or saves it as a
// draft (button "save") and goes to the filing.
func (s *site) postFilingForm(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	page := filingFormPage{Registry: r.PostFormValue("registry_org_id"), Contract: r.PostFormValue("contract")}
	if page.Registries, err = s.filings().Registries(r.Context()); err != nil {
		return err
	}
	c, err := registration.DecodeContract(strings.NewReader(page.Contract))
	if err == nil {
		if r.PostFormValue("op") == "save" {
			f, err := s.filings().CreateDraft(r.Context(), actor, filing.Draft{RegistryOrgID: page.Registry, Contract: c})
			if err == nil {
				seeOther(w, r, "/registration/filings/"+f.ID, "saved")
				return nil
			}
			return s.filingFormError(w, r, page, err)
		}
		var region string
		for _, reg := range page.Registries {
			if reg.OrgID == page.Registry {
				region = reg.RegionCode
			}
		}
		res, err := registration.Check(c, registration.CheckContext{RegistryRegion: region})
		if err == nil {
			page.Result = &res
			return s.render(w, r, http.StatusOK, "registration_new", page)
		}
		return s.filingFormError(w, r, page, err)
	}
	return s.filingFormError(w, r, page, err)
}

// filingFormError shows an invalid contract again with every field named;
// other errors get the error page.
func (s *site) filingFormError(w http.ResponseWriter, r *http.Request, page filingFormPage, err error) error {
	if apperr.KindOf(err) != apperr.Invalid {
		return err
	}
	page.Errors = apperr.FieldsOf(err)
	if len(page.Errors) == 0 {
		page.Detail = apperr.SafeMessage(err)
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "registration_new", page)
}

// filingListPage lists filings: the filer's own or a registry's queue.
type filingListPage struct {
	regText
	Queue bool
	Items []filing.Filing
	Now   time.Time
}

func (s *site) myFilings(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, err := s.filings().Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "registration_list", filingListPage{Items: items, Now: time.Now()})
}

func (s *site) registrarQueue(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, err := s.filings().Queue(r.Context(), actor, r.URL.Query().Get("registry"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "registration_list", filingListPage{Queue: true, Items: items, Now: time.Now()})
}

// filingDetailPage is a filing with its history and what the viewer may do.
type filingDetailPage struct {
	regText
	Filing         filing.Filing
	History        []filing.Event
	IsFiler        bool
	IsRegistrar    bool
	RefusalReasons domain.CodeList
	Now            time.Time
	Errors         []apperr.FieldError
}

func (s *site) filingDetail(w http.ResponseWriter, r *http.Request) error {
	return s.renderFiling(w, r, http.StatusOK, nil)
}

func (s *site) renderFiling(w http.ResponseWriter, r *http.Request, status int, errs []apperr.FieldError) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	svc := s.filings()
	f, err := svc.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	hist, err := svc.History(r.Context(), actor, f.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "registration_filing", filingDetailPage{Filing: f, History: hist,
		IsFiler: actor.MemberOf(f.FilerOrgID), IsRegistrar: actor.HasRoleIn(f.RegistryOrgID, domain.RoleRegistrar),
		RefusalReasons: filing.RefusalReasons, Now: time.Now(), Errors: errs})
}

// filingAction runs one workflow step posted from the detail page; invalid
// input shows the page again with the fields named.
func (s *site) filingAction(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, id, svc := r.Context(), r.PathValue("id"), s.filings()
	reason := r.PostFormValue("reason")
	switch r.PathValue("action") {
	case "submit":
		_, err = svc.Submit(ctx, actor, id)
	case "withdraw":
		_, err = svc.Withdraw(ctx, actor, id)
	case "claim":
		_, err = svc.Claim(ctx, actor, id)
	case "request-correction":
		_, err = svc.RequestCorrection(ctx, actor, id, reason)
	case "refuse":
		_, err = svc.Refuse(ctx, actor, id, r.PostForm["codes"], r.PostFormValue("note"))
	case "register":
		var ov *filing.OverrideInput
		if amount := strings.TrimSpace(r.PostFormValue("override_yuan")); amount != "" {
			fen, perr := domain.ParseYuan(amount)
			if perr != nil {
				return s.renderFiling(w, r, http.StatusUnprocessableEntity, []apperr.FieldError{apperr.Field("override_yuan", "invalid",
					"not an amount in yuan", "金额格式不正确")})
			}
			ov = &filing.OverrideInput{AmountFen: fen, Reason: reason}
		}
		_, err = svc.Register(ctx, actor, id, ov)
	case "cancel":
		_, err = svc.Cancel(ctx, actor, id, reason)
	default:
		return apperr.E("web.filingAction", apperr.NotFound, "no such action")
	}
	if err != nil {
		if apperr.KindOf(err) == apperr.Invalid {
			return s.renderFiling(w, r, http.StatusUnprocessableEntity, apperr.FieldsOf(err))
		}
		return err
	}
	seeOther(w, r, "/registration/filings/"+id, "saved")
	return nil
}

func (s *site) filingCertificate(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	cert, err := s.filings().Certificate(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := cert.PDF()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="registration-`+cert.RegistrationNumber+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

// regText gives the registration pages their labels; the page types embed it
// so templates can write {{$v.Data.Label $v.Lang "type" .Classification}}.
type regText struct{}

// Label names a registration code in a language.
func (regText) Label(lang, list, code string) string {
	switch list {
	case "type":
		return registration.ContractTypes.Label(code).In(lang)
	case "refusal":
		return filing.RefusalReasons.Label(code).In(lang)
	case "status":
		return tr(lang, "reg.status."+code)
	case "deadline":
		return tr(lang, "reg.deadline."+code)
	}
	return code
}

// Pick returns the text in the UI language: en when the language is English
// and en is not empty, else zh.
func (regText) Pick(lang, en, zh string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}
