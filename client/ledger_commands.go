package client

import (
	"context"
	"net/http"
	"strconv"
)

// The remaining ledger commands (see ledger.go for the conventions): funding
// escrow, delivering and disputing milestones, refunds, paying royalty
// invoices, withdrawals and, for operators, running deemed acceptance now.

// LedgerHoldRequest funds a contract's escrow from the buyer's available balance.
type LedgerHoldRequest struct {
	AmountFen int64 `json:"amount_fen"`
}

// LedgerDisputeRequest disputes a delivered milestone.
type LedgerDisputeRequest struct {
	Reason string `json:"reason"`
}

// LedgerRefundRequest returns money to the buyer: Seq 0 from escrow, Seq n
// money released for milestone n (clawed back pro rata).
type LedgerRefundRequest struct {
	Seq       int    `json:"seq,omitempty"`
	AmountFen int64  `json:"amount_fen"`
	Reason    string `json:"reason"`
}

// LedgerWithdrawalRequest pays money out of one of the organisation's accounts
// to its bank; BankRef empty lets the server generate the payout reference.
type LedgerWithdrawalRequest struct {
	Account   string `json:"account"`
	AmountFen int64  `json:"amount_fen"`
	BankRef   string `json:"bank_ref,omitempty"`
	Memo      string `json:"memo,omitempty"`
}

// LedgerDeemedResult mirrors the API schema of the same name (see the OpenAPI document).
type LedgerDeemedResult struct {
	Count    int64               `json:"count"`
	Released []LedgerTransaction `json:"released"`
}

func milestonePath(contractID string, seq int, action string) string {
	return "/ledger/contracts/" + id(contractID) + "/milestones/" + strconv.Itoa(seq) + "/" + action
}

// HoldEscrow funds a contract's escrow (the buyer).
func (c *Client) HoldEscrow(ctx context.Context, key, contractID string, in LedgerHoldRequest) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost, "/ledger/contracts/"+id(contractID)+"/hold", nil, keyHeader(key), in)
}

// DeliverMilestone declares a milestone delivered (the seller).
func (c *Client) DeliverMilestone(ctx context.Context, key, contractID string, seq int) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost, milestonePath(contractID, seq, "deliver"), nil, keyHeader(key), nil)
}

// DisputeMilestone disputes a delivered milestone (the buyer).
func (c *Client) DisputeMilestone(ctx context.Context, key, contractID string, seq int, in LedgerDisputeRequest) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost, milestonePath(contractID, seq, "dispute"), nil, keyHeader(key), in)
}

// Refund returns money to the buyer (the seller or an operator).
func (c *Client) Refund(ctx context.Context, key, contractID string, in LedgerRefundRequest) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost, "/ledger/contracts/"+id(contractID)+"/refunds", nil, keyHeader(key), in)
}

// PayRoyaltyInvoice pays a royalty invoice (the licensee).
func (c *Client) PayRoyaltyInvoice(ctx context.Context, key, invoiceID string) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost, "/ledger/invoices/"+id(invoiceID)+"/pay", nil, keyHeader(key), nil)
}

// Withdraw pays money out to the organisation's bank; the transaction's
// BankRef is the payout reference the bank statement will show.
func (c *Client) Withdraw(ctx context.Context, key string, in LedgerWithdrawalRequest) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost, "/ledger/withdrawals", nil, keyHeader(key), in)
}

// ReleaseDeemed runs deemed acceptance now (operators). It needs no key: each
// release is keyed by its milestone on the server.
func (c *Client) ReleaseDeemed(ctx context.Context) (*LedgerDeemedResult, error) {
	return fetch[LedgerDeemedResult](ctx, c, http.MethodPost, "/ledger/deemed-releases", nil, nil, nil)
}
