package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestOrgProfileAndEnterpriseMatchesThroughTheAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()

		// Public read of an empty profile; only the organisation's own people
		// and operators may write; bad input names the field.
		p, err := m.anon.OrgProfile(ctx, m.company.ID)
		if err != nil || p.OrgID != m.company.ID || len(p.Fields) != 0 || p.UpdatedAt != nil {
			t.Fatalf("empty profile: %+v %v", p, err)
		}
		in := client.OrgProfileInput{ScopeZh: "动力电池与固态电解质材料的研发生产", ScopeEn: "Traction batteries and solid electrolytes",
			Fields: []string{"NE"}, IPCCodes: []string{"H01M 10/0562"}}
		_, err = m.rivalSeller.SetOrgProfile(ctx, m.company.ID, in)
		wantStatus(t, err, http.StatusForbidden, "seller of another organisation")
		_, err = m.anon.SetOrgProfile(ctx, m.company.ID, in)
		wantStatus(t, err, http.StatusUnauthorized, "anonymous")
		resp, body := m.raw(http.MethodPut, "/api/v1/orgs/"+m.company.ID+"/profile", m.tokenFor("operator@exchange.test"), "application/json",
			`{"scope_zh":"x","fields":["NE","QQ"],"ipc_codes":["H01M","123"]}`)
		if pr := problemOf(t, resp, body, http.StatusUnprocessableEntity); !fieldSet(pr.Errors)["fields[1]"] || !fieldSet(pr.Errors)["ipc_codes[1]"] {
			t.Errorf("bad profile: %+v", pr)
		}
		if p, _ := m.anon.OrgProfile(ctx, m.company.ID); p.ScopeZh != "" {
			t.Errorf("refused writes changed the profile: %+v", p)
		}
		saved, err := m.operator.SetOrgProfile(ctx, m.company.ID, in)
		if err != nil || saved.ScopeZh != in.ScopeZh || saved.UpdatedAt == nil {
			t.Fatalf("operator save: %+v %v", saved, err)
		}
		if p, err := m.anon.OrgProfile(ctx, m.company.ID); err != nil || p.ScopeEn != in.ScopeEn || p.IPCCodes[0] != "H01M 10/0562" {
			t.Errorf("public read: %+v %v", p, err)
		}
		// The company's own buyer keeps it up to date.
		in.ScopeEn = "Traction batteries, solid electrolytes and anodes"
		if saved, err := m.buyer.SetOrgProfile(ctx, m.company.ID, in); err != nil || saved.ScopeEn != in.ScopeEn {
			t.Fatalf("the company's buyer saves its profile: %+v %v", saved, err)
		}
		_, err = m.anon.OrgProfile(ctx, "no-such-org")
		wantStatus(t, err, http.StatusNotFound, "unknown org")

		// The company never posted a need; its profile finds it for the
		// university's electrolyte, with words and factors.
		tech := m.publish(achievement("硫化物固态电解质"))
		em, err := m.rivalSeller.ListingEnterpriseMatches(ctx, tech.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(em.Items) == 0 || em.Items[0].Enterprise.ID != m.company.ID || len(em.Items[0].Terms) == 0 || len(em.Items[0].Factors) == 0 ||
			em.Seeker.TargetKind != "enterprise" {
			t.Fatalf("enterprise matches: %+v", em)
		}
		resp, body = m.raw(http.MethodGet, "/api/v1/listings/"+tech.ID+"/enterprise-matches", m.tokenFor("seller@rival.test"), "", "")
		if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "配方机密") {
			t.Errorf("wire: %d %s", resp.StatusCode, body)
		}

		// A need is refused with a problem naming id.
		trl, lo, hi := 5, int64(100_000_000), int64(200_000_000)
		need, err := m.buyer.CreateListing(ctx, client.NewListing{Submit: true, ListingInput: client.ListingInput{
			Kind: "need", TitleZh: "寻求固态电解质", SummaryZh: "需要固态电解质。", Field: "NE", RequiredTRL: &trl,
			BudgetMinFen: &lo, BudgetMaxFen: &hi, TransferModes: []string{"transfer"}, RegionCode: "110108"}})
		if err != nil {
			t.Fatal(err)
		}
		resp, body = m.raw(http.MethodGet, "/api/v1/listings/"+need.ID+"/enterprise-matches", m.tokenFor("buyer@company.test"), "", "")
		pr := problemOf(t, resp, body, http.StatusUnprocessableEntity)
		if len(pr.Errors) != 1 || pr.Errors[0].Field != "id" || pr.Errors[0].Message != "only achievements match enterprises" {
			t.Errorf("need: %+v", pr)
		}
		resp, body = m.raw(http.MethodGet, "/api/v1/listings/"+tech.ID+"/enterprise-matches", "", "", "")
		problemOf(t, resp, body, http.StatusUnauthorized)
		resp, body = m.raw(http.MethodGet, "/api/v1/listings/"+tech.ID+"/enterprise-matches?k=99", m.tokenFor("seller@rival.test"), "", "")
		if pr := problemOf(t, resp, body, http.StatusUnprocessableEntity); len(pr.Errors) != 1 || pr.Errors[0].Field != "k" {
			t.Errorf("k=99: %+v", pr)
		}
	})
}
