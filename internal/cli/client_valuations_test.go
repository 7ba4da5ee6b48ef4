package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
	"github.com/techmarket-org/techmarket/internal/valuation"
	"github.com/techmarket-org/techmarket/internal/valuation/service"
)

func TestCLIValuationCreateGetAccuracy(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		isolateClientConfig(t)
		url, a := cliMarket(t, db)
		token := apiToken(t, a, "seller@uni.test")
		var listingID string
		if err := db.QueryRow(context.Background(), `SELECT id FROM listings ORDER BY id LIMIT 1`).Scan(&listingID); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		input := filepath.Join(dir, "input.json")
		writeFile(t, input, string(valuation.ExampleInputJSON()))

		out, stderr, err := runCLI(t, "", "valuation", "create", "--server", url, "--token", token, "--listing", listingID, "--input", input)
		if err != nil {
			t.Fatalf("create: %v\n%s", err, stderr)
		}
		id := strings.TrimSpace(out)
		if id == "" || !strings.Contains(stderr, "P10 / P50 / P90") {
			t.Fatalf("create printed %q / %q", out, stderr)
		}

		pdf := filepath.Join(dir, "report.pdf")
		out, _, err = runCLI(t, "", "valuation", "get", id, "--server", url, "--token", token, "--json", "--pdf", pdf)
		if err != nil {
			t.Fatal(err)
		}
		var v client.Valuation
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil || v.ID != id || v.ListingID != listingID || v.P50Fen <= 0 {
			t.Fatalf("get --json: %v %+v", err, v)
		}
		if data, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(data), "%PDF-") {
			t.Errorf("PDF report not written: %v", err)
		}

		// Bad input: every field at fault on its own line.
		writeFile(t, input, `{"trl": 10, "income": {"basis": "relief_from_royalty", "annual_revenue": 100, "revenue_growth": 0,
			"royalty_rate": 0.05, "discount_rate": 0.1, "economic_life_years": -2}}`)
		_, _, err = runCLI(t, "", "valuation", "create", "--server", url, "--token", token, "--listing", listingID, "--input", input)
		if err == nil || !strings.Contains(err.Error(), "\n  trl: ") || !strings.Contains(err.Error(), "\n  income.economic_life_years: ") {
			t.Fatalf("bad input error: %v", err)
		}

		svc := service.New(db, a.Listings)
		if _, err := svc.RecordRealised(context.Background(), domain.SystemActor("test"), id,
			service.Realised{PriceFen: domain.Fen(v.P50Fen), Date: "2025-07-01", Source: "test"}); err != nil {
			t.Fatal(err)
		}
		out, _, err = runCLI(t, "", "valuation", "accuracy", "--server", url, "--token", token)
		if err != nil || !strings.Contains(out, "n=1") || !strings.Contains(out, "coverage(P10–P90)=100%") {
			t.Fatalf("accuracy: %v\n%s", err, out)
		}
	})
}
