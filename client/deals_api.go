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

type items[T any] struct {
	Items []T `json:"items"`
}

// Venues lists the trading venues.
func (c *Client) Venues(ctx context.Context) ([]Venue, error) {
	out, err := fetch[items[Venue]](ctx, c, http.MethodGet, "/venues", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Venue returns a venue with its rules in force and their version history.
func (c *Client) Venue(ctx context.Context, code string) (*VenueDetail, error) {
	return fetch[VenueDetail](ctx, c, http.MethodGet, "/venues/"+id(code), nil, nil, nil)
}

// CurrentNDA returns the NDA text in force.
func (c *Client) CurrentNDA(ctx context.Context) (*NDA, error) {
	return fetch[NDA](ctx, c, http.MethodGet, "/nda", nil, nil, nil)
}

// PublicNotices lists the agreed prices under public notice.
func (c *Client) PublicNotices(ctx context.Context) ([]Notice, error) {
	out, err := fetch[items[Notice]](ctx, c, http.MethodGet, "/notices", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// InterestInput opens a deal room on a listing.
type InterestInput struct {
	ListingID string `json:"listing_id"`
	OrgID     string `json:"org_id,omitempty"`
	Venue     string `json:"venue,omitempty"`
	Message   string `json:"message,omitempty"`
}

// ExpressInterest opens (or returns) the caller's deal room on a listing.
func (c *Client) ExpressInterest(ctx context.Context, in InterestInput) (*Deal, error) {
	return fetch[Deal](ctx, c, http.MethodPost, "/deals", nil, nil, in)
}

// MyDeals lists the deals of the caller's organisations and those it brokers;
// state may be empty.
func (c *Client) MyDeals(ctx context.Context, state string, page, perPage int) (*Page[Deal], error) {
	q := pageQuery(nil, page, perPage)
	setIf(q, "state", state)
	return fetch[Page[Deal]](ctx, c, http.MethodGet, "/deals", q, nil, nil)
}

// GetDeal returns a deal room as the caller sees it.
func (c *Client) GetDeal(ctx context.Context, dealID string) (*Room, error) {
	return fetch[Room](ctx, c, http.MethodGet, "/deals/"+id(dealID), nil, nil, nil)
}

// AcceptNDA accepts the NDA text of the given version in a deal room.
func (c *Client) AcceptNDA(ctx context.Context, dealID string, version int) (*Deal, error) {
	return fetch[Deal](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/nda", nil, nil, map[string]int{"version": version})
}

// PostDealMessage adds a message to a deal room.
func (c *Client) PostDealMessage(ctx context.Context, dealID, body string) (*DealMessage, error) {
	return fetch[DealMessage](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/messages", nil, nil, map[string]string{"body": body})
}

// MakeOffer makes an offer or counter-offer; validDays 0 uses the venue's default.
func (c *Client) MakeOffer(ctx context.Context, dealID string, terms OfferTerms, validDays int) (*Offer, error) {
	body := struct {
		Terms     OfferTerms `json:"terms"`
		ValidDays int        `json:"valid_days,omitempty"`
	}{terms, validDays}
	return fetch[Offer](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/offers", nil, nil, body)
}

// AcceptOffer accepts the other side's open offer.
func (c *Client) AcceptOffer(ctx context.Context, dealID, offerID string) (*Deal, error) {
	return fetch[Deal](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/offers/"+id(offerID)+"/accept", nil, nil, nil)
}

// RejectOffer rejects the other side's open offer.
func (c *Client) RejectOffer(ctx context.Context, dealID, offerID string) (*Deal, error) {
	return fetch[Deal](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/offers/"+id(offerID)+"/reject", nil, nil, nil)
}

// WithdrawDeal takes the caller's side out of a deal.
func (c *Client) WithdrawDeal(ctx context.Context, dealID, reason string) (*Deal, error) {
	return fetch[Deal](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/withdraw", nil, nil, map[string]string{"reason": reason})
}

// RaiseObjection objects to an agreed price under public notice.
func (c *Client) RaiseObjection(ctx context.Context, dealID, reason string) (*Objection, error) {
	return fetch[Objection](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/objections", nil, nil, map[string]string{"reason": reason})
}

// ResolveObjection upholds or dismisses an objection (venue operators).
func (c *Client) ResolveObjection(ctx context.Context, dealID, objectionID string, upheld bool, resolution string) (*Deal, error) {
	body := struct {
		Upheld     bool   `json:"upheld"`
		Resolution string `json:"resolution"`
	}{upheld, resolution}
	return fetch[Deal](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/objections/"+id(objectionID)+"/resolve", nil, nil, body)
}

// EndNotice ends a public notice whose time has run out.
func (c *Client) EndNotice(ctx context.Context, dealID string) (*Deal, error) {
	return fetch[Deal](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/notice/end", nil, nil, nil)
}

// DraftContract stores the next contract version from terms (DealTerms JSON).
func (c *Client) DraftContract(ctx context.Context, dealID string, terms json.RawMessage) (*ContractVersion, error) {
	return fetch[ContractVersion](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/contract", nil, nil, terms)
}

// ContractHTML returns a contract version's document (0: the current one) and
// its SHA-256, which is what SignContract commits to.
func (c *Client) ContractHTML(ctx context.Context, dealID string, version int) ([]byte, string, error) {
	q := url.Values{}
	if version > 0 {
		q.Set("version", strconv.Itoa(version))
	}
	body, h, err := c.getRaw(ctx, "/deals/"+id(dealID)+"/contract.html", q, nil)
	if err != nil {
		return nil, "", err
	}
	return body, h.Get("X-Document-SHA256"), nil
}

// ContractPDF returns a contract version rendered as PDF (0: the current one).
func (c *Client) ContractPDF(ctx context.Context, dealID string, version int) ([]byte, error) {
	q := url.Values{}
	if version > 0 {
		q.Set("version", strconv.Itoa(version))
	}
	body, _, err := c.getRaw(ctx, "/deals/"+id(dealID)+"/contract.pdf", q, nil)
	return body, err
}

// SignContract signs a contract version with the hash of the document read.
func (c *Client) SignContract(ctx context.Context, dealID string, version int, documentSHA256 string) (*Deal, error) {
	body := struct {
		Version        int    `json:"version"`
		DocumentSHA256 string `json:"document_sha256"`
	}{version, documentSHA256}
	return fetch[Deal](ctx, c, http.MethodPost, "/deals/"+id(dealID)+"/contract/sign", nil, nil, body)
}

// Sales lists sales in a state ("" = open, "all", "closed", "cancelled").
func (c *Client) Sales(ctx context.Context, state string) ([]SaleView, error) {
	q := url.Values{}
	setIf(q, "state", state)
	out, err := fetch[items[SaleView]](ctx, c, http.MethodGet, "/sales", q, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// OpenSale opens a fixed-price listing or an auction.
func (c *Client) OpenSale(ctx context.Context, in SaleInput) (*Sale, error) {
	return fetch[Sale](ctx, c, http.MethodPost, "/sales", nil, nil, in)
}

// GetSale returns a sale's live state.
func (c *Client) GetSale(ctx context.Context, saleID string) (*SaleView, error) {
	return fetch[SaleView](ctx, c, http.MethodGet, "/sales/"+id(saleID), nil, nil, nil)
}

// PollSale fetches a sale's state unless it still has the ETag etag: then it
// returns (nil, etag, nil) after a 304 that carries no body.
func (c *Client) PollSale(ctx context.Context, saleID, etag string) (*SaleView, string, error) {
	return pollTagged[SaleView](ctx, c, "/sales/"+id(saleID), nil, etag)
}

// PollBids fetches the bids after afterSeq unless nothing changed since etag.
func (c *Client) PollBids(ctx context.Context, saleID string, afterSeq int64, etag string) ([]BidView, string, error) {
	q := url.Values{"after_seq": {strconv.FormatInt(afterSeq, 10)}}
	out, tag, err := pollTagged[items[BidView]](ctx, c, "/sales/"+id(saleID)+"/bids", q, etag)
	if err != nil || out == nil {
		return nil, tag, err
	}
	return out.Items, tag, nil
}

// Bids lists a sale's accepted bids under aliases.
func (c *Client) Bids(ctx context.Context, saleID string) ([]BidView, error) {
	out, err := fetch[items[BidView]](ctx, c, http.MethodGet, "/sales/"+id(saleID)+"/bids", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// RegisterBidder registers an organisation (empty: the caller's first buyer organisation).
func (c *Client) RegisterBidder(ctx context.Context, saleID, orgID string) (*Bidder, error) {
	return fetch[Bidder](ctx, c, http.MethodPost, "/sales/"+id(saleID)+"/bidders", nil, nil, map[string]string{"org_id": orgID})
}

// ConfirmDeposit records a deposit paid outside the ledger (venue operators).
func (c *Client) ConfirmDeposit(ctx context.Context, saleID, orgID string, amountFen int64) error {
	body := struct {
		OrgID     string `json:"org_id"`
		AmountFen int64  `json:"amount_fen"`
	}{orgID, amountFen}
	return c.call(ctx, http.MethodPost, "/sales/"+id(saleID)+"/deposits", nil, nil, body, nil)
}

// PlaceBid bids amountFen; idempotencyKey (may be empty) makes a retry safe.
func (c *Client) PlaceBid(ctx context.Context, saleID string, amountFen int64, idempotencyKey string) (*Bid, error) {
	var h http.Header
	if idempotencyKey != "" {
		h = http.Header{"Idempotency-Key": {idempotencyKey}}
	}
	return fetch[Bid](ctx, c, http.MethodPost, "/sales/"+id(saleID)+"/bids", nil, h, map[string]int64{"amount_fen": amountFen})
}

// CloseSale closes a sale past its stored close time.
func (c *Client) CloseSale(ctx context.Context, saleID string) (*Sale, error) {
	return fetch[Sale](ctx, c, http.MethodPost, "/sales/"+id(saleID)+"/close", nil, nil, nil)
}

// ReplaySale verifies a sale by replaying its stored bids.
func (c *Client) ReplaySale(ctx context.Context, saleID string) (*ReplayReport, error) {
	return fetch[ReplayReport](ctx, c, http.MethodGet, "/sales/"+id(saleID)+"/replay", nil, nil, nil)
}

// Challenges lists the challenge board ("" = open, "all", "awarded", "cancelled").
func (c *Client) Challenges(ctx context.Context, state string) ([]Challenge, error) {
	q := url.Values{}
	setIf(q, "state", state)
	out, err := fetch[items[Challenge]](ctx, c, http.MethodGet, "/challenges", q, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// OpenChallenge publishes a challenge on a need.
func (c *Client) OpenChallenge(ctx context.Context, in ChallengeInput) (*Challenge, error) {
	return fetch[Challenge](ctx, c, http.MethodPost, "/challenges", nil, nil, in)
}

// GetChallenge returns a challenge with the proposals the caller may see.
func (c *Client) GetChallenge(ctx context.Context, challengeID string) (*ChallengeView, error) {
	return fetch[ChallengeView](ctx, c, http.MethodGet, "/challenges/"+id(challengeID), nil, nil, nil)
}

// SubmitProposal proposes a solution to a challenge.
func (c *Client) SubmitProposal(ctx context.Context, challengeID string, in ProposalInput) (*Proposal, error) {
	return fetch[Proposal](ctx, c, http.MethodPost, "/challenges/"+id(challengeID)+"/proposals", nil, nil, in)
}

// SelectWinners decides a challenge after its deadline.
func (c *Client) SelectWinners(ctx context.Context, challengeID string, sel Selection) (*Challenge, error) {
	return fetch[Challenge](ctx, c, http.MethodPost, "/challenges/"+id(challengeID)+"/selection", nil, nil, sel)
}

// Mandates lists the caller's mandates (as broker or mandating party).
func (c *Client) Mandates(ctx context.Context) ([]Mandate, error) {
	out, err := fetch[items[Mandate]](ctx, c, http.MethodGet, "/mandates", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// ProposeMandate mandates a broker.
func (c *Client) ProposeMandate(ctx context.Context, in MandateInput) (*Mandate, error) {
	return fetch[Mandate](ctx, c, http.MethodPost, "/mandates", nil, nil, in)
}

// RespondMandate accepts or declines a mandate (the named broker).
func (c *Client) RespondMandate(ctx context.Context, mandateID string, accept bool) (*Mandate, error) {
	action := "decline"
	if accept {
		action = "accept"
	}
	return fetch[Mandate](ctx, c, http.MethodPost, "/mandates/"+id(mandateID)+"/"+action, nil, nil, nil)
}

// RevokeMandate ends a mandate.
func (c *Client) RevokeMandate(ctx context.Context, mandateID string) (*Mandate, error) {
	return fetch[Mandate](ctx, c, http.MethodPost, "/mandates/"+id(mandateID)+"/revoke", nil, nil, nil)
}

// pollTagged is a GET with If-None-Match: a 304 returns (nil, etag, nil).
func pollTagged[T any](ctx context.Context, c *Client, path string, q url.Values, etag string) (*T, string, error) {
	var h http.Header
	if etag != "" {
		h = http.Header{"If-None-Match": {etag}}
	}
	body, resp, err := c.getRaw(ctx, path, q, h)
	if err != nil {
		return nil, "", err
	}
	tag := resp.Get("ETag")
	if body == nil {
		return nil, etag, nil
	}
	var out T
	if err := c.decode(body, &out); err != nil {
		return nil, "", fmt.Errorf("GET %s: decode response: %w", path, err)
	}
	return &out, tag, nil
}

// getRaw sends a GET and returns the body and headers; a 304 has a nil body.
func (c *Client) getRaw(ctx context.Context, path string, q url.Values, header http.Header) ([]byte, http.Header, error) {
	u := c.baseURL + APIPrefix + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", path, err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
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
		return nil, nil, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: read response: %w", path, err)
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, resp.Header, nil
	}
	if resp.StatusCode >= 300 {
		return nil, nil, newError(http.MethodGet, path, resp, data)
	}
	if data == nil {
		data = []byte{}
	}
	return data, resp.Header, nil
}

func (c *Client) decode(data []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if c.Strict {
		dec.DisallowUnknownFields()
	}
	return dec.Decode(out)
}
