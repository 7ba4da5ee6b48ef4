package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// Settlement ledger: accounts, statements, contract timelines, pending actions,
// and the commands a party scripts. Commands take an idempotency key, sent as
// the Idempotency-Key header: calling again with the same key and request
// returns the original result (Replayed set), a different request under the
// same key fails with 409.

// LedgerBankNotice records a deposit from the custody bank's notice (bank
// officers and operators).
type LedgerBankNotice struct {
	BankRef   string `json:"bank_ref"`
	OrgID     string `json:"org_id"`
	AmountFen int64  `json:"amount_fen"`
	Payer     string `json:"payer,omitempty"`
	Memo      string `json:"memo,omitempty"`
}

// LedgerAcceptRequest accepts a milestone; AmountFen 0 releases it whole.
type LedgerAcceptRequest struct {
	AmountFen int64  `json:"amount_fen,omitempty"`
	Memo      string `json:"memo,omitempty"`
}

// LedgerRoyaltyReportRequest is a licensee's net sales for one period (dates
// YYYY-MM-DD, inclusive).
type LedgerRoyaltyReportRequest struct {
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	SalesFen    int64  `json:"sales_fen"`
}

// LedgerStatementQuery selects a statement's period (YYYY-MM-DD, both days
// inclusive; empty for open ends) and page.
type LedgerStatementQuery struct {
	From, To      string
	Page, PerPage int
}

func keyHeader(key string) http.Header {
	return http.Header{"Idempotency-Key": {key}}
}

func orgQuery(org string) url.Values {
	q := url.Values{}
	setIf(q, "org", org)
	return q
}

// LedgerAccounts lists an organisation's accounts ("" for the caller's own; for
// staff, the platform's accounts).
func (c *Client) LedgerAccounts(ctx context.Context, org string) (*LedgerAccountList, error) {
	return fetch[LedgerAccountList](ctx, c, http.MethodGet, "/ledger/accounts", orgQuery(org), nil, nil)
}

// LedgerStatement returns one page of an account's statement.
func (c *Client) LedgerStatement(ctx context.Context, account string, q LedgerStatementQuery) (*LedgerStatement, error) {
	v := pageQuery(nil, q.Page, q.PerPage)
	setIf(v, "from", q.From)
	setIf(v, "to", q.To)
	return fetch[LedgerStatement](ctx, c, http.MethodGet, "/ledger/accounts/"+id(account)+"/statement", v, nil, nil)
}

// LedgerContracts lists the contracts an organisation settles.
func (c *Client) LedgerContracts(ctx context.Context, org string) (*LedgerContractList, error) {
	return fetch[LedgerContractList](ctx, c, http.MethodGet, "/ledger/contracts", orgQuery(org), nil, nil)
}

// LedgerTimeline returns a contract's settlement timeline.
func (c *Client) LedgerTimeline(ctx context.Context, contractID string) (*LedgerTimeline, error) {
	return fetch[LedgerTimeline](ctx, c, http.MethodGet, "/ledger/contracts/"+id(contractID)+"/timeline", nil, nil, nil)
}

// LedgerPending lists what waits for an organisation ("" for the caller's own).
func (c *Client) LedgerPending(ctx context.Context, org string) (*LedgerPending, error) {
	return fetch[LedgerPending](ctx, c, http.MethodGet, "/ledger/pending", orgQuery(org), nil, nil)
}

// LedgerDeposit records a deposit from a bank notice.
func (c *Client) LedgerDeposit(ctx context.Context, key string, n LedgerBankNotice) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost, "/ledger/deposits", nil, keyHeader(key), n)
}

// AcceptMilestone accepts a delivered milestone of a contract (the buyer).
func (c *Client) AcceptMilestone(ctx context.Context, key, contractID string, seq int, in LedgerAcceptRequest) (*LedgerTransaction, error) {
	return fetch[LedgerTransaction](ctx, c, http.MethodPost,
		"/ledger/contracts/"+id(contractID)+"/milestones/"+strconv.Itoa(seq)+"/accept", nil, keyHeader(key), in)
}

// ReportRoyalty reports a licensee's sales for a period and returns the invoices issued.
func (c *Client) ReportRoyalty(ctx context.Context, key, contractID string, in LedgerRoyaltyReportRequest) (*LedgerRoyaltyReportResult, error) {
	return fetch[LedgerRoyaltyReportResult](ctx, c, http.MethodPost, "/ledger/contracts/"+id(contractID)+"/royalty-reports",
		nil, keyHeader(key), in)
}

// Reconcile uploads a bank statement CSV (format in docs/ledger.md) and returns
// the reconciliation report; a file imported before returns its original
// report with Replayed set.
func (c *Client) Reconcile(ctx context.Context, name string, csv []byte) (*LedgerReconcileReport, error) {
	const path = "/ledger/reconciliations"
	q := url.Values{}
	setIf(q, "name", name)
	u := c.baseURL + APIPrefix + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(csv))
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "text/csv; charset=utf-8")
	req.Header.Set("Accept", "application/json, application/problem+json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("POST %s: read response: %w", path, err)
	}
	if resp.StatusCode >= 300 {
		return nil, newError(http.MethodPost, path, resp, data)
	}
	var rep LedgerReconcileReport
	if err := decodeStrict(data, &rep, c.Strict); err != nil {
		return nil, fmt.Errorf("POST %s: decode response: %w", path, err)
	}
	return &rep, nil
}

func decodeStrict(data []byte, out any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	return dec.Decode(out)
}
