package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestCLIOrgProfileAndEnterpriseMatches(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		isolateClientConfig(t)
		url, a := cliMarket(t, db)
		ctx := context.Background()
		system := domain.SystemActor("test")
		company, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "光伏电站运维有限公司", NameEn: "PV O&M Co.", Type: "enterprise", RegionCode: "110108"})
		if err != nil {
			t.Fatal(err)
		}
		token := func(email string) []string {
			tok, err := client.New(url, "").CreateToken(ctx, client.TokenRequest{Email: email, Password: cliTestPassword, Name: "cli-test"})
			if err != nil {
				t.Fatal(err)
			}
			return []string{"--server", url, "--token", tok.Token}
		}
		op := token("operator@exchange.test")

		out, _, err := runCLI(t, "", append([]string{"orgs", "profile", "set", company.ID, "--scope-zh", "光伏电站运维，光伏组件清洗机器人与巡检无人机。",
			"--fields", "NE, URB", "--ipc", "H02S,B08B 1/00"}, op...)...)
		if err != nil || !strings.Contains(out, "fields:       NE, URB") || !strings.Contains(out, "B08B 1/00") {
			t.Fatalf("set: %v\n%s", err, out)
		}
		// Only the flags given change.
		out, _, err = runCLI(t, "", append([]string{"orgs", "profile", "set", company.ID, "--scope-en", "PV plant O&M", "--json"}, op...)...)
		var p client.OrgProfile
		if err != nil || json.Unmarshal([]byte(out), &p) != nil || p.ScopeEn != "PV plant O&M" || !strings.HasPrefix(p.ScopeZh, "光伏电站运维") || len(p.Fields) != 2 {
			t.Fatalf("set --scope-en: %v\n%s", err, out)
		}
		if _, _, err := runCLI(t, "", append([]string{"orgs", "profile", "set", company.ID, "--fields", "NE,XX"}, op...)...); err == nil || !strings.Contains(err.Error(), "fields[1]") {
			t.Errorf("bad field: %v", err)
		}
		if _, _, err := runCLI(t, "", append([]string{"orgs", "profile", "set", company.ID, "--scope-zh", "x"}, token("seller@uni.test")...)...); err == nil {
			t.Error("a seller of another organisation changed the profile")
		}
		out, _, err = runCLI(t, "", "orgs", "profile", "get", company.ID, "--server", url)
		if err != nil || !strings.Contains(out, "光伏组件清洗机器人") {
			t.Fatalf("get: %v\n%s", err, out)
		}

		// The cleaning robot finds the company through its profile.
		page, err := a.Listings.Search(ctx, listing.Query{Text: "光伏组件清洗机器人"})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("search: %v", err)
		}
		robot := page.Items[0].ID
		out, _, err = runCLI(t, "", append([]string{"matches", robot, "--enterprises", "--lang", "zh"}, op...)...)
		if err != nil || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "光伏电站运维有限公司") || !strings.Contains(out, "matched:") || !strings.Contains(out, "技术领域") {
			t.Fatalf("matches --enterprises: %v\n%s", err, out)
		}
		out, _, err = runCLI(t, "", append([]string{"matches", robot, "--enterprises", "--json"}, op...)...)
		var em client.EnterpriseMatches
		if err != nil || json.Unmarshal([]byte(out), &em) != nil || len(em.Items) == 0 || em.Items[0].Enterprise.ID != company.ID || len(em.Items[0].Factors) == 0 {
			t.Fatalf("matches --enterprises --json: %v\n%s", err, out)
		}
	})
}
