// Package httpapi is the REST API under /api/v1: JSON in and out, problem+json
// errors naming each field at fault, described by the OpenAPI document served at
// /api/v1/openapi.json.
//
// Every route is listed once, in routes below; the OpenAPI test walks that list
// and fails when the document and the code disagree.
package httpapi

import (
	"net/http"
	"strings"

	"github.com/techmarket-org/techmarket/internal/app"
)

// Prefix is the path prefix of every API route.
const Prefix = "/api/v1"

// api holds what the handlers need; handlers are its methods.
type api struct {
	app *app.App
}

// handlerFunc writes a success response or returns an error, which serve turns
// into a problem document. Handlers write nothing before they know they succeed.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one API endpoint. pattern uses ServeMux syntax, which is also the
// OpenAPI path syntax, so the two can be compared directly.
type route struct {
	method  string
	pattern string
	handle  handlerFunc
}

// routes is the API's table of contents.
func (h *api) routes() []route {
	return []route{
		{http.MethodGet, Prefix + "/openapi.json", h.openAPI},
		{http.MethodGet, Prefix + "/codes", h.codes},
		{http.MethodGet, Prefix + "/market/stats", h.marketStats},

		{http.MethodPost, Prefix + "/auth/tokens", h.createToken},
		{http.MethodDelete, Prefix + "/auth/tokens/{id}", h.revokeToken},
		{http.MethodGet, Prefix + "/me", h.me},

		{http.MethodGet, Prefix + "/orgs", h.listOrgs},
		{http.MethodPost, Prefix + "/orgs", h.createOrg},
		{http.MethodGet, Prefix + "/orgs/{id}", h.getOrg},
		{http.MethodGet, Prefix + "/orgs/{id}/profile", h.getOrgProfile},
		{http.MethodPut, Prefix + "/orgs/{id}/profile", h.putOrgProfile},

		{http.MethodGet, Prefix + "/users", h.listUsers},
		{http.MethodPost, Prefix + "/users", h.createUser},
		{http.MethodGet, Prefix + "/users/{id}", h.getUser},

		{http.MethodGet, Prefix + "/listings", h.searchListings},
		{http.MethodPost, Prefix + "/listings", h.createListing},
		{http.MethodGet, Prefix + "/listings/{id}", h.getListing},
		{http.MethodPut, Prefix + "/listings/{id}", h.updateListing},
		{http.MethodPost, Prefix + "/listings/{id}/submit", h.submitListing},
		{http.MethodPost, Prefix + "/listings/{id}/review", h.reviewListing},
		{http.MethodPost, Prefix + "/listings/{id}/withdraw", h.withdrawListing},
		{http.MethodPost, Prefix + "/listings/{id}/renew", h.renewListing},
		{http.MethodGet, Prefix + "/my/listings", h.myListings},
		{http.MethodGet, Prefix + "/review-queue", h.reviewQueue},

		{http.MethodGet, Prefix + "/notifications", h.listNotifications},
		{http.MethodPost, Prefix + "/notifications/read", h.markNotificationsRead},

		// Valuations (issue 7): internal/httpapi/valuations.go.
		{http.MethodPost, Prefix + "/listings/{id}/valuations", h.createValuation},
		{http.MethodGet, Prefix + "/listings/{id}/valuations", h.listValuations},
		{http.MethodGet, Prefix + "/valuations/accuracy", h.valuationAccuracy},
		{http.MethodGet, Prefix + "/valuations/{id}", h.getValuation},
		{http.MethodPost, Prefix + "/valuations/{id}/rerun", h.rerunValuation},
		{http.MethodPost, Prefix + "/valuations/{id}/realised", h.recordRealised},
		{http.MethodGet, Prefix + "/valuations/{id}/report.html", h.valuationReportHTML},
		{http.MethodGet, Prefix + "/valuations/{id}/report.pdf", h.valuationReportPDF},

		// Matching (issue 3): internal/httpapi/matching.go.
		{http.MethodGet, Prefix + "/listings/{id}/matches", h.listingMatches},
		{http.MethodGet, Prefix + "/listings/{id}/enterprise-matches", h.listingEnterpriseMatches},
		{http.MethodPost, Prefix + "/listings/{id}/matches/feedback", h.judgeListingMatch},
		{http.MethodGet, Prefix + "/listings/{id}/feedback-summary", h.listingFeedbackSummary},
		{http.MethodGet, Prefix + "/match-reasons", h.matchReasons},
		{http.MethodGet, Prefix + "/saved-needs", h.listSavedNeeds},
		{http.MethodPost, Prefix + "/saved-needs", h.createSavedNeed},
		{http.MethodGet, Prefix + "/saved-needs/{id}", h.getSavedNeed},
		{http.MethodPut, Prefix + "/saved-needs/{id}", h.updateSavedNeed},
		{http.MethodDelete, Prefix + "/saved-needs/{id}", h.deleteSavedNeed},
		{http.MethodGet, Prefix + "/saved-needs/{id}/matches", h.savedNeedMatches},
		{http.MethodPost, Prefix + "/saved-needs/{id}/feedback", h.judgeSavedNeedMatch},
		{http.MethodGet, Prefix + "/saved-needs/{id}/alerts", h.savedNeedAlerts},

		// Technology-contract registration (issue 5): internal/httpapi/registration.go.
		{http.MethodPost, Prefix + "/registration/check", h.checkContract},
		{http.MethodPost, Prefix + "/filings", h.createFiling},
		{http.MethodPost, Prefix + "/filings/import", h.importFilings},
		{http.MethodGet, Prefix + "/filings/{id}", h.getFiling},
		{http.MethodPut, Prefix + "/filings/{id}", h.updateFiling},
		{http.MethodGet, Prefix + "/filings/{id}/history", h.filingHistory},
		{http.MethodPost, Prefix + "/filings/{id}/submit", h.submitFiling},
		{http.MethodPost, Prefix + "/filings/{id}/withdraw", h.withdrawFiling},
		{http.MethodPost, Prefix + "/filings/{id}/claim", h.claimFiling},
		{http.MethodPost, Prefix + "/filings/{id}/request-correction", h.requestFilingCorrection},
		{http.MethodPost, Prefix + "/filings/{id}/refuse", h.refuseFiling},
		{http.MethodPost, Prefix + "/filings/{id}/register", h.registerFiling},
		{http.MethodPost, Prefix + "/filings/{id}/amend", h.amendFiling},
		{http.MethodPost, Prefix + "/filings/{id}/cancel", h.cancelFiling},
		{http.MethodGet, Prefix + "/filings/{id}/certificate.pdf", h.filingCertificate},
		{http.MethodGet, Prefix + "/my/filings", h.myFilings},
		{http.MethodGet, Prefix + "/registrar/queue", h.registrarQueue},
		{http.MethodGet, Prefix + "/registration/statistics", h.registrationStatistics},

		// Settlement ledger (issue 6): internal/httpapi/ledger.go.
		{http.MethodGet, Prefix + "/ledger/accounts", h.ledgerAccounts},
		{http.MethodGet, Prefix + "/ledger/accounts/{account}/statement", h.ledgerStatement},
		{http.MethodGet, Prefix + "/ledger/contracts", h.ledgerContracts},
		{http.MethodGet, Prefix + "/ledger/contracts/{id}/timeline", h.ledgerTimeline},
		{http.MethodGet, Prefix + "/ledger/pending", h.ledgerPending},
		{http.MethodPost, Prefix + "/ledger/deposits", h.ledgerDeposit},
		{http.MethodPost, Prefix + "/ledger/contracts/{id}/milestones/{seq}/accept", h.ledgerAccept},
		{http.MethodPost, Prefix + "/ledger/contracts/{id}/royalty-reports", h.ledgerReportRoyalty},
		{http.MethodPost, Prefix + "/ledger/reconciliations", h.ledgerReconcile},
		{http.MethodPost, Prefix + "/ledger/contracts/{id}/hold", h.ledgerHold},
		{http.MethodPost, Prefix + "/ledger/contracts/{id}/milestones/{seq}/deliver", h.ledgerDeliver},
		{http.MethodPost, Prefix + "/ledger/contracts/{id}/milestones/{seq}/dispute", h.ledgerDispute},
		{http.MethodPost, Prefix + "/ledger/contracts/{id}/refunds", h.ledgerRefund},
		{http.MethodPost, Prefix + "/ledger/invoices/{id}/pay", h.ledgerPayInvoice},
		{http.MethodPost, Prefix + "/ledger/withdrawals", h.ledgerWithdraw},
		{http.MethodPost, Prefix + "/ledger/deemed-releases", h.ledgerReleaseDeemed},

		// Deals and trading rules (issue 4): internal/httpapi/deals.go, deals_market.go.
		{http.MethodGet, Prefix + "/venues", h.listVenues},
		{http.MethodGet, Prefix + "/venues/{code}", h.getVenue},
		{http.MethodGet, Prefix + "/venues/{code}/rules/{version}", h.getRuleSetVersion},
		{http.MethodGet, Prefix + "/nda", h.currentNDA},
		{http.MethodGet, Prefix + "/notices", h.publicNotices},
		{http.MethodPost, Prefix + "/deals", h.expressInterest},
		{http.MethodGet, Prefix + "/deals", h.myDeals},
		{http.MethodGet, Prefix + "/deals/{id}", h.getDeal},
		{http.MethodGet, Prefix + "/listings/{id}/deals", h.listingDeals},
		{http.MethodPost, Prefix + "/deals/{id}/nda", h.acceptNDA},
		{http.MethodPost, Prefix + "/deals/{id}/messages", h.postMessage},
		{http.MethodPost, Prefix + "/deals/{id}/offers", h.makeOffer},
		{http.MethodPost, Prefix + "/deals/{id}/offers/{offer}/accept", h.acceptOffer},
		{http.MethodPost, Prefix + "/deals/{id}/offers/{offer}/reject", h.rejectOffer},
		{http.MethodPost, Prefix + "/deals/{id}/withdraw", h.withdrawDeal},
		{http.MethodPost, Prefix + "/deals/{id}/objections", h.raiseObjection},
		{http.MethodPost, Prefix + "/deals/{id}/objections/{objection}/resolve", h.resolveObjection},
		{http.MethodPost, Prefix + "/deals/{id}/notice/end", h.endNotice},
		{http.MethodPost, Prefix + "/deals/{id}/contract", h.draftContract},
		{http.MethodGet, Prefix + "/deals/{id}/contract.html", h.contractHTML},
		{http.MethodGet, Prefix + "/deals/{id}/contract.pdf", h.contractPDF},
		{http.MethodPost, Prefix + "/deals/{id}/contract/sign", h.signContract},
		{http.MethodGet, Prefix + "/sales", h.saleBoard},
		{http.MethodPost, Prefix + "/sales", h.openSale},
		{http.MethodGet, Prefix + "/sales/{id}", h.getSale},
		{http.MethodGet, Prefix + "/sales/{id}/bids", h.saleBids},
		{http.MethodPost, Prefix + "/sales/{id}/bids", h.placeBid},
		{http.MethodPost, Prefix + "/sales/{id}/bidders", h.registerBidder},
		{http.MethodPost, Prefix + "/sales/{id}/deposits", h.confirmDeposit},
		{http.MethodPost, Prefix + "/sales/{id}/close", h.closeSale},
		{http.MethodPost, Prefix + "/sales/{id}/cancel", h.cancelSale},
		{http.MethodGet, Prefix + "/sales/{id}/replay", h.saleReplay},
		{http.MethodGet, Prefix + "/challenges", h.challengeBoard},
		{http.MethodPost, Prefix + "/challenges", h.openChallenge},
		{http.MethodGet, Prefix + "/challenges/{id}", h.getChallenge},
		{http.MethodPost, Prefix + "/challenges/{id}/proposals", h.submitProposal},
		{http.MethodPost, Prefix + "/challenges/{id}/selection", h.selectWinners},
		{http.MethodPost, Prefix + "/challenges/{id}/cancel", h.cancelChallenge},
		{http.MethodGet, Prefix + "/mandates", h.listMandates},
		{http.MethodPost, Prefix + "/mandates", h.proposeMandate},
		{http.MethodPost, Prefix + "/mandates/{id}/accept", h.acceptMandate},
		{http.MethodPost, Prefix + "/mandates/{id}/decline", h.declineMandate},
		{http.MethodPost, Prefix + "/mandates/{id}/revoke", h.revokeMandate},
	}
}

// Register adds the API routes, plus a catch-all under the prefix so that unknown
// paths and wrong methods also get problem documents rather than plain text.
func Register(mux *http.ServeMux, a *app.App) {
	h := &api{app: a}
	known := http.NewServeMux()
	for _, rt := range h.routes() {
		handler := h.serve(rt.handle)
		mux.Handle(rt.method+" "+rt.pattern, handler)
		known.Handle(rt.method+" "+rt.pattern, handler)
	}
	mux.Handle(Prefix+"/", h.serve(unmatched(known)))
}

// serve adapts a handlerFunc. API responses may carry confidential detail, so
// nothing is cached unless a handler says otherwise.
func (h *api) serve(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if err := fn(w, r); err != nil {
			h.writeProblem(w, r, err)
		}
	})
}

// unmatched answers requests no route took: 405 with Allow when the path exists
// under another method, else 404.
func unmatched(known *http.ServeMux) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
			if _, pattern := known.Handler(probe); pattern != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			return &requestError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
				detail: r.Method + " is not supported here; use " + strings.Join(allowed, " or ")}
		}
		return &requestError{status: http.StatusNotFound, code: "not_found",
			detail: "no API endpoint " + r.Method + " " + r.URL.Path + "; see " + Prefix + "/openapi.json"}
	}
}
