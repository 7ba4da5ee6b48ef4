package httpapi

import (
	"net/http"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Sales (fixed-price listings and auctions), challenges (揭榜挂帅) and brokers'
// mandates (issue 4). Sales and challenges are public to read, redacted by the
// deal service per viewer; every step is the service's, refused with a reason.

func saleLocation(id string) string { return Prefix + "/sales/" + id }

type saleList struct {
	Items []deal.SaleView `json:"items"`
}

// saleBoard lists sales in a state (default open), the soonest close first.
func (h *api) saleBoard(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	state := p.str("state")
	switch state {
	case "":
		state = string(deal.SaleOpen)
	case "all":
		state = ""
	default:
		state = p.code("state", deal.SaleStates)
	}
	if err := p.err(); err != nil {
		return err
	}
	items, err := h.app.Deals.SaleBoard(r.Context(), actorOf(r), state)
	if err != nil {
		return err
	}
	return writeTagged(w, r, saleList{Items: items}, true)
}

// openSale puts a listing up for a fixed-price listing or an auction.
func (h *api) openSale(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.SaleInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := h.app.Deals.OpenSale(r.Context(), actor, in)
	if err != nil {
		return stepFailed(err, "listing_id")
	}
	return created(w, saleLocation(s.ID), s)
}

// getSale is the live state bidders poll: its ETag changes with every bid,
// extension and close, and If-None-Match answers 304 while nothing changed.
func (h *api) getSale(w http.ResponseWriter, r *http.Request) error {
	v, err := h.app.Deals.GetSale(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeTagged(w, r, v, true)
}

type bidList struct {
	Items []deal.BidView `json:"items"`
}

// saleBids lists accepted bids under aliases; ?after_seq=N returns only newer
// ones, so a watcher fetches each bid once.
func (h *api) saleBids(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	after := p.int64Min("after_seq", 0)
	if err := p.err(); err != nil {
		return err
	}
	bids, err := h.app.Deals.Bids(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]deal.BidView, 0, len(bids))
	for _, b := range bids {
		if b.Seq > after {
			out = append(out, b)
		}
	}
	return writeTagged(w, r, bidList{Items: out}, true)
}

// registerBidderRequest names the bidding organisation (default: the caller's
// first organisation with the buyer role).
type registerBidderRequest struct {
	OrgID string `json:"org_id"`
}

func (h *api) registerBidder(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in registerBidderRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	b, err := h.app.Deals.RegisterBidder(r.Context(), actor, r.PathValue("id"), in.OrgID)
	if err != nil {
		return stepFailed(err, "sale_id")
	}
	return writeJSON(w, http.StatusOK, b)
}

// depositRequest is an operator's confirmation of a deposit paid outside the ledger.
type depositRequest struct {
	OrgID     string     `json:"org_id"`
	AmountFen domain.Fen `json:"amount_fen"`
}

func (h *api) confirmDeposit(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in depositRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.OrgID) == "" {
		return apperr.Fields("httpapi.deposit", apperr.Field("org_id", "required", "name the bidder organisation", "请指定竞买机构"))
	}
	if err := h.app.Deals.ConfirmDeposit(r.Context(), actor, r.PathValue("id"), in.OrgID, in.AmountFen); err != nil {
		return stepFailed(err, "sale_id")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// placeBid places a bid. The Idempotency-Key header (or client_ref in the
// body) makes a retry return the stored bid (200, duplicate) instead of
// bidding twice. A refusal names amount_fen or sale_id with the reason code.
func (h *api) placeBid(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.BidInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if key := strings.TrimSpace(r.Header.Get("Idempotency-Key")); key != "" {
		if in.ClientRef != "" && in.ClientRef != key {
			return apperr.Fields("httpapi.bid", apperr.Field("client_ref", "mismatch", "client_ref and Idempotency-Key disagree",
				"client_ref 与 Idempotency-Key 不一致"))
		}
		in.ClientRef = key
	}
	b, err := h.app.Deals.PlaceBid(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return stepFailed(err, "sale_id")
	}
	if b.Duplicate {
		return writeJSON(w, http.StatusOK, b)
	}
	return created(w, saleLocation(b.SaleID)+"/bids", b)
}

// closeSale closes a sale at or after its stored close time (never earlier,
// whoever asks); the server's clock job does the same every minute.
func (h *api) closeSale(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	s, err := h.app.Deals.CloseSale(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return stepFailed(err, "sale_id")
	}
	return writeJSON(w, http.StatusOK, s)
}

func (h *api) cancelSale(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in reasonRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := h.app.Deals.CancelSale(r.Context(), actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return stepFailed(err, "sale_id")
	}
	return writeJSON(w, http.StatusOK, s)
}

// saleReplay re-applies the stored bids in sequence order and reports whether
// the result equals the stored sale: the public proof of the auction.
func (h *api) saleReplay(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.app.Deals.GetSale(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		return err
	}
	rep, err := h.app.Deals.VerifyReplay(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// --- challenges -------------------------------------------------------------

func challengeLocation(id string) string { return Prefix + "/challenges/" + id }

type challengeList struct {
	Items []deal.Challenge `json:"items"`
}

// challengeBoard is the public board (揭榜挂帅榜单), default the open ones.
func (h *api) challengeBoard(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	state := p.str("state")
	switch state {
	case "":
		state = "open"
	case "all":
		state = ""
	default:
		state = p.code("state", deal.ChallengeStates)
	}
	if err := p.err(); err != nil {
		return err
	}
	items, err := h.app.Deals.ChallengeBoard(r.Context(), state)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, challengeList{Items: items})
}

func (h *api) openChallenge(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.ChallengeInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.app.Deals.OpenChallenge(r.Context(), actor, in)
	if err != nil {
		return stepFailed(err, "listing_id")
	}
	return created(w, challengeLocation(c.ID), c)
}

// getChallenge shows the challenge with the proposals the caller may see: all
// of them to the owner and operators, a solver its own (with its feedback).
func (h *api) getChallenge(w http.ResponseWriter, r *http.Request) error {
	v, err := h.app.Deals.GetChallenge(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if v.Proposals == nil {
		v.Proposals = []deal.Proposal{}
	}
	return writeJSON(w, http.StatusOK, v)
}

func (h *api) submitProposal(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.ProposalInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.app.Deals.SubmitProposal(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return stepFailed(err, "challenge_id")
	}
	return created(w, challengeLocation(p.ChallengeID), p)
}

// selectWinners decides the challenge: winners, and feedback for every other proposal.
func (h *api) selectWinners(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.Selection
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.app.Deals.SelectWinners(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return stepFailed(err, "challenge_id")
	}
	return writeJSON(w, http.StatusOK, c)
}

func (h *api) cancelChallenge(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in reasonRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.app.Deals.CancelChallenge(r.Context(), actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return stepFailed(err, "challenge_id")
	}
	return writeJSON(w, http.StatusOK, c)
}

// --- brokers' mandates ------------------------------------------------------

type mandateList struct {
	Items []deal.Mandate `json:"items"`
}

func (h *api) listMandates(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ms, err := h.app.Deals.Mandates(r.Context(), actor)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []deal.Mandate{}
	}
	return writeJSON(w, http.StatusOK, mandateList{Items: ms})
}

func (h *api) proposeMandate(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in deal.MandateInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.app.Deals.ProposeMandate(r.Context(), actor, in)
	if err != nil {
		return stepFailed(err, "broker_user_id")
	}
	return created(w, Prefix+"/mandates", m)
}

func (h *api) acceptMandate(w http.ResponseWriter, r *http.Request) error {
	return h.mandateStep(w, r, func(a domain.Actor, id string) (deal.Mandate, error) {
		return h.app.Deals.RespondMandate(r.Context(), a, id, true)
	})
}

func (h *api) declineMandate(w http.ResponseWriter, r *http.Request) error {
	return h.mandateStep(w, r, func(a domain.Actor, id string) (deal.Mandate, error) {
		return h.app.Deals.RespondMandate(r.Context(), a, id, false)
	})
}

func (h *api) revokeMandate(w http.ResponseWriter, r *http.Request) error {
	return h.mandateStep(w, r, func(a domain.Actor, id string) (deal.Mandate, error) {
		return h.app.Deals.RevokeMandate(r.Context(), a, id)
	})
}

func (h *api) mandateStep(w http.ResponseWriter, r *http.Request, step func(domain.Actor, string) (deal.Mandate, error)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	m, err := step(actor, r.PathValue("id"))
	if err != nil {
		return stepFailed(err, "mandate_id")
	}
	return writeJSON(w, http.StatusOK, m)
}
