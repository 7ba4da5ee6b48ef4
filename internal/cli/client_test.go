package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/httpapi"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

const cliTestPassword = "correct horse battery"

// isolateClientConfig points the saved login at a temporary directory and
// clears the client environment, so tests never read or write the real one.
func isolateClientConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	for _, v := range []string{envServer, envToken, envPassword, envLang} {
		t.Setenv(v, "")
	}
	t.Setenv("LANG", "C")
	return filepath.Join(dir, "techmarket", "client.json")
}

// runCLI runs the command tree in-process and returns stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(stdin))
	err := root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// cliMarket serves the API over db with a university seller, an exchange
// operator and three published achievements.
func cliMarket(t *testing.T, db *store.DB) (url string, a *app.App) {
	t.Helper()
	ctx := context.Background()
	a = app.New(app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
	if err := a.Matching.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, httpapi.Register))
	t.Cleanup(srv.Close)
	system := domain.SystemActor("test")
	uni, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "测试大学", Type: "university", RegionCode: "110108"})
	if err != nil {
		t.Fatal(err)
	}
	exchange, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "交易所", Type: "exchange", RegionCode: "310101"})
	if err != nil {
		t.Fatal(err)
	}
	for email, role := range map[string]domain.OrgRole{
		"seller@uni.test":        {OrgID: uni.ID, Role: domain.RoleSeller},
		"operator@exchange.test": {OrgID: exchange.ID, Role: domain.RoleOperator},
	} {
		if _, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: email, Name: email, Password: cliTestPassword, Roles: []domain.OrgRole{role}}); err != nil {
			t.Fatal(err)
		}
	}
	for i, title := range []string{"光伏组件清洗机器人", "钙钛矿光伏电池", "锂电池回收工艺"} {
		price := int64(i+1) * 1_000_000 * 10 // 10, 20, 30 万元
		in := listing.Input{Kind: "achievement", TitleZh: title, SummaryZh: "摘要：" + title, Field: "NE", TRL: 3,
			TransferModes: []string{"transfer"}, PriceType: "indicative", PriceFen: &price, RegionCode: "110108"}
		l, err := a.Listings.Create(ctx, system, uni.ID, in, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Listings.Review(ctx, system, l.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	return srv.URL, a
}

func TestCLIListingsSearchJSONAndTable(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		isolateClientConfig(t)
		url, _ := cliMarket(t, db)

		out, _, err := runCLI(t, "", "listings", "search", "--server", url, "--q", "光伏", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var page client.Page[client.Listing]
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&page); err != nil {
			t.Fatalf("--json output is not a listing page: %v\n%s", err, out)
		}
		if page.Total != 2 || len(page.Items) != 2 || page.Page != 1 {
			t.Fatalf("search 光伏: %+v", page)
		}
		for _, l := range page.Items {
			if !strings.Contains(l.TitleZh, "光伏") {
				t.Errorf("unexpected hit %q", l.TitleZh)
			}
		}

		out, _, err = runCLI(t, "", "listings", "search", "--server", url, "--price-max", "20", "--json")
		if err != nil || json.Unmarshal([]byte(out), &page) != nil || page.Total != 2 {
			t.Fatalf("--price-max 20 (万元) should find the 10 and 20 万元 listings: %v %+v", err, page)
		}
		if _, _, err = runCLI(t, "", "listings", "search", "--server", url, "--price-max", "1.234"); err == nil {
			t.Error("--price-max with more than two decimals accepted")
		}

		out, stderr, err := runCLI(t, "", "listings", "search", "--server", url, "--per-page", "2")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "PRICE(万元)") {
			t.Fatalf("table:\n%s", out)
		}
		if !strings.Contains(out, " 30 ") || !strings.Contains(out, "锂电池回收工艺") {
			t.Errorf("table lacks the price in 万元 or the title:\n%s", out)
		}
		if !strings.Contains(stderr, "3 result(s), page 1 of 2") {
			t.Errorf("footer %q", stderr)
		}

		_, _, err = runCLI(t, "", "listings", "search", "--server", url, "--trl-min", "12", "--kind", "gadget")
		if err == nil || !strings.Contains(err.Error(), "\n  trl_min: ") || !strings.Contains(err.Error(), "\n  kind: ") {
			t.Fatalf("bad parameters should be listed one per line, got %v", err)
		}
	})
}

func TestCLILoginCreateReviewFlow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		configPath := isolateClientConfig(t)
		url, a := cliMarket(t, db)

		_, _, err := runCLI(t, "", "listings", "search")
		if err == nil || !strings.Contains(err.Error(), "no server") {
			t.Fatalf("without a server: %v", err)
		}
		_, _, err = runCLI(t, "wrong password!\n", "login", "--server", url, "--email", "seller@uni.test")
		if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
			t.Fatalf("wrong password: %v", err)
		}
		out, _, err := runCLI(t, cliTestPassword+"\n", "login", "--server", url+"/api/v1/", "--email", "seller@uni.test")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "Signed in to "+url+" as") {
			t.Errorf("login output %q", out)
		}
		info, err := os.Stat(configPath)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", configPath, info.Mode().Perm())
		}
		saved, err := loadClientConfig()
		if err != nil || saved.Server != url || !strings.HasPrefix(saved.Token, "tm_") {
			t.Fatalf("saved login %+v, %v", saved, err)
		}

		bad := filepath.Join(t.TempDir(), "bad.json")
		writeFile(t, bad, `{"kind":"achievement","title_zh":"","summary_zh":"","field":"XX","trl":3,"transfer_modes":["transfer"],"region_code":"110108"}`)
		_, _, err = runCLI(t, "", "listings", "create", "--file", bad)
		if err == nil {
			t.Fatal("invalid listing accepted")
		}
		for _, want := range []string{"HTTP 422", "\n  title_zh: ", "\n  summary_zh: ", "\n  field: "} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		}
		typo := filepath.Join(t.TempDir(), "typo.json")
		writeFile(t, typo, `{"kind":"achievement","titel_zh":"x"}`)
		if _, _, err = runCLI(t, "", "listings", "create", "--file", typo); err == nil || !strings.Contains(err.Error(), "titel_zh") {
			t.Fatalf("misspelt field not reported: %v", err)
		}

		good := filepath.Join(t.TempDir(), "good.json")
		writeFile(t, good, `{"kind":"achievement","title_zh":"氢能储运材料","summary_zh":"一种储氢合金","field":"NE","trl":2,
			"transfer_modes":["licence_ordinary"],"region_code":"110108","price_type":"negotiable"}`)
		out, _, err = runCLI(t, "", "listings", "create", "--file", good, "--submit")
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSpace(out)
		if l, err := a.Listings.Get(context.Background(), domain.SystemActor("test"), id); err != nil || l.Status != "submitted" {
			t.Fatalf("created listing %q: %+v, %v", id, l, err)
		}

		_, _, err = runCLI(t, "", "listings", "review", id, "--approve")
		if err == nil || !strings.Contains(err.Error(), "HTTP 403") {
			t.Fatalf("a seller reviewing: %v", err)
		}
		opToken := apiToken(t, a, "operator@exchange.test")
		out, _, err = runCLI(t, "", "review-queue", "--token", opToken)
		if err != nil || !strings.Contains(out, id) {
			t.Fatalf("review queue: %v\n%s", err, out)
		}
		t.Setenv(envToken, opToken) // the environment overrides the saved login
		if _, _, err = runCLI(t, "", "listings", "review", id, "--reject"); err == nil || !strings.Contains(err.Error(), "--reason") {
			t.Fatalf("reject without reason: %v", err)
		}
		out, _, err = runCLI(t, "", "listings", "review", id, "--approve")
		if err != nil || !strings.Contains(out, "published") {
			t.Fatalf("approve: %v %q", err, out)
		}
		t.Setenv(envToken, "")

		out, _, err = runCLI(t, "", "listings", "get", id, "--json")
		if err != nil {
			t.Fatal(err)
		}
		var got client.Listing
		if err := json.Unmarshal([]byte(out), &got); err != nil || got.ID != id || got.Status != "published" {
			t.Fatalf("get --json: %+v %v", got, err)
		}
		if out, _, err = runCLI(t, "", "listings", "get", id, "--lang", "en"); err != nil || !strings.Contains(out, "Negotiable") {
			t.Fatalf("get: %v\n%s", err, out)
		}
		if out, _, err = runCLI(t, "", "listings", "mine", "--status", "published"); err != nil || !strings.Contains(out, id) || strings.Count(out, "\n") != 5 {
			t.Fatalf("mine --status published (3 seeded + 1 new): %v\n%s", err, out)
		}
		if out, _, err = runCLI(t, "", "listings", "withdraw", id); err != nil || !strings.Contains(out, "withdrawn") {
			t.Fatalf("withdraw: %v %q", err, out)
		}
		if out, _, err = runCLI(t, "", "codes", "fields"); err != nil || !strings.Contains(out, "NE") || !strings.Contains(out, "新能源与高效节能") {
			t.Fatalf("codes fields: %v\n%s", err, out)
		}
		if out, _, err = runCLI(t, "", "whoami"); err != nil || !strings.Contains(out, "seller@uni.test") {
			t.Fatalf("whoami: %v %q", err, out)
		}
		if _, _, err = runCLI(t, "", "logout"); err != nil {
			t.Fatal(err)
		}
		if _, _, err = runCLI(t, "", "whoami"); err == nil || !strings.Contains(err.Error(), "HTTP 401") {
			t.Fatalf("whoami after logout: %v", err)
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// apiToken issues a token directly through the identity service.
func apiToken(t *testing.T, a *app.App, email string) string {
	t.Helper()
	actor, err := a.Identity.Login(context.Background(), email, cliTestPassword, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := a.Identity.CreateAPIToken(context.Background(), actor, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}
