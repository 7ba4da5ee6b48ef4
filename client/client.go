// Package client is a small Go client for the techmarket REST API (/api/v1). The
// techmarket CLI and the end-to-end tests use it; so can any Go program.
//
//	c := client.New("https://market.example.cn", os.Getenv("TECHMARKET_TOKEN"))
//	page, err := c.SearchListings(ctx, client.SearchQuery{Q: "锂电池", Field: "NE"})
//	var apiErr *client.Error
//	if errors.As(err, &apiErr) {
//		for _, f := range apiErr.Problem.Errors { fmt.Println(f.Field, f.Message) }
//	}
//
// Failures the server reports come back as *Error carrying the RFC 9457 problem
// document, including one entry per input field at fault.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIPrefix is the path of the API version this client speaks.
const APIPrefix = "/api/v1"

// Client calls one techmarket server. Its fields may be changed before first use.
type Client struct {
	baseURL string
	token   string

	// HTTPClient sends the requests; the default has a 30-second timeout.
	HTTPClient *http.Client
	// UserAgent identifies the program to the server's logs.
	UserAgent string
	// Lang ("zh" or "en") is sent as Accept-Language; empty lets the server choose.
	Lang string
	// Strict makes decoding refuse response fields this client does not know.
	// Tests turn it on to catch a client that has fallen behind the server.
	Strict bool
}

// New returns a client for the server at baseURL ("https://host" or
// "https://host/api/v1"); token is an API token, or "" for anonymous calls.
func New(baseURL, token string) *Client {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	base = strings.TrimSuffix(base, APIPrefix)
	return &Client{
		baseURL:    base,
		token:      token,
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
		UserAgent:  "techmarket-go-client/1",
	}
}

// BaseURL is the server address without the API prefix.
func (c *Client) BaseURL() string { return c.baseURL }

// WithToken returns a copy of the client that authenticates with token.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// call sends one request. body, when not nil, is sent as JSON; out, when not
// nil, receives the JSON answer. header adds request headers.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, header http.Header, body, out any) error {
	u := c.baseURL + APIPrefix + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var reqBody io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: encode request: %w", method, path, err)
		}
		reqBody = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, reqBody)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
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
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read response: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return newError(method, path, resp, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = data
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if c.Strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode response: %w", method, path, err)
	}
	return nil
}

// newError builds an *Error from a failed response. Servers in front of
// techmarket (proxies) may answer in plain text; their text becomes the detail.
func newError(method, path string, resp *http.Response, data []byte) *Error {
	e := &Error{Method: method, Path: path, StatusCode: resp.StatusCode}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if strings.HasSuffix(mt, "json") && json.Unmarshal(data, &e.Problem) == nil && e.Problem.Status != 0 {
		return e
	}
	e.Problem = Problem{Type: "about:blank", Title: http.StatusText(resp.StatusCode), Status: resp.StatusCode}
	text := strings.TrimSpace(string(data))
	if len(text) > 300 {
		text = text[:300] + "…"
	}
	e.Problem.Detail = text
	return e
}

func pageQuery(q url.Values, page, perPage int) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if page > 0 {
		q.Set("page", fmt.Sprint(page))
	}
	if perPage > 0 {
		q.Set("per_page", fmt.Sprint(perPage))
	}
	return q
}

func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

func id(s string) string { return url.PathEscape(s) }
