package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Valuation is a saved valuation of a listing. Input and Result are kept as
// raw JSON: their full shape is documented in docs/valuation.md and the
// OpenAPI document, and callers usually pass them on (to a file, back to
// RerunValuation) rather than take them apart.
type Valuation struct {
	ID           string          `json:"id"`
	ListingID    string          `json:"listing_id"`
	ParentID     string          `json:"parent_id,omitempty"`
	CreatedBy    string          `json:"created_by"`
	OrgID        string          `json:"org_id,omitempty"`
	Scenario     string          `json:"scenario"`
	Method       string          `json:"method"`
	ModelVersion string          `json:"model_version"`
	Seed         uint64          `json:"seed"`
	P10Fen       int64           `json:"p10_fen"`
	P50Fen       int64           `json:"p50_fen"`
	P90Fen       int64           `json:"p90_fen"`
	Realised     *Realised       `json:"realised,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
	Input        json.RawMessage `json:"input"`
	Result       json.RawMessage `json:"result"`
}

// Realised is the price a deal actually closed at.
type Realised struct {
	PriceFen int64  `json:"price_fen"`
	Date     string `json:"date"` // YYYY-MM-DD
	Source   string `json:"source"`
}

// ValuationRatioBin counts valuations whose P50/realised ratio is in [Low, High).
type ValuationRatioBin struct {
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Open  bool    `json:"open,omitempty"`
	Label Label   `json:"label"`
	Count int     `json:"count"`
}

// ValuationOutcome is one valuation set beside its realised price.
type ValuationOutcome struct {
	ValuationID   string  `json:"valuation_id,omitempty"`
	ListingID     string  `json:"listing_id,omitempty"`
	Method        string  `json:"method,omitempty"`
	P10           int64   `json:"p10"`
	P50           int64   `json:"p50"`
	P90           int64   `json:"p90"`
	RealisedFen   int64   `json:"realised_fen"`
	LogRatio      float64 `json:"log_ratio"`
	RelativeError float64 `json:"relative_error"`
	Position      string  `json:"position"`
}

// ValuationAccuracy is the error distribution of valuations against realised prices.
type ValuationAccuracy struct {
	N                      int                 `json:"n"`
	MedianLogRatio         float64             `json:"median_log_ratio"`
	MeanLogRatio           float64             `json:"mean_log_ratio"`
	MeanAbsLogRatio        float64             `json:"mean_abs_log_ratio"`
	RMSLogRatio            float64             `json:"rms_log_ratio"`
	LogRatioP10            float64             `json:"log_ratio_p10"`
	LogRatioP90            float64             `json:"log_ratio_p90"`
	MedianAbsRelativeError float64             `json:"median_abs_relative_error"`
	Coverage               float64             `json:"coverage"`
	BelowP10               float64             `json:"below_p10"`
	AboveP90               float64             `json:"above_p90"`
	Histogram              []ValuationRatioBin `json:"histogram"`
	Items                  []ValuationOutcome  `json:"items"`
	Excluded               int                 `json:"excluded"`
	ItemsWithheld          bool                `json:"items_withheld"`
}

type valuationList struct {
	Items []Valuation `json:"items"`
}

// CreateValuation values a listing. input is a valuation input as JSON (see
// `techmarket valuation example`); nil or "{}" values the listing's facts
// alone, which needs at least one approach's assumptions to succeed.
func (c *Client) CreateValuation(ctx context.Context, listingID string, input json.RawMessage) (*Valuation, error) {
	if len(input) == 0 {
		input = json.RawMessage("{}")
	}
	return fetch[Valuation](ctx, c, http.MethodPost, "/listings/"+id(listingID)+"/valuations", nil, nil, input)
}

// ListingValuations lists a listing's saved valuations the caller may see, newest first.
func (c *Client) ListingValuations(ctx context.Context, listingID string) ([]Valuation, error) {
	l, err := fetch[valuationList](ctx, c, http.MethodGet, "/listings/"+id(listingID)+"/valuations", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// Valuation returns one saved valuation.
func (c *Client) Valuation(ctx context.Context, valuationID string) (*Valuation, error) {
	return fetch[Valuation](ctx, c, http.MethodGet, "/valuations/"+id(valuationID), nil, nil, nil)
}

// RerunValuation values the listing again with a changed input and returns the
// new valuation, whose ParentID is valuationID.
func (c *Client) RerunValuation(ctx context.Context, valuationID string, input json.RawMessage) (*Valuation, error) {
	return fetch[Valuation](ctx, c, http.MethodPost, "/valuations/"+id(valuationID)+"/rerun", nil, nil, input)
}

// RecordRealisedPrice records the price a deal on the listing closed at.
func (c *Client) RecordRealisedPrice(ctx context.Context, valuationID string, r Realised) (*Valuation, error) {
	return fetch[Valuation](ctx, c, http.MethodPost, "/valuations/"+id(valuationID)+"/realised", nil, nil, r)
}

// ValuationAccuracy returns the error distribution of valuations against realised prices.
func (c *Client) ValuationAccuracy(ctx context.Context) (*ValuationAccuracy, error) {
	return fetch[ValuationAccuracy](ctx, c, http.MethodGet, "/valuations/accuracy", nil, nil, nil)
}

// ValuationReport downloads the report as "pdf" or "html" in a language ("zh"
// or "en"; "" lets the server choose).
func (c *Client) ValuationReport(ctx context.Context, valuationID, format, lang string) ([]byte, error) {
	var q url.Values
	if lang != "" {
		q = url.Values{"lang": {lang}}
	}
	var out []byte
	err := c.call(ctx, http.MethodGet, "/valuations/"+id(valuationID)+"/report."+format, q, nil, nil, &out)
	return out, err
}
