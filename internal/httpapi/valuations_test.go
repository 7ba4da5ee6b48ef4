package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// incomeAssumptions is a valuer's input: the facts come from the listing.
const incomeAssumptions = `{
  "ip_items": [{"type": "invention_patent", "number": "ZL202010123456.7", "status": "granted", "filing_date": "2020-05-01"}],
  "income": {
    "basis": "relief_from_royalty",
    "annual_revenue": {"low": 1000000000, "base": 2000000000, "high": 4000000000},
    "revenue_growth": {"low": 0, "base": 0.08, "high": 0.15},
    "royalty_rate": {"low": 0.02, "base": 0.035, "high": 0.05},
    "discount_rate": {"low": 0.12, "base": 0.15, "high": 0.2},
    "economic_life_years": {"low": 6, "base": 8, "high": 10}
  },
  "simulation": {"draws": 1000, "seed": 7}
}`

func TestValuationThroughTheAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("固态电解质"))

		v, err := m.seller.CreateValuation(ctx, l.ID, json.RawMessage(incomeAssumptions))
		if err != nil {
			t.Fatal(err)
		}
		if v.ListingID != l.ID || v.Method != "income" || !(0 < v.P10Fen && v.P10Fen <= v.P50Fen && v.P50Fen <= v.P90Fen) {
			t.Fatalf("valuation = %+v", v)
		}
		var input struct {
			Field string `json:"field"`
			TRL   int    `json:"trl"`
		}
		if err := json.Unmarshal(v.Input, &input); err != nil || input.Field != "NE" || input.TRL != 6 {
			t.Errorf("input not prefilled from the listing: %s", v.Input)
		}

		// The buyer may not value the listing nor see the seller's valuation.
		_, err = m.buyer.CreateValuation(ctx, l.ID, json.RawMessage(incomeAssumptions))
		wantStatus(t, err, http.StatusForbidden, "buyer creating")
		_, err = m.buyer.Valuation(ctx, v.ID)
		wantStatus(t, err, http.StatusNotFound, "buyer reading")
		_, err = m.anon.Valuation(ctx, v.ID)
		wantStatus(t, err, http.StatusUnauthorized, "anonymous reading")

		// Re-run with a higher royalty: a new valuation naming its parent.
		changed := strings.Replace(incomeAssumptions, `"low": 0.02, "base": 0.035, "high": 0.05`, `"low": 0.04, "base": 0.07, "high": 0.1`, 1)
		re, err := m.operator.RerunValuation(ctx, v.ID, json.RawMessage(changed))
		if err != nil {
			t.Fatal(err)
		}
		if re.ParentID != v.ID || re.P50Fen <= v.P50Fen {
			t.Errorf("rerun parent %q P50 %d, original %d", re.ParentID, re.P50Fen, v.P50Fen)
		}
		list, err := m.seller.ListingValuations(ctx, l.ID)
		if err != nil || len(list) != 2 || list[0].ID != re.ID {
			t.Errorf("list = %d (%v), want the re-run first", len(list), err)
		}

		got, err := m.seller.RecordRealisedPrice(ctx, v.ID, client.Realised{PriceFen: v.P50Fen, Date: "2025-01-02", Source: "合同 2025-7"})
		if err != nil || got.Realised == nil || got.Realised.PriceFen != v.P50Fen {
			t.Fatalf("realised = %+v (%v)", got, err)
		}
		acc, err := m.operator.ValuationAccuracy(ctx)
		if err != nil || acc.N != 1 || acc.Coverage != 1 || len(acc.Items) != 1 || len(acc.Histogram) == 0 {
			t.Errorf("accuracy = %+v (%v)", acc, err)
		}
		acc, err = m.buyer.ValuationAccuracy(ctx)
		if err != nil || acc.N != 1 || len(acc.Items) != 0 || !acc.ItemsWithheld {
			t.Errorf("buyer's accuracy = %+v (%v)", acc, err)
		}

		pdf, err := m.seller.ValuationReport(ctx, v.ID, "pdf", "en")
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("PDF report: %d bytes (%v)", len(pdf), err)
		}
		html, err := m.seller.ValuationReport(ctx, v.ID, "html", "zh")
		if err != nil || !bytes.Contains(html, []byte("<svg")) {
			t.Errorf("HTML report: %d bytes (%v)", len(html), err)
		}
	})
}

func TestBadValuationInputNamesFields(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		l := m.publish(achievement("固态电解质"))
		token := m.tokenFor("seller@uni.test")
		bad := strings.Replace(incomeAssumptions, `"low": 6, "base": 8`, `"low": -1, "base": 8`, 1)
		bad = strings.Replace(bad, `{`, `{"trl": 10,`, 1)
		resp, data := m.raw(http.MethodPost, "/api/v1/listings/"+l.ID+"/valuations", token, "application/json", bad)
		p := problemOf(t, resp, data, http.StatusUnprocessableEntity)
		got := fieldSet(p.Errors)
		for _, want := range []string{"trl", "income.economic_life_years.low"} {
			if !got[want] {
				t.Errorf("no error for %s in %+v", want, p.Errors)
			}
		}
		resp, data = m.raw(http.MethodPost, "/api/v1/listings/"+l.ID+"/valuations", token, "application/json", `{"trll": 3}`)
		p = problemOf(t, resp, data, http.StatusBadRequest)
		if len(p.Errors) != 1 || p.Errors[0].Field != "trll" {
			t.Errorf("unknown field not named: %+v", p.Errors)
		}
		resp, data = m.raw(http.MethodPost, "/api/v1/valuations/nope/realised", token, "application/json", `{"price_fen": 1, "date": "2020-01-01", "source": "x"}`)
		problemOf(t, resp, data, http.StatusNotFound)
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM valuations`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d valuations saved from bad input (%v)", n, err)
		}
	})
}
