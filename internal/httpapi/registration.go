package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
)

// Technology-contract registration (issue 5): the stateless check, filings and
// the registrar's workflow. The routes are listed in routes.go.

// filings is the app's registration workflow (wired in app/filing.go), so
// the API, the web pages and the deal-conclusion hook share one clock.
func (h *api) filings() *filing.Service { return h.app.Filings }

// checkContract runs the registration checks on a contract without storing
// anything; the body is the contract, the answer the same Result JSON as
// `techmarket registration check --json`.
func (h *api) checkContract(w http.ResponseWriter, r *http.Request) error {
	var c registration.Contract
	if err := decodeJSON(w, r, &c); err != nil {
		return err
	}
	res, err := registration.Check(c, registration.CheckContext{Now: time.Now()})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// filingList is a list of filings (the registrar's queue, the filer's own).
type filingList struct {
	Items []filing.Filing `json:"items"`
}

func writeFiling(w http.ResponseWriter, status int, f filing.Filing) error {
	w.Header().Set("ETag", etag(f.Version))
	return writeJSON(w, status, f)
}

func (h *api) createFiling(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in filing.Draft
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := h.filings().CreateDraft(r.Context(), actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(f.Version))
	return created(w, Prefix+"/filings/"+f.ID, f)
}

func (h *api) getFiling(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	f, err := h.filings().Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

// updateFilingRequest replaces the contract of a draft or of a filing sent back
// for corrections; version is the one last read.
type updateFilingRequest struct {
	Version  int                   `json:"version"`
	Contract registration.Contract `json:"contract"`
}

func (h *api) updateFiling(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in updateFilingRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := h.filings().UpdateDraft(r.Context(), actor, r.PathValue("id"), in.Version, in.Contract)
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

// filingHistory lists a filing's events, oldest first.
func (h *api) filingHistory(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	events, err := h.filings().History(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, filingHistory{Items: events})
}

type filingHistory struct {
	Items []filing.Event `json:"items"`
}

// filingStep answers a body-less workflow step (submit, claim, withdraw).
func (h *api) filingStep(w http.ResponseWriter, r *http.Request,
	step func(s *filing.Service, ctx context.Context, actor domain.Actor, id string) (filing.Filing, error)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	f, err := step(h.filings(), r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

func (h *api) submitFiling(w http.ResponseWriter, r *http.Request) error {
	return h.filingStep(w, r, (*filing.Service).Submit)
}

func (h *api) claimFiling(w http.ResponseWriter, r *http.Request) error {
	return h.filingStep(w, r, (*filing.Service).Claim)
}

func (h *api) withdrawFiling(w http.ResponseWriter, r *http.Request) error {
	return h.filingStep(w, r, (*filing.Service).Withdraw)
}

// reasonRequest carries the reason of a correction request or a cancellation.
type reasonRequest struct {
	Reason string `json:"reason"`
}

func (h *api) requestFilingCorrection(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in reasonRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := h.filings().RequestCorrection(r.Context(), actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

func (h *api) cancelFiling(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in reasonRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := h.filings().Cancel(r.Context(), actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

// refuseRequest carries the coded reasons of a refusal (filing.RefusalReasons).
type refuseRequest struct {
	Codes []string `json:"codes"`
	Note  string   `json:"note"`
}

func (h *api) refuseFiling(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in refuseRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := h.filings().Refuse(r.Context(), actor, r.PathValue("id"), in.Codes, in.Note)
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

// registerRequest optionally overrides the technology amount, with a reason.
type registerRequest struct {
	Override *filing.OverrideInput `json:"override,omitempty"`
}

func (h *api) registerFiling(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in registerRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	f, err := h.filings().Register(r.Context(), actor, r.PathValue("id"), in.Override)
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

// amendRequest replaces a registered contract (变更登记).
type amendRequest struct {
	Contract registration.Contract `json:"contract"`
	Reason   string                `json:"reason"`
	Override *filing.OverrideInput `json:"override,omitempty"`
}

func (h *api) amendFiling(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in amendRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := h.filings().Amend(r.Context(), actor, r.PathValue("id"), in.Contract, in.Reason, in.Override)
	if err != nil {
		return err
	}
	return writeFiling(w, http.StatusOK, f)
}

// registrarQueue lists the filings waiting for the caller's registry (or the
// one named by ?registry=), the soonest deadline first.
func (h *api) registrarQueue(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, err := h.filings().Queue(r.Context(), actor, params(r).str("registry"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, filingList{Items: items})
}

func (h *api) myFilings(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, err := h.filings().Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, filingList{Items: items})
}

// filingCertificate renders the registration certificate of a registered filing.
func (h *api) filingCertificate(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	cert, err := h.filings().Certificate(r.Context(), actor, r.PathValue("id"))
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

// registrationStatistics aggregates a registry's registrations of a year
// (?registry=, ?year=; default: the caller's first registry, this year); with
// ?format=csv the same numbers come as one CSV table.
func (h *api) registrationStatistics(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	year := p.intIn("year", 2000, 9999)
	format := p.str("format")
	if format != "" && format != "json" && format != "csv" {
		p.faults.Add("format", "unknown_code", "must be json or csv", "应为 json 或 csv")
	}
	if err := p.err(); err != nil {
		return err
	}
	st, err := h.filings().Statistics(r.Context(), actor, p.str("registry"), year)
	if err != nil {
		return err
	}
	if format != "csv" {
		return writeJSON(w, http.StatusOK, st)
	}
	var buf bytes.Buffer
	if err := st.WriteCSV(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="registration-statistics-`+strconv.Itoa(st.Year)+`.csv"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// importFilings creates one draft per row of a CSV body (text/csv, columns in
// filing.ImportColumns) for ?registry= and optionally ?org=; good rows are kept
// and bad rows reported with their fields.
func (h *api) importFilings(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			detail: "send the rows as text/csv"}
	}
	p := params(r)
	registry := p.str("registry")
	if registry == "" {
		p.faults.Add("registry", "required", "name the registry organisation", "请指定登记机构")
	}
	if err := p.err(); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return &requestError{status: http.StatusRequestEntityTooLarge, code: "too_large",
			detail: fmt.Sprintf("the CSV exceeds %d bytes", MaxBodyBytes)}
	}
	rep, err := h.filings().ImportCSV(r.Context(), actor, registry, p.str("org"), bytes.NewReader(body))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
