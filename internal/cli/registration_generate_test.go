package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
)

// The generator writes registered contracts with their statistics; the
// stored statistics then agree with a recount, on both engines.
func TestRegistrationGenerateAndVerify(t *testing.T) {
	adminDatabases(t, func(t *testing.T, db []string, _ app.Config) {
		out, errOut, err := runCLI(t, "", append([]string{"registration", "generate", "--contracts", "700", "--batch", "300",
			"--sellers", "6", "--year", "2025"}, db...)...)
		if err != nil {
			t.Fatalf("generate: %v\n%s", err, errOut)
		}
		if !strings.Contains(errOut, "generated 700/700 contracts") {
			t.Fatalf("progress: %q", errOut)
		}
		var g generatedRegistry
		if err := json.Unmarshal([]byte(out), &g); err != nil || g.RegistryOrgID == "" || g.APIToken == "" || g.SessionCookie == "" {
			t.Fatalf("summary %q: %v", out, err)
		}
		out, _, err = runCLI(t, "", append([]string{"registration", "verify-stats", "--registry", g.RegistryOrgID, "--year", "2025"}, db...)...)
		if err != nil || !strings.Contains(out, "registered 700;") || !strings.Contains(out, "equal the recount") {
			t.Fatalf("verify: %v\n%s", err, out)
		}
	})
}
