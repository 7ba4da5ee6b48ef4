package httpapi

import (
	"net/http"
	"strconv"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
)

// The remaining ledger commands a person performs (ledger.go has deposits,
// acceptance, royalty reports and reconciliation): the buyer funds escrow and
// disputes deliveries, the seller delivers, the seller or an operator refunds,
// the licensee pays royalty invoices, an organisation withdraws to its bank,
// and an operator runs deemed acceptance now. Like ledgerAccept, handlers only
// check that a non-party learns nothing (404 before anything else); who may
// do what is decided by ledger.Service.

// ledgerHoldRequest funds a contract's escrow from the buyer's available balance.
type ledgerHoldRequest struct {
	Amount domain.Fen `json:"amount_fen"`
}

// ledgerDisputeRequest disputes a delivered milestone.
type ledgerDisputeRequest struct {
	Reason string `json:"reason"`
}

// ledgerRefundRequest returns money to the buyer: seq 0 (or absent) from
// escrow, seq n money released for milestone n (with clawback).
type ledgerRefundRequest struct {
	Seq    int        `json:"seq,omitempty"`
	Amount domain.Fen `json:"amount_fen"`
	Reason string     `json:"reason"`
}

// ledgerDeemedResult lists the milestones released by a run of deemed acceptance.
type ledgerDeemedResult struct {
	Count    int                  `json:"count"`
	Released []ledger.Transaction `json:"released"`
}

// milestoneSeq reads the {seq} path value.
func milestoneSeq(r *http.Request) (int, error) {
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 1 {
		return 0, apperr.Fields("httpapi.ledger", apperr.Field("seq", "invalid", "the milestone number is a whole number from 1", "节点序号须为从 1 起的整数"))
	}
	return seq, nil
}

// contractCommand does what every contract command does first: the caller is
// signed in, the key is valid, the body (when dst is not nil) decodes, and the
// contract is visible to the caller — someone who is not a party gets 404.
func (h *api) contractCommand(w http.ResponseWriter, r *http.Request, dst any) (domain.Actor, string, error) {
	actor, key, err := keyedCommand(w, r, dst)
	if err != nil {
		return actor, "", err
	}
	if _, err := h.app.Ledger.Agreement(r.Context(), actor, r.PathValue("id")); err != nil {
		return actor, "", err
	}
	return actor, key, nil
}

// keyedCommand does what every ledger command does first: the caller is
// signed in, the Idempotency-Key is valid and the body (when dst is not nil)
// decodes.
func keyedCommand(w http.ResponseWriter, r *http.Request, dst any) (domain.Actor, string, error) {
	actor, err := signedIn(r)
	if err != nil {
		return actor, "", err
	}
	key, err := idempotencyKey(r, actor)
	if err != nil {
		return actor, "", err
	}
	if dst != nil {
		if err := decodeJSON(w, r, dst); err != nil {
			return actor, "", err
		}
	}
	return actor, key, nil
}

func (h *api) ledgerHold(w http.ResponseWriter, r *http.Request) error {
	var in ledgerHoldRequest
	actor, key, err := h.contractCommand(w, r, &in)
	if err != nil {
		return err
	}
	t, err := h.app.Ledger.HoldEscrow(r.Context(), actor, key, r.PathValue("id"), in.Amount)
	return writeTx(w, t, err)
}

func (h *api) ledgerDeliver(w http.ResponseWriter, r *http.Request) error {
	seq, err := milestoneSeq(r)
	if err != nil {
		return err
	}
	actor, key, err := h.contractCommand(w, r, nil)
	if err != nil {
		return err
	}
	t, err := h.app.Ledger.DeliverMilestone(r.Context(), actor, key, r.PathValue("id"), seq)
	return writeTx(w, t, err)
}

func (h *api) ledgerDispute(w http.ResponseWriter, r *http.Request) error {
	seq, err := milestoneSeq(r)
	if err != nil {
		return err
	}
	var in ledgerDisputeRequest
	actor, key, err := h.contractCommand(w, r, &in)
	if err != nil {
		return err
	}
	t, err := h.app.Ledger.DisputeMilestone(r.Context(), actor, key, r.PathValue("id"), seq, in.Reason)
	return writeTx(w, t, err)
}

func (h *api) ledgerRefund(w http.ResponseWriter, r *http.Request) error {
	var in ledgerRefundRequest
	actor, key, err := h.contractCommand(w, r, &in)
	if err != nil {
		return err
	}
	t, err := h.app.Ledger.Refund(r.Context(), actor, key, ledger.RefundInput{ContractID: r.PathValue("id"), Seq: in.Seq,
		Amount: in.Amount, Reason: in.Reason})
	return writeTx(w, t, err)
}

func (h *api) ledgerPayInvoice(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(r, actor)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	// Someone who is not a party to the invoice's contract learns nothing.
	if _, err := h.app.Ledger.Invoice(r.Context(), actor, id); err != nil {
		return err
	}
	t, err := h.app.Ledger.PayRoyaltyInvoice(r.Context(), actor, key, id)
	return writeTx(w, t, err)
}

func (h *api) ledgerWithdraw(w http.ResponseWriter, r *http.Request) error {
	var in ledger.WithdrawalInput
	actor, key, err := keyedCommand(w, r, &in)
	if err != nil {
		return err
	}
	t, err := h.app.Ledger.Withdraw(r.Context(), actor, key, in)
	return writeTx(w, t, err)
}

// ledgerReleaseDeemed runs deemed acceptance now (operators). It takes no
// Idempotency-Key: the service keys each release by its milestone, so running
// it twice releases nothing twice; a second run simply finds nothing due.
func (h *api) ledgerReleaseDeemed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	released, err := h.app.Ledger.ReleaseDeemed(r.Context(), actor)
	if err != nil {
		return err
	}
	if released == nil {
		released = []ledger.Transaction{}
	}
	return writeJSON(w, http.StatusOK, ledgerDeemedResult{Count: len(released), Released: released})
}
