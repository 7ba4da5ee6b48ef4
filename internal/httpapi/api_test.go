package httpapi_test

import (
	"bytes"
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
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func countListings(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM listings`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInvalidListingNamesEveryFieldAndSavesNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		in := achievement("")
		in.TitleEn = ""
		in.Field = "XX"
		in.TRL = 12
		in.RegionCode = "99"
		in.IPItems[0].Status = "maybe"
		body, _ := json.Marshal(client.NewListing{ListingInput: in})
		resp, data := m.raw(http.MethodPost, "/api/v1/listings", m.tokenFor("seller@uni.test"), "application/json", string(body))
		p := problemOf(t, resp, data, http.StatusUnprocessableEntity)
		if p.Code != "invalid" {
			t.Errorf("code %q, want invalid", p.Code)
		}
		got := fieldSet(p.Errors)
		for _, want := range []string{"title_zh", "field", "trl", "region_code", "ip_items[0].status"} {
			if !got[want] {
				t.Errorf("no error for %s in %+v", want, p.Errors)
			}
		}
		for _, f := range p.Errors {
			if f.Message == "" || f.MessageZh == "" || f.Code == "" {
				t.Errorf("field error without code or both languages: %+v", f)
			}
		}
		if n := countListings(t, db); n != 0 {
			t.Fatalf("%d listings saved from invalid input", n)
		}
	})
}

func TestMalformedRequestsGetProblems(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		token := m.tokenFor("seller@uni.test")

		resp, data := m.raw(http.MethodPost, "/api/v1/listings", token, "application/json", "{\n  \"kind\": \"achievement\",\n  \"title_zh\": \"x\",,\n}")
		p := problemOf(t, resp, data, http.StatusBadRequest)
		if p.Line != 3 || p.Column != 19 {
			t.Errorf("syntax error at line %d column %d, want 3:19, the second comma (%s)", p.Line, p.Column, p.Detail)
		}

		resp, data = m.raw(http.MethodPost, "/api/v1/listings", token, "application/json", `{"kind":"achievement","titel_zh":"x"}`)
		p = problemOf(t, resp, data, http.StatusBadRequest)
		if len(p.Errors) != 1 || p.Errors[0].Field != "titel_zh" || p.Errors[0].Code != "unknown_field" {
			t.Errorf("unknown field not named: %+v", p.Errors)
		}

		resp, data = m.raw(http.MethodPost, "/api/v1/listings", token, "application/json", `{"kind":"achievement","ip_items":[{"number":7}]}`)
		p = problemOf(t, resp, data, http.StatusBadRequest)
		if len(p.Errors) != 1 || p.Errors[0].Field != "ip_items.number" || p.Errors[0].Code != "wrong_type" {
			t.Errorf("wrong type not named: %+v", p.Errors)
		}

		resp, data = m.raw(http.MethodPost, "/api/v1/listings", token, "application/json", `{"kind":"need"} {}`)
		problemOf(t, resp, data, http.StatusBadRequest)

		resp, data = m.raw(http.MethodPost, "/api/v1/listings", token, "text/plain", `{}`)
		problemOf(t, resp, data, http.StatusUnsupportedMediaType)

		huge := `{"kind":"need","detail_zh":"` + strings.Repeat("长", 400_000) + `"}`
		resp, data = m.raw(http.MethodPost, "/api/v1/listings", token, "application/json", huge)
		problemOf(t, resp, data, http.StatusRequestEntityTooLarge)

		resp, data = m.raw(http.MethodGet, "/api/v1/no-such-thing", "", "", "")
		problemOf(t, resp, data, http.StatusNotFound)

		resp, data = m.raw(http.MethodDelete, "/api/v1/listings", token, "", "")
		problemOf(t, resp, data, http.StatusMethodNotAllowed)
		if allow := resp.Header.Get("Allow"); allow != "GET, POST" {
			t.Errorf("Allow %q, want GET, POST", allow)
		}

		resp, data = m.raw(http.MethodGet, "/api/v1/listings?per_page=500&trl_min=0&kind=gadget&state_owned=perhaps", "", "", "")
		p = problemOf(t, resp, data, http.StatusUnprocessableEntity)
		got := fieldSet(p.Errors)
		for _, want := range []string{"per_page", "trl_min", "kind", "state_owned"} {
			if !got[want] {
				t.Errorf("no error for query parameter %s: %+v", want, p.Errors)
			}
		}
		if n := countListings(t, db); n != 0 {
			t.Fatalf("%d listings saved from malformed requests", n)
		}
	})
}

func TestAuthenticationIsRequired(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		_, err := m.anon.CreateListing(ctx, client.NewListing{ListingInput: achievement("无令牌")})
		wantStatus(t, err, http.StatusUnauthorized, "create without token")
		_, err = m.anon.Me(ctx)
		wantStatus(t, err, http.StatusUnauthorized, "me without token")
		_, err = m.anon.ReviewQueue(ctx, client.PageOptions{})
		wantStatus(t, err, http.StatusUnauthorized, "review queue without token")
		_, err = m.client("tm_not-a-real-token").SearchListings(ctx, client.SearchQuery{})
		wantStatus(t, err, http.StatusUnauthorized, "search with a bad token")

		resp, data := m.raw(http.MethodGet, "/api/v1/me", "", "", "")
		problemOf(t, resp, data, http.StatusUnauthorized)
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}

		_, err = m.anon.CreateToken(ctx, client.TokenRequest{Email: "seller@uni.test", Password: "wrong password!", Name: "x"})
		wantStatus(t, err, http.StatusUnauthorized, "wrong password")
		_, err = m.anon.CreateToken(ctx, client.TokenRequest{})
		wantStatus(t, err, http.StatusUnprocessableEntity, "empty token request")
		if got := fieldSet(client.FieldErrors(err)); !got["email"] || !got["password"] || !got["name"] {
			t.Errorf("empty token request: fields %v", got)
		}

		tok, err := m.anon.CreateToken(ctx, client.TokenRequest{Email: "buyer@company.test", Password: testPassword, Name: "short-lived"})
		if err != nil {
			t.Fatal(err)
		}
		c := m.client(tok.Token)
		me, err := c.Me(ctx)
		if err != nil || me.Email != "buyer@company.test" || len(me.Roles) != 1 || me.Roles[0].Role != domain.RoleBuyer {
			t.Fatalf("me = %+v, %v", me, err)
		}
		if err := c.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = c.Me(ctx)
		wantStatus(t, err, http.StatusUnauthorized, "revoked token")
	})
}

func TestRolesAreChecked(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()

		_, err := m.buyer.CreateListing(ctx, client.NewListing{ListingInput: achievement("买方不能发布成果")})
		wantStatus(t, err, http.StatusForbidden, "buyer creating an achievement")
		_, err = m.seller.CreateListing(ctx, client.NewListing{ListingInput: achievement("别人的机构"), OrgID: m.company.ID})
		wantStatus(t, err, http.StatusForbidden, "seller creating for another organisation")

		l, err := m.seller.CreateListing(ctx, client.NewListing{ListingInput: achievement("待审成果"), Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.seller.ReviewListing(ctx, l.ID, true, "")
		wantStatus(t, err, http.StatusForbidden, "seller reviewing")
		_, err = m.buyer.ReviewQueue(ctx, client.PageOptions{})
		wantStatus(t, err, http.StatusForbidden, "buyer reading the review queue")
		_, err = m.rivalSeller.WithdrawListing(ctx, l.ID)
		wantStatus(t, err, http.StatusForbidden, "another organisation withdrawing")
		_, err = m.seller.Users(ctx, client.PageOptions{})
		wantStatus(t, err, http.StatusForbidden, "seller listing users")
		_, err = m.seller.CreateOrg(ctx, client.OrgInput{NameZh: "冒名机构", Type: "enterprise", RegionCode: "110108"})
		wantStatus(t, err, http.StatusForbidden, "seller registering an organisation")
		me, _ := m.operator.Me(ctx)
		_, err = m.seller.User(ctx, me.ID)
		wantStatus(t, err, http.StatusForbidden, "seller reading another user")

		if got, err := m.operator.ReviewListing(ctx, l.ID, true, ""); err != nil || got.Status != "published" {
			t.Fatalf("operator approving: %+v, %v", got, err)
		}
	})
}

func TestConfidentialDetailOnlyForEntitledCallers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("固态电解质"))
		if err := m.app.Listings.GrantAccess(ctx, db, domain.SystemActor("test"), l.ID, m.company.ID, "NDA signed"); err != nil {
			t.Fatal(err)
		}
		tokens := map[string]string{
			"anonymous": "", "other organisation": m.tokenFor("seller@rival.test"),
			"owner": m.tokenFor("seller@uni.test"), "operator": m.tokenFor("operator@exchange.test"),
			"granted organisation": m.tokenFor("buyer@company.test"),
		}
		entitled := map[string]bool{"owner": true, "operator": true, "granted organisation": true}
		for who, token := range tokens {
			resp, data := m.raw(http.MethodGet, "/api/v1/listings/"+l.ID, token, "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d: %s", who, resp.StatusCode, data)
			}
			var got client.Listing
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			leaked := bytes.Contains(data, []byte(secretDetail))
			if entitled[who] && (got.DetailZh != secretDetail || got.DetailWithheld) {
				t.Errorf("%s should see the detail: detail %q withheld %v", who, got.DetailZh, got.DetailWithheld)
			}
			if !entitled[who] && (leaked || !got.DetailWithheld) {
				t.Errorf("%s sees confidential detail (leaked %v, withheld %v)", who, leaked, got.DetailWithheld)
			}
			// Search results never carry the detail, whoever asks.
			resp, data = m.raw(http.MethodGet, "/api/v1/listings?q=固态", token, "", "")
			if resp.StatusCode != http.StatusOK || bytes.Contains(data, []byte(secretDetail)) || !bytes.Contains(data, []byte(l.ID)) {
				t.Errorf("%s: search status %d, leaked %v", who, resp.StatusCode, bytes.Contains(data, []byte(secretDetail)))
			}
		}

		draft, err := m.seller.CreateListing(ctx, client.NewListing{ListingInput: achievement("未发布草稿")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.anon.Listing(ctx, draft.ID)
		wantStatus(t, err, http.StatusNotFound, "anonymous reading a draft")
		_, err = m.rivalSeller.Listing(ctx, draft.ID)
		wantStatus(t, err, http.StatusNotFound, "other organisation reading a draft")
	})
}

func TestSearchIsPaginated(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		for _, title := range []string{"钠离子电池正极", "钙钛矿光伏组件", "氢燃料电池催化剂", "储能变流器", "风电叶片涂层", "地热换热器", "光伏清洗机器人"} {
			m.publish(achievement(title))
		}
		resp, data := m.raw(http.MethodGet, "/api/v1/listings?per_page=3&page=2&field=NE", "", "", "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, data)
		}
		if got := resp.Header.Get("X-Total-Count"); got != "7" {
			t.Errorf("X-Total-Count %q, want 7", got)
		}
		link := resp.Header.Get("Link")
		if !strings.Contains(link, `page=3`) || !strings.Contains(link, `rel="next"`) || !strings.Contains(link, `page=1`) || !strings.Contains(link, "field=NE") {
			t.Errorf("Link %q lacks next/prev pages with the filters", link)
		}
		seen := map[string]bool{}
		for page := 1; page <= 3; page++ {
			p, err := m.anon.SearchListings(ctx, client.SearchQuery{Field: "NE", PageOptions: client.PageOptions{Page: page, PerPage: 3}})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 7 || p.Page != page || p.PerPage != 3 {
				t.Fatalf("page %d: %+v", page, p)
			}
			if want := min(3, 7-(page-1)*3); len(p.Items) != want {
				t.Fatalf("page %d has %d items, want %d", page, len(p.Items), want)
			}
			for _, l := range p.Items {
				if seen[l.ID] {
					t.Fatalf("listing %s on two pages", l.ID)
				}
				seen[l.ID] = true
			}
		}
		empty, err := m.anon.SearchListings(ctx, client.SearchQuery{Kind: "need"})
		if err != nil || empty.Total != 0 || empty.Items == nil {
			t.Fatalf("no needs: %+v, %v (items must be [] not null)", empty, err)
		}
		hit, err := m.anon.SearchListings(ctx, client.SearchQuery{Q: "光伏"})
		if err != nil || hit.Total != 2 {
			t.Fatalf("search 光伏: %+v, %v", hit, err)
		}
	})
}

func TestListingLifecycleThroughTheAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		in := achievement("高镍三元正极材料")

		resp, data := m.raw(http.MethodPost, "/api/v1/listings", m.tokenFor("seller@uni.test"), "application/json",
			mustJSON(t, client.NewListing{ListingInput: in}))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", resp.StatusCode, data)
		}
		var l client.Listing
		if err := json.Unmarshal(data, &l); err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("Location") != "/api/v1/listings/"+l.ID || l.Status != "draft" || l.OwnerOrgID != m.uni.ID {
			t.Fatalf("created %+v at %q", l, resp.Header.Get("Location"))
		}
		if resp.Header.Get("ETag") != `"1"` {
			t.Errorf("ETag %q, want \"1\"", resp.Header.Get("ETag"))
		}

		submitted, err := m.seller.SubmitListing(ctx, l.ID)
		if err != nil || submitted.Status != "submitted" {
			t.Fatalf("submit: %+v, %v", submitted, err)
		}
		queue, err := m.operator.ReviewQueue(ctx, client.PageOptions{})
		if err != nil || queue.Total != 1 || queue.Items[0].ID != l.ID {
			t.Fatalf("review queue: %+v, %v", queue, err)
		}
		_, err = m.operator.ReviewListing(ctx, l.ID, false, "")
		wantStatus(t, err, http.StatusUnprocessableEntity, "rejecting without a reason")
		if !fieldSet(client.FieldErrors(err))["reason"] {
			t.Errorf("rejection without reason does not name the reason field: %v", err)
		}
		published, err := m.operator.ReviewListing(ctx, l.ID, true, "")
		if err != nil || published.Status != "published" || published.ExpiresAt == nil {
			t.Fatalf("approve: %+v, %v", published, err)
		}
		found, err := m.anon.SearchListings(ctx, client.SearchQuery{Q: "三元正极", Kind: "achievement", TRLMin: 5, TRLMax: 7, Province: "11"})
		if err != nil || found.Total != 1 || found.Items[0].ID != l.ID {
			t.Fatalf("published listing not found: %+v, %v", found, err)
		}
		notes, err := m.seller.Notifications(ctx, client.PageOptions{})
		if err != nil || notes.Unread != 1 || notes.Total != 1 || notes.Items[0].SubjectID != l.ID {
			t.Fatalf("notifications: %+v, %v", notes, err)
		}
		if err := m.seller.MarkNotificationsRead(ctx); err != nil {
			t.Fatal(err)
		}
		if notes, _ = m.seller.Notifications(ctx, client.PageOptions{}); notes.Unread != 0 {
			t.Errorf("unread after marking read: %d", notes.Unread)
		}

		edit := in
		edit.SummaryZh = "修订后的摘要"
		_, err = m.seller.UpdateListing(ctx, l.ID, published.Version-1, edit, false)
		wantStatus(t, err, http.StatusConflict, "update with a stale version")
		resp, data = m.raw(http.MethodPut, "/api/v1/listings/"+l.ID, m.tokenFor("seller@uni.test"), "application/json", mustJSON(t, edit))
		p := problemOf(t, resp, data, http.StatusUnprocessableEntity)
		if !fieldSet(p.Errors)["version"] {
			t.Errorf("update without version: %+v", p.Errors)
		}
		edited, err := m.seller.UpdateListing(ctx, l.ID, published.Version, edit, false)
		if err != nil || edited.Status != "submitted" || edited.SummaryZh != "修订后的摘要" {
			t.Fatalf("edit of a published listing must go back to review: %+v, %v", edited, err)
		}
		rejected, err := m.operator.ReviewListing(ctx, l.ID, false, "请补充检测报告")
		if err != nil || rejected.Status != "rejected" {
			t.Fatalf("reject: %+v, %v", rejected, err)
		}
		mine, err := m.seller.MyListings(ctx, client.MyListingsQuery{Status: "rejected"})
		if err != nil || mine.Total != 1 || mine.Items[0].RejectReason != "请补充检测报告" {
			t.Fatalf("my rejected listings: %+v, %v", mine, err)
		}
		if _, err := m.seller.SubmitListing(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := m.operator.ReviewListing(ctx, l.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		renewed, err := m.seller.RenewListing(ctx, l.ID)
		if err != nil || renewed.Status != "published" {
			t.Fatalf("renew: %+v, %v", renewed, err)
		}
		withdrawn, err := m.seller.WithdrawListing(ctx, l.ID)
		if err != nil || withdrawn.Status != "withdrawn" {
			t.Fatalf("withdraw: %+v, %v", withdrawn, err)
		}
		_, err = m.seller.SubmitListing(ctx, l.ID)
		wantStatus(t, err, http.StatusConflict, "submitting a withdrawn listing")
		if found, _ := m.anon.SearchListings(ctx, client.SearchQuery{Q: "三元正极"}); found.Total != 0 {
			t.Errorf("withdrawn listing still in search")
		}
		stats, err := m.anon.MarketStats(ctx)
		if err != nil || stats.Achievements != 0 {
			t.Errorf("stats after withdrawal: %+v, %v", stats, err)
		}
	})
}

func TestOrganisationsAndUsers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		_, err := m.admin.CreateOrg(ctx, client.OrgInput{NameZh: "", Type: "guild", USCC: "123", RegionCode: "000000"})
		wantStatus(t, err, http.StatusUnprocessableEntity, "invalid organisation")
		got := fieldSet(client.FieldErrors(err))
		for _, f := range []string{"name_zh", "type", "uscc", "region_code"} {
			if !got[f] {
				t.Errorf("invalid organisation: no error for %s (%v)", f, err)
			}
		}
		org, err := m.admin.CreateOrg(ctx, client.OrgInput{NameZh: "新材料研究院", Type: "research_institute", RegionCode: "320102"})
		if err != nil {
			t.Fatal(err)
		}
		if fetched, err := m.anon.Org(ctx, org.ID); err != nil || fetched.NameZh != "新材料研究院" {
			t.Fatalf("get org: %+v, %v", fetched, err)
		}
		orgs, err := m.anon.Orgs(ctx, "", client.PageOptions{PerPage: 2})
		if err != nil || orgs.Total != 5 || len(orgs.Items) != 2 {
			t.Fatalf("orgs: %+v, %v", orgs, err)
		}
		institutes, err := m.anon.Orgs(ctx, "research_institute", client.PageOptions{})
		if err != nil || institutes.Total != 1 {
			t.Fatalf("orgs by type: %+v, %v", institutes, err)
		}

		u, err := m.admin.CreateUser(ctx, client.UserInput{Email: "new@institute.test", Name: "研究员", Password: testPassword,
			Roles: []client.OrgRole{{OrgID: org.ID, Role: "seller"}}})
		if err != nil || len(u.Roles) != 1 || u.Roles[0].OrgName != "新材料研究院" {
			t.Fatalf("create user: %+v, %v", u, err)
		}
		_, err = m.admin.CreateUser(ctx, client.UserInput{Email: "new@institute.test", Name: "重复", Password: testPassword})
		wantStatus(t, err, http.StatusUnprocessableEntity, "duplicate e-mail")
		users, err := m.admin.Users(ctx, client.PageOptions{})
		if err != nil || users.Total != 6 {
			t.Fatalf("users: %+v, %v", users, err)
		}
		newcomer, err := m.anon.CreateToken(ctx, client.TokenRequest{Email: "new@institute.test", Password: testPassword, Name: "t", ExpiresInDays: 7})
		if err != nil {
			t.Fatal(err)
		}
		if self, err := m.client(newcomer.Token).User(ctx, u.ID); err != nil || self.ID != u.ID {
			t.Fatalf("user reading themself: %+v, %v", self, err)
		}
	})
}

func TestCodesAndOpenAPIAreServed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		codes, err := m.anon.Codes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes.Fields) != len(domain.TechFields) || len(codes.Provinces) != 34 || len(codes.TRL) != 9 ||
			codes.Fields[0].Label.Zh == "" || codes.Fields[0].Label.En == "" {
			t.Fatalf("codes incomplete: %d fields, %d provinces, %d TRL", len(codes.Fields), len(codes.Provinces), len(codes.TRL))
		}
		doc, err := m.anon.OpenAPI(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var spec struct {
			OpenAPI string         `json:"openapi"`
			Paths   map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(doc, &spec); err != nil || spec.OpenAPI != "3.1.0" || spec.Paths["/api/v1/listings"] == nil {
			t.Fatalf("served OpenAPI document: %v %q", err, spec.OpenAPI)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		var logged bytes.Buffer
		a := app.New(app.Config{}, slog.New(slog.NewTextHandler(&logged, nil)), db)
		if err := a.Matching.Build(context.Background()); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.New(a, httpapi.Register))
		defer srv.Close()
		// Break the database underneath the API: the driver's message names the table.
		if _, err := db.Exec(context.Background(), `ALTER TABLE organizations RENAME TO organizations_gone`); err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(srv.URL + "/api/v1/orgs")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		p := problemOf(t, resp, data, http.StatusInternalServerError)
		if p.Detail != "internal error" || strings.Contains(string(data), "organizations") {
			t.Errorf("internal detail shown to the caller: %s", data)
		}
		if !strings.Contains(logged.String(), "organizations") || !strings.Contains(logged.String(), "/api/v1/orgs") {
			t.Errorf("the cause was not logged: %q", logged.String())
		}
	})
}
