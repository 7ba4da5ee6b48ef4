package httpapi

import (
	"bytes"
	"net/http"

	"github.com/techmarket-org/techmarket/internal/reqctx"
	"github.com/techmarket-org/techmarket/internal/valuation"
	"github.com/techmarket-org/techmarket/internal/valuation/report"
	"github.com/techmarket-org/techmarket/internal/valuation/service"
)

// valuations is the app's valuation service.
func (h *api) valuations() *service.Service {
	return h.app.Valuations
}

// valuationList is the answer of GET /listings/{id}/valuations, newest first.
type valuationList struct {
	Items []service.Valuation `json:"items"`
}

// createValuation values a listing. The body is a valuation input; facts it
// leaves out (field, TRL, IP items …) come from the listing.
func (h *api) createValuation(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in valuation.Input
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.valuations().Create(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/valuations/"+v.ID, v)
}

func (h *api) listValuations(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, err := h.valuations().ListForListing(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, valuationList{Items: items})
}

func (h *api) getValuation(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	v, err := h.valuations().Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// rerunValuation values the listing again with a changed input; the answer is
// the new valuation, whose parent_id names the original.
func (h *api) rerunValuation(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in valuation.Input
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.valuations().Rerun(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/valuations/"+v.ID, v)
}

func (h *api) recordRealised(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in service.Realised
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.valuations().RecordRealised(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (h *api) valuationAccuracy(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	acc, err := h.valuations().Accuracy(r.Context(), actor)
	if err != nil {
		return err
	}
	if acc.Items == nil {
		acc.Items = []valuation.OutcomeError{}
	}
	return writeJSON(w, http.StatusOK, acc)
}

// valuationReportHTML is the self-contained report, in the request's language.
func (h *api) valuationReportHTML(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	v, err := h.valuations().Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.HTML(&buf, v.Input, v.Result, reqctx.Lang(r.Context())); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="valuation-`+v.ID+`.html"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

func (h *api) valuationReportPDF(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	v, err := h.valuations().Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	doc, err := report.PDF(v.Input, v.Result, reqctx.Lang(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="valuation-`+v.ID+`.pdf"`)
	_, _ = w.Write(doc)
	return nil
}
