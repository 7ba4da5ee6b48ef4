package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/httpapi"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store"
)

const testPassword = "correct horse battery"

// market is a running server with a small cast: a university (seller), a
// company (buyer), another company (seller), an exchange (operator, admin).
type market struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server

	uni, company, rival, exchange identity.Org

	anon, seller, buyer, rivalSeller, operator, admin *client.Client
}

func newMarket(t *testing.T, db *store.DB) *market {
	t.Helper()
	ctx := context.Background()
	a := app.New(app.Config{CookieSecure: "false"}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
	if err := a.Matching.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, httpapi.Register))
	t.Cleanup(srv.Close)
	m := &market{t: t, app: a, srv: srv}
	system := domain.SystemActor("test")
	org := func(name, typ string) identity.Org {
		o, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: name, Type: typ, RegionCode: "110108"})
		if err != nil {
			t.Fatalf("create org %s: %v", name, err)
		}
		return o
	}
	m.uni = org("测试大学", "university")
	m.company = org("买方科技有限公司", "enterprise")
	m.rival = org("另一家公司", "enterprise")
	m.exchange = org("测试技术交易所", "exchange")
	m.anon = m.client("")
	user := func(email string, roles ...domain.OrgRole) *client.Client {
		if _, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: email, Name: email, Password: testPassword, Roles: roles}); err != nil {
			t.Fatalf("create user %s: %v", email, err)
		}
		tok, err := m.anon.CreateToken(ctx, client.TokenRequest{Email: email, Password: testPassword, Name: "test"})
		if err != nil {
			t.Fatalf("token for %s: %v", email, err)
		}
		return m.client(tok.Token)
	}
	m.seller = user("seller@uni.test", domain.OrgRole{OrgID: m.uni.ID, Role: domain.RoleSeller})
	m.buyer = user("buyer@company.test", domain.OrgRole{OrgID: m.company.ID, Role: domain.RoleBuyer})
	m.rivalSeller = user("seller@rival.test", domain.OrgRole{OrgID: m.rival.ID, Role: domain.RoleSeller})
	m.operator = user("operator@exchange.test", domain.OrgRole{OrgID: m.exchange.ID, Role: domain.RoleOperator})
	m.admin = user("admin@exchange.test", domain.OrgRole{OrgID: m.exchange.ID, Role: domain.RoleAdmin})
	return m
}

// client returns an API client that refuses response fields it does not know,
// so a client type that falls behind the server fails the tests.
func (m *market) client(token string) *client.Client {
	c := client.New(m.srv.URL, token)
	c.Strict = true
	return c
}

// achievement is a complete, valid technology listing with a confidential detail.
func achievement(title string) client.ListingInput {
	price := int64(120_000_000) // 120 万元
	return client.ListingInput{
		Kind: "achievement", TitleZh: title, TitleEn: "Solid-state electrolyte",
		SummaryZh: "一种用于固态锂电池的高离子电导率电解质材料。", DetailZh: secretDetail,
		Field: "NE", TRL: 6, TRLEvidence: "中试线报告", TransferModes: []string{"transfer", "licence_ordinary"},
		PriceType: "indicative", PriceFen: &price, RegionCode: "110108",
		IPItems: []client.IPItem{{Type: "invention_patent", Number: "ZL202010123456.7", Status: "granted"}},
	}
}

// secretDetail must never appear in a response to someone not entitled to it.
const secretDetail = "配方机密：硫化物体系掺杂比例 7.3%"

// publish creates, submits and approves a listing through the API.
func (m *market) publish(in client.ListingInput) *client.Listing {
	m.t.Helper()
	ctx := context.Background()
	l, err := m.seller.CreateListing(ctx, client.NewListing{ListingInput: in, Submit: true})
	if err != nil {
		m.t.Fatalf("create: %v", err)
	}
	l, err = m.operator.ReviewListing(ctx, l.ID, true, "")
	if err != nil {
		m.t.Fatalf("approve: %v", err)
	}
	return l
}

// raw sends a request without the client, for checking the wire format itself.
func (m *market) raw(method, path, token, contentType, body string) (*http.Response, []byte) {
	m.t.Helper()
	req, err := http.NewRequest(method, m.srv.URL+path, strings.NewReader(body))
	if err != nil {
		m.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// problemOf decodes a problem response and checks its media type and status.
func problemOf(t *testing.T, resp *http.Response, body []byte, status int) client.Problem {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p client.Problem
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem document: %v: %s", err, body)
	}
	if p.Status != status || p.Type == "" || p.Title == "" || p.Code == "" {
		t.Fatalf("incomplete problem document: %+v", p)
	}
	return p
}

// wantStatus checks that err is an API error with the status.
func wantStatus(t *testing.T, err error, status int, what string) {
	t.Helper()
	if got := client.StatusCode(err); got != status {
		t.Fatalf("%s: status %d (err %v), want %d", what, got, err, status)
	}
}

// fieldSet is the set of field names in a problem's errors.
func fieldSet(errs []client.FieldError) map[string]bool {
	out := map[string]bool{}
	for _, f := range errs {
		out[f.Field] = true
	}
	return out
}

// tokenFor issues a fresh token for a fixture user, for raw requests.
func (m *market) tokenFor(email string) string {
	m.t.Helper()
	tok, err := m.anon.CreateToken(context.Background(), client.TokenRequest{Email: email, Password: testPassword, Name: "raw"})
	if err != nil {
		m.t.Fatal(err)
	}
	return tok.Token
}
