package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
)

// Deals and trading rules (issue 4): venues, deal rooms, NDA, messages,
// offers, public notices and contracts. Sales, challenges and mandates are in
// deals_market.go. The routes are listed in routes.go; authorization is the
// deal service's (a room the caller may not see is a 404).

// stepFailed makes a refused trading step name a field in its problem
// document. The service names the input at fault when there is one
// ("amount_fen", "version"); a refusal about the state of things rather than
// an input (bid after close, offer on an expired listing) names the resource
// the step was applied to, so that every refusal arrives as
// errors[0] = {field, code: <reason code>, message, message_zh}.
func stepFailed(err error, field string) error {
	if err == nil {
		return nil
	}
	r, ok := deal.ReasonOf(err)
	if !ok || len(apperr.FieldsOf(err)) > 0 {
		return err
	}
	return &apperr.Error{Op: "httpapi.deal", Kind: apperr.KindOf(err), Msg: r.En,
		Fields: []apperr.FieldError{{Field: field, Code: r.Code, Message: r.En, MessageZh: r.Zh}}, Err: err}
}

// writeTagged sends v with a strong ETag over its encoding and answers a
// matching If-None-Match with 304, so that pollers (the live auction page,
// `techmarket auctions watch`) pay one small response per change. The tag is
// over the caller's own view, which differs between viewers (reserve, "you
// lead"), hence private; a deal room, which may carry confidential detail,
// stays no-store (storable is false) and is still revalidated by ETag.
func writeTagged(w http.ResponseWriter, r *http.Request, v any, storable bool) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	sum := sha256.Sum256(body)
	tag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", tag)
	if storable {
		w.Header().Set("Cache-Control", "private, no-cache")
	}
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if t = strings.TrimPrefix(strings.TrimSpace(t), "W/"); t == tag || t == "*" {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(body, '\n'))
	return nil
}

// --- venues -----------------------------------------------------------------

type venueList struct {
	Items []rules.Venue `json:"items"`
}

// venueDetail is a venue with the rules in force and the history of versions.
type venueDetail struct {
	Venue    rules.Venue         `json:"venue"`
	Rules    rules.RuleSet       `json:"rules"`
	SHA256   string              `json:"sha256"`
	Versions []rules.VersionInfo `json:"versions"`
}

// ruleSetVersion is one stored version of a venue's rules.
type ruleSetVersion struct {
	Rules  rules.RuleSet `json:"rules"`
	SHA256 string        `json:"sha256"`
}

func (h *api) listVenues(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.app.Deals.Venues(r.Context())
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []rules.Venue{}
	}
	return writeJSON(w, http.StatusOK, venueList{Items: vs})
}

func (h *api) getVenue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, err := h.app.Deals.Venue(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	rs, err := h.app.Deals.RuleSet(ctx, v.Code, 0)
	if err != nil {
		return err
	}
	versions, err := h.app.Deals.RuleSetVersions(ctx, v.Code)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, venueDetail{Venue: v, Rules: rs, SHA256: rs.Hash(), Versions: versions})
}

func (h *api) getRuleSetVersion(w http.ResponseWriter, r *http.Request) error {
	version, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || version < 1 {
		return apperr.Fields("httpapi.ruleSet", apperr.Field("version", "invalid", "the version is a whole number from 1", "版本号须为从1开始的整数"))
	}
	rs, err := h.app.Deals.RuleSet(r.Context(), r.PathValue("code"), version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ruleSetVersion{Rules: rs, SHA256: rs.Hash()})
}

// --- deal rooms -------------------------------------------------------------

func dealLocation(id string) string { return Prefix + "/deals/" + id }

// expressInterest opens the caller's deal room on a listing (or returns the
// open one, or reopens a withdrawn one).
func (h *api) expressInterest(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.InterestInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.ListingID) == "" {
		return apperr.Fields("httpapi.interest", apperr.Field("listing_id", "required", "name the listing", "请指定发布信息"))
	}
	d, err := h.app.Deals.ExpressInterest(r.Context(), actor, in)
	if err != nil {
		return stepFailed(err, "listing_id")
	}
	return created(w, dealLocation(d.ID), d)
}

func (h *api) myDeals(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	state := p.code("state", deal.States)
	pg := p.pagination()
	if err := p.err(); err != nil {
		return err
	}
	all, err := h.app.Deals.Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	if state != "" {
		kept := all[:0]
		for _, d := range all {
			if string(d.State) == state {
				kept = append(kept, d)
			}
		}
		all = kept
	}
	return writePage(w, r, paginate(all, pg))
}

// listingDeals lists a listing's deal rooms for its owner and operators.
func (h *api) listingDeals(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	pg := params(r).pagination()
	all, err := h.app.Deals.ForListing(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writePage(w, r, paginate(all, pg))
}

func (h *api) getDeal(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	room, err := h.app.Deals.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeTagged(w, r, room, false)
}

// dealStep answers a deal step that returns the deal.
func (h *api) dealStep(w http.ResponseWriter, d deal.Deal, err error, field string) error {
	if err != nil {
		return stepFailed(err, field)
	}
	return writeJSON(w, http.StatusOK, d)
}

func (h *api) withdrawDeal(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in reasonRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	d, err := h.app.Deals.Withdraw(r.Context(), actor, r.PathValue("id"), in.Reason)
	return h.dealStep(w, d, err, "deal_id")
}

// --- NDA --------------------------------------------------------------------

func (h *api) currentNDA(w http.ResponseWriter, r *http.Request) error {
	nda, err := h.app.Deals.CurrentNDA(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nda)
}

// ndaRequest accepts the NDA text of the version the user was shown.
type ndaRequest struct {
	Version int `json:"version"`
}

func (h *api) acceptNDA(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in ndaRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Version < 1 {
		return apperr.Fields("httpapi.nda", apperr.Field("version", "required", "send the version of the NDA text you accept (GET /api/v1/nda)",
			"请提供所签署的保密协议版本号"))
	}
	d, err := h.app.Deals.AcceptNDA(r.Context(), actor, r.PathValue("id"), in.Version)
	return h.dealStep(w, d, err, "deal_id")
}

// --- messages and offers ----------------------------------------------------

type messageRequest struct {
	Body string `json:"body"`
}

func (h *api) postMessage(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in messageRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.app.Deals.PostMessage(r.Context(), actor, r.PathValue("id"), in.Body)
	if err != nil {
		return stepFailed(err, "deal_id")
	}
	return created(w, dealLocation(m.DealID), m)
}

// makeOffer puts an offer or counter-offer on the table.
func (h *api) makeOffer(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.OfferInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.app.Deals.MakeOffer(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return stepFailed(err, "deal_id")
	}
	return created(w, dealLocation(o.DealID), o)
}

func (h *api) acceptOffer(w http.ResponseWriter, r *http.Request) error {
	return h.respondOffer(w, r, true)
}

func (h *api) rejectOffer(w http.ResponseWriter, r *http.Request) error {
	return h.respondOffer(w, r, false)
}

func (h *api) respondOffer(w http.ResponseWriter, r *http.Request, accept bool) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	d, err := h.app.Deals.RespondOffer(r.Context(), actor, r.PathValue("id"), r.PathValue("offer"), accept)
	return h.dealStep(w, d, err, "offer_id")
}

// --- public notice ----------------------------------------------------------

type noticeList struct {
	Items []deal.Notice `json:"items"`
}

// publicNotices lists the agreed prices under public notice, for everyone.
func (h *api) publicNotices(w http.ResponseWriter, r *http.Request) error {
	ns, err := h.app.Deals.PublicNotices(r.Context())
	if err != nil {
		return err
	}
	if ns == nil {
		ns = []deal.Notice{}
	}
	return writeJSON(w, http.StatusOK, noticeList{Items: ns})
}

func (h *api) raiseObjection(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in reasonRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.app.Deals.RaiseObjection(r.Context(), actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return stepFailed(err, "deal_id")
	}
	return writeJSON(w, http.StatusCreated, o)
}

// resolveObjectionRequest is a venue operator's decision on an objection.
type resolveObjectionRequest struct {
	Upheld     bool   `json:"upheld"`
	Resolution string `json:"resolution"`
}

func (h *api) resolveObjection(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in resolveObjectionRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.app.Deals.ResolveObjection(r.Context(), actor, r.PathValue("id"), r.PathValue("objection"), in.Upheld, in.Resolution)
	return h.dealStep(w, d, err, "objection_id")
}

func (h *api) endNotice(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	d, err := h.app.Deals.EndNotice(r.Context(), actor, r.PathValue("id"))
	return h.dealStep(w, d, err, "deal_id")
}

// --- contract ---------------------------------------------------------------

// draftContract stores the next contract version from typed terms.
func (h *api) draftContract(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.Terms
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cv, err := h.app.Deals.DraftContract(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return stepFailed(err, "deal_id")
	}
	w.Header().Set("ETag", `"`+cv.HTMLSHA256+`"`)
	return created(w, dealLocation(cv.DealID)+"/contract.html?version="+strconv.Itoa(cv.Version), cv)
}

// contractVersion reads ?version= (absent: the current draft).
func contractVersion(r *http.Request) (int, error) {
	p := params(r)
	v := p.intIn("version", 1, 1_000_000)
	return v, p.err()
}

// contractHTML serves the stored contract document; its SHA-256, which a
// signature commits to, is the ETag and X-Document-SHA256.
func (h *api) contractHTML(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	version, err := contractVersion(r)
	if err != nil {
		return err
	}
	doc, sum, err := h.app.Deals.ContractDocument(r.Context(), actor, r.PathValue("id"), version)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("ETag", `"`+sum+`"`)
	w.Header().Set("X-Document-SHA256", sum)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, _ = w.Write(doc)
	return nil
}

func (h *api) contractPDF(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	version, err := contractVersion(r)
	if err != nil {
		return err
	}
	body, err := h.app.Deals.ContractPDF(r.Context(), actor, r.PathValue("id"), version)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="contract-`+r.PathValue("id")+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

// signRequest signs a contract version: the hash is that of the document the
// signer read (X-Document-SHA256 of contract.html).
type signRequest struct {
	Version        int    `json:"version"`
	DocumentSHA256 string `json:"document_sha256"`
}

func (h *api) signContract(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in signRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var f apperr.FieldList
	if in.Version < 1 {
		f.Add("version", "required", "send the contract version you sign", "请提供所签署的合同版本号")
	}
	if strings.TrimSpace(in.DocumentSHA256) == "" {
		f.Add("document_sha256", "required", "send the SHA-256 of the document you read", "请提供所阅读合同文本的 SHA-256")
	}
	if err := f.Err("httpapi.sign"); err != nil {
		return err
	}
	d, err := h.app.Deals.Sign(r.Context(), actor, r.PathValue("id"), in.Version, in.DocumentSHA256)
	return h.dealStep(w, d, err, "deal_id")
}
