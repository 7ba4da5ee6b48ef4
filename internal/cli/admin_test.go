package cli

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/httpapi"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// adminDatabases yields the database flags for an empty SQLite directory and,
// when TEST_PG_DSN is set, an empty PostgreSQL schema.
func adminDatabases(t *testing.T, fn func(t *testing.T, dbFlags []string, cfg app.Config)) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		fn(t, []string{"--data-dir", dir}, app.Config{DataDir: dir, CookieSecure: "auto"})
	})
	if dsn := os.Getenv(storetest.EnvPG); dsn != "" {
		t.Run("postgres", func(t *testing.T) {
			_, schema := storetest.PostgresSchema(t, dsn)
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			fn(t, []string{"--database-url", u.String()}, app.Config{DatabaseURL: u.String(), CookieSecure: "auto"})
		})
	}
}

func TestAdminBootstrapsAnEmptyPlatform(t *testing.T) {
	adminDatabases(t, func(t *testing.T, db []string, cfg app.Config) {
		isolateClientConfig(t)
		run := func(args ...string) (string, error) {
			t.Helper()
			out, _, err := runCLI(t, "", append(args, db...)...)
			return out, err
		}

		_, err := run("admin", "org", "create", "--name-zh", "", "--type", "guild", "--uscc", "123", "--region", "99")
		if err == nil {
			t.Fatal("invalid organisation accepted")
		}
		for _, f := range []string{"\n  name_zh: ", "\n  type: ", "\n  uscc: ", "\n  region_code: "} {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("error lacks %q:\n%v", f, err)
			}
		}

		out, err := run("admin", "org", "create", "--name-zh", "测试交易所", "--name-en", "Test Exchange", "--type", "exchange", "--region", "310101")
		if err != nil {
			t.Fatal(err)
		}
		orgID := strings.TrimSpace(out)
		out, err = run("admin", "org", "list", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var orgs []identity.Org
		if err := json.Unmarshal([]byte(out), &orgs); err != nil || len(orgs) != 1 || orgs[0].ID != orgID {
			t.Fatalf("org list: %v %s", err, out)
		}

		if _, err := run("admin", "user", "create", "--email", "ops@exchange.test", "--name", "运营", "--role", "operator"); err == nil {
			t.Fatal("--role without --org accepted")
		}
		t.Setenv(envPassword, cliTestPassword)
		out, err = run("admin", "user", "create", "--email", "ops@exchange.test", "--name", "运营", "--org", orgID, "--role", "operator,admin")
		if err != nil {
			t.Fatal(err)
		}
		userID := strings.TrimSpace(out)
		t.Setenv(envPassword, "")
		if _, err = run("admin", "user", "create", "--email", "ops@exchange.test", "--name", "重复", "--password", cliTestPassword); err == nil ||
			!strings.Contains(err.Error(), "\n  email: ") {
			t.Fatalf("duplicate e-mail: %v", err)
		}
		out, err = run("admin", "user", "list")
		if err != nil || !strings.Contains(out, userID) || !strings.Contains(out, "admin@测试交易所") || !strings.Contains(out, "operator@测试交易所") {
			t.Fatalf("user list: %v\n%s", err, out)
		}

		out, err = run("admin", "token", "create", "--email", "ops@exchange.test", "--name", "ci")
		if err != nil {
			t.Fatal(err)
		}
		token := strings.TrimSpace(out)
		if !strings.HasPrefix(token, "tm_") || strings.Contains(token, "\n") {
			t.Fatalf("token output %q", out)
		}
		if _, err = run("admin", "token", "create", "--email", "nobody@exchange.test", "--name", "ci"); err == nil {
			t.Fatal("token for an unknown user")
		}

		// The token works against a server on the same database.
		a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		srv := httptest.NewServer(server.New(a, httpapi.Register))
		defer srv.Close()
		out, _, err = runCLI(t, "", "whoami", "--server", srv.URL, "--token", token)
		if err != nil || !strings.Contains(out, "ops@exchange.test") || !strings.Contains(out, "operator@测试交易所") {
			t.Fatalf("whoami with the admin-issued token: %v\n%s", err, out)
		}
		if _, err := os.Stat(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "techmarket", "client.json")); err == nil {
			t.Error("admin commands must not write the client login")
		}
	})
}
