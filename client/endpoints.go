package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// CreateToken signs in with e-mail and password and returns a new API token.
func (c *Client) CreateToken(ctx context.Context, in TokenRequest) (*Token, error) {
	return fetch[Token](ctx, c, http.MethodPost, "/auth/tokens", nil, nil, in)
}

// RevokeToken revokes one of the caller's tokens.
func (c *Client) RevokeToken(ctx context.Context, tokenID string) error {
	return c.call(ctx, http.MethodDelete, "/auth/tokens/"+id(tokenID), nil, nil, nil, nil)
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (*User, error) {
	return fetch[User](ctx, c, http.MethodGet, "/me", nil, nil, nil)
}

// Orgs lists organisations, optionally of one type.
func (c *Client) Orgs(ctx context.Context, orgType string, p PageOptions) (*Page[Org], error) {
	q := pageQuery(nil, p.Page, p.PerPage)
	setIf(q, "type", orgType)
	return fetch[Page[Org]](ctx, c, http.MethodGet, "/orgs", q, nil, nil)
}

// Org returns one organisation.
func (c *Client) Org(ctx context.Context, orgID string) (*Org, error) {
	return fetch[Org](ctx, c, http.MethodGet, "/orgs/"+id(orgID), nil, nil, nil)
}

// CreateOrg registers an organisation (administrators only).
func (c *Client) CreateOrg(ctx context.Context, in OrgInput) (*Org, error) {
	return fetch[Org](ctx, c, http.MethodPost, "/orgs", nil, nil, in)
}

// Users lists accounts (administrators only).
func (c *Client) Users(ctx context.Context, p PageOptions) (*Page[User], error) {
	return fetch[Page[User]](ctx, c, http.MethodGet, "/users", pageQuery(nil, p.Page, p.PerPage), nil, nil)
}

// User returns one account (administrators, or the user themself).
func (c *Client) User(ctx context.Context, userID string) (*User, error) {
	return fetch[User](ctx, c, http.MethodGet, "/users/"+id(userID), nil, nil, nil)
}

// CreateUser creates an account with roles (administrators only).
func (c *Client) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	return fetch[User](ctx, c, http.MethodPost, "/users", nil, nil, in)
}

// SearchListings searches the published market.
func (c *Client) SearchListings(ctx context.Context, s SearchQuery) (*Page[Listing], error) {
	q := pageQuery(nil, s.Page, s.PerPage)
	setIf(q, "q", s.Q)
	setIf(q, "kind", s.Kind)
	setIf(q, "field", s.Field)
	setIf(q, "mode", s.Mode)
	setIf(q, "province", s.Province)
	if s.TRLMin > 0 {
		q.Set("trl_min", strconv.Itoa(s.TRLMin))
	}
	if s.TRLMax > 0 {
		q.Set("trl_max", strconv.Itoa(s.TRLMax))
	}
	if s.PriceMaxFen > 0 {
		q.Set("price_max_fen", strconv.FormatInt(s.PriceMaxFen, 10))
	}
	if s.StateOwned != nil {
		q.Set("state_owned", strconv.FormatBool(*s.StateOwned))
	}
	return fetch[Page[Listing]](ctx, c, http.MethodGet, "/listings", q, nil, nil)
}

// Listing returns one listing as the caller may see it.
func (c *Client) Listing(ctx context.Context, listingID string) (*Listing, error) {
	return fetch[Listing](ctx, c, http.MethodGet, "/listings/"+id(listingID), nil, nil, nil)
}

// CreateListing saves a new listing as a draft, or submits it when in.Submit.
func (c *Client) CreateListing(ctx context.Context, in NewListing) (*Listing, error) {
	return fetch[Listing](ctx, c, http.MethodPost, "/listings", nil, nil, in)
}

// UpdateListing replaces a listing's content. version is the Version of the
// listing that was edited; if someone changed it since, the server answers 409.
func (c *Client) UpdateListing(ctx context.Context, listingID string, version int, in ListingInput, submit bool) (*Listing, error) {
	body := struct {
		ListingInput
		Submit bool `json:"submit,omitempty"`
	}{in, submit}
	h := http.Header{}
	h.Set("If-Match", fmt.Sprintf("%q", strconv.Itoa(version)))
	return fetch[Listing](ctx, c, http.MethodPut, "/listings/"+id(listingID), nil, h, body)
}

// SubmitListing sends a draft or rejected listing to review.
func (c *Client) SubmitListing(ctx context.Context, listingID string) (*Listing, error) {
	return c.listingAction(ctx, listingID, "submit", nil)
}

// WithdrawListing takes a listing off the market for good.
func (c *Client) WithdrawListing(ctx context.Context, listingID string) (*Listing, error) {
	return c.listingAction(ctx, listingID, "withdraw", nil)
}

// RenewListing extends a published or expired listing by its validity period.
func (c *Client) RenewListing(ctx context.Context, listingID string) (*Listing, error) {
	return c.listingAction(ctx, listingID, "renew", nil)
}

// ReviewListing publishes (approve) or rejects a submitted listing (operators
// only); a rejection needs a reason.
func (c *Client) ReviewListing(ctx context.Context, listingID string, approve bool, reason string) (*Listing, error) {
	body := struct {
		Approve bool   `json:"approve"`
		Reason  string `json:"reason,omitempty"`
	}{approve, reason}
	return c.listingAction(ctx, listingID, "review", body)
}

func (c *Client) listingAction(ctx context.Context, listingID, action string, body any) (*Listing, error) {
	return fetch[Listing](ctx, c, http.MethodPost, "/listings/"+id(listingID)+"/"+action, nil, nil, body)
}

// MyListings lists the listings of the caller's organisations in every state.
func (c *Client) MyListings(ctx context.Context, m MyListingsQuery) (*Page[Listing], error) {
	q := pageQuery(nil, m.Page, m.PerPage)
	setIf(q, "status", m.Status)
	setIf(q, "kind", m.Kind)
	return fetch[Page[Listing]](ctx, c, http.MethodGet, "/my/listings", q, nil, nil)
}

// ReviewQueue lists submitted listings, oldest first (operators only).
func (c *Client) ReviewQueue(ctx context.Context, p PageOptions) (*Page[Listing], error) {
	return fetch[Page[Listing]](ctx, c, http.MethodGet, "/review-queue", pageQuery(nil, p.Page, p.PerPage), nil, nil)
}

// Notifications lists the caller's newest notifications.
func (c *Client) Notifications(ctx context.Context, p PageOptions) (*NotificationPage, error) {
	return fetch[NotificationPage](ctx, c, http.MethodGet, "/notifications", pageQuery(nil, p.Page, p.PerPage), nil, nil)
}

// MarkNotificationsRead marks all the caller's notifications read.
func (c *Client) MarkNotificationsRead(ctx context.Context) error {
	return c.call(ctx, http.MethodPost, "/notifications/read", nil, nil, nil, nil)
}

// Codes returns every code list with Chinese and English labels.
func (c *Client) Codes(ctx context.Context) (*Codes, error) {
	return fetch[Codes](ctx, c, http.MethodGet, "/codes", nil, nil, nil)
}

// MarketStats counts published listings by kind and field.
func (c *Client) MarketStats(ctx context.Context) (*MarketStats, error) {
	return fetch[MarketStats](ctx, c, http.MethodGet, "/market/stats", nil, nil, nil)
}

// OpenAPI returns the server's OpenAPI document as raw JSON.
func (c *Client) OpenAPI(ctx context.Context) ([]byte, error) {
	var out []byte
	if err := c.call(ctx, http.MethodGet, "/openapi.json", nil, nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// fetch makes one call and decodes the answer into a new T; nil on error.
func fetch[T any](ctx context.Context, c *Client, method, path string, query url.Values, header http.Header, body any) (*T, error) {
	var out T
	if err := c.call(ctx, method, path, query, header, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
