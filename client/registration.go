package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Filing is a contract filed for technology-contract registration. Contract,
// Result and Override are kept as raw JSON: their full shape is documented in
// docs/registration.md and the OpenAPI document (Contract, CheckResult), and a
// client mostly passes them on or prints them.
type Filing struct {
	ID                  string          `json:"id"`
	RegistryOrgID       string          `json:"registry_org_id"`
	FilerOrgID          string          `json:"filer_org_id"`
	FilerUserID         string          `json:"filer_user_id"`
	Status              string          `json:"status"`
	Contract            json.RawMessage `json:"contract"`
	Result              json.RawMessage `json:"result,omitempty"`
	ContentHash         string          `json:"content_hash"`
	AmountFen           int64           `json:"amount_fen"`
	TechnologyAmountFen int64           `json:"technology_amount_fen"`
	Override            json.RawMessage `json:"override,omitempty"`
	SubmittedAt         *time.Time      `json:"submitted_at,omitempty"`
	DeadlineDue         string          `json:"deadline_due,omitempty"`
	ClaimedBy           string          `json:"claimed_by,omitempty"`
	RegistrationNumber  string          `json:"registration_number,omitempty"`
	RegisteredAt        *time.Time      `json:"registered_at,omitempty"`
	// SourceDealID is the concluded platform deal the draft was pre-filled
	// from; SourceDealLink is the path of its deal room.
	SourceDealID   string    `json:"source_deal_id,omitempty"`
	SourceDealLink string    `json:"source_deal_link,omitempty"`
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// FilingDraft creates a filing: the registry, optionally the filing
// organisation, and the contract JSON.
type FilingDraft struct {
	RegistryOrgID string          `json:"registry_org_id"`
	FilerOrgID    string          `json:"filer_org_id,omitempty"`
	Contract      json.RawMessage `json:"contract"`
}

// FilingOverride is a registrar's certified technology amount, with the reason.
type FilingOverride struct {
	AmountFen int64  `json:"amount_fen"`
	Reason    string `json:"reason"`
}

// FilingList is a list of filings.
type FilingList struct {
	Items []Filing `json:"items"`
}

// CheckContract runs the registration checks on a contract without storing it
// and returns the result JSON (the same as `techmarket registration check --json`).
func (c *Client) CheckContract(ctx context.Context, contract json.RawMessage) (json.RawMessage, error) {
	var out []byte
	if err := c.call(ctx, http.MethodPost, "/registration/check", nil, nil, contract, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateFiling stores a filing in draft.
func (c *Client) CreateFiling(ctx context.Context, in FilingDraft) (*Filing, error) {
	return fetch[Filing](ctx, c, http.MethodPost, "/filings", nil, nil, in)
}

// Filing returns one filing.
func (c *Client) Filing(ctx context.Context, filingID string) (*Filing, error) {
	return fetch[Filing](ctx, c, http.MethodGet, "/filings/"+id(filingID), nil, nil, nil)
}

// SubmitFiling submits (or, after corrections, resubmits) a filing.
func (c *Client) SubmitFiling(ctx context.Context, filingID string) (*Filing, error) {
	return fetch[Filing](ctx, c, http.MethodPost, "/filings/"+id(filingID)+"/submit", nil, nil, nil)
}

// ClaimFiling marks a filing as handled by the calling registrar.
func (c *Client) ClaimFiling(ctx context.Context, filingID string) (*Filing, error) {
	return fetch[Filing](ctx, c, http.MethodPost, "/filings/"+id(filingID)+"/claim", nil, nil, nil)
}

// RequestFilingCorrection sends a filing back to the filer with a reason.
func (c *Client) RequestFilingCorrection(ctx context.Context, filingID, reason string) (*Filing, error) {
	return fetch[Filing](ctx, c, http.MethodPost, "/filings/"+id(filingID)+"/request-correction", nil, nil,
		map[string]string{"reason": reason})
}

// RefuseFiling refuses a filing with coded reasons and an optional note.
func (c *Client) RefuseFiling(ctx context.Context, filingID string, codes []string, note string) (*Filing, error) {
	return fetch[Filing](ctx, c, http.MethodPost, "/filings/"+id(filingID)+"/refuse", nil, nil,
		map[string]any{"codes": codes, "note": note})
}

// RegisterFiling registers a filing, optionally certifying another technology amount.
func (c *Client) RegisterFiling(ctx context.Context, filingID string, override *FilingOverride) (*Filing, error) {
	body := map[string]any{}
	if override != nil {
		body["override"] = override
	}
	return fetch[Filing](ctx, c, http.MethodPost, "/filings/"+id(filingID)+"/register", nil, nil, body)
}

// CancelFiling cancels a registration (注销) with a reason.
func (c *Client) CancelFiling(ctx context.Context, filingID, reason string) (*Filing, error) {
	return fetch[Filing](ctx, c, http.MethodPost, "/filings/"+id(filingID)+"/cancel", nil, nil,
		map[string]string{"reason": reason})
}

// FilingCertificate downloads the registration certificate (PDF).
func (c *Client) FilingCertificate(ctx context.Context, filingID string) ([]byte, error) {
	var out []byte
	if err := c.call(ctx, http.MethodGet, "/filings/"+id(filingID)+"/certificate.pdf", nil, nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// RegistrarQueue lists the filings waiting for a registry, the soonest
// deadline first; registry "" means the caller's first registry.
func (c *Client) RegistrarQueue(ctx context.Context, registry string) (*FilingList, error) {
	q := url.Values{}
	setIf(q, "registry", registry)
	return fetch[FilingList](ctx, c, http.MethodGet, "/registrar/queue", q, nil, nil)
}

// MyFilings lists the filings of the caller's organisations.
func (c *Client) MyFilings(ctx context.Context) (*FilingList, error) {
	return fetch[FilingList](ctx, c, http.MethodGet, "/my/filings", nil, nil, nil)
}
