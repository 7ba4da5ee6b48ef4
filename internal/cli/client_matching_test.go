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

func TestCLIMatchesAndSavedNeeds(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		isolateClientConfig(t)
		url, a := cliMarket(t, db)
		ctx := context.Background()
		system := domain.SystemActor("test")
		company, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "光伏运维公司", Type: "enterprise", RegionCode: "110108"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: "buyer@co.test", Name: "buyer", Password: cliTestPassword,
			Roles: []domain.OrgRole{{OrgID: company.ID, Role: domain.RoleBuyer}}}); err != nil {
			t.Fatal(err)
		}
		need, err := a.Listings.Create(ctx, system, company.ID, listing.Input{Kind: "need", TitleZh: "需要光伏组件清洗机器人",
			SummaryZh: "电站需要自动清洗光伏组件的机器人。", Field: "NE", RegionCode: "110108"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Listings.Review(ctx, system, need.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		tok, err := client.New(url, "").CreateToken(ctx, client.TokenRequest{Email: "buyer@co.test", Password: cliTestPassword, Name: "cli-test"})
		if err != nil {
			t.Fatal(err)
		}
		auth := []string{"--server", url, "--token", tok.Token}

		out, _, err := runCLI(t, "", append([]string{"matches", need.ID, "--lang", "zh"}, auth...)...)
		if err != nil || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "光伏组件清洗机器人") || !strings.Contains(out, "matched:") {
			t.Fatalf("matches: %v\n%s", err, out)
		}
		out, _, err = runCLI(t, "", append([]string{"matches", need.ID, "--json"}, auth...)...)
		var m client.Matches
		if err != nil || json.Unmarshal([]byte(out), &m) != nil || len(m.Items) == 0 || len(m.Items[0].Factors) == 0 {
			t.Fatalf("matches --json: %v\n%s", err, out)
		}

		out, stderr, err := runCLI(t, "", append([]string{"saved-needs", "create", "--text", "钙钛矿", "--webhook", "https://example.cn/hook"}, auth...)...)
		if err != nil || !strings.Contains(stderr, "webhook secret") {
			t.Fatalf("create: %v\n%s%s", err, out, stderr)
		}
		id := strings.TrimSpace(out)
		if _, _, err := runCLI(t, "", append([]string{"saved-needs", "create", "--text", "x", "--kind", "gadget"}, auth...)...); err == nil || !strings.Contains(err.Error(), "kind") {
			t.Errorf("bad kind: %v", err)
		}
		out, _, err = runCLI(t, "", append([]string{"saved-needs", "list"}, auth...)...)
		if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "text: 钙钛矿") {
			t.Fatalf("list: %v\n%s", err, out)
		}
		if _, _, err := runCLI(t, "", append([]string{"saved-needs", "delete", id}, auth...)...); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runCLI(t, "", append([]string{"saved-needs", "delete", id}, auth...)...); err == nil {
			t.Error("deleting twice succeeded")
		}
	})
}
