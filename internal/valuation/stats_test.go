package valuation

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestRanksAverageTies(t *testing.T) {
	got := ranks([]float64{10, 20, 20, 5, 20})
	want := []float64{2, 4, 4, 1, 4}
	if !slices.Equal(got, want) {
		t.Fatalf("ranks = %v, want %v", got, want)
	}
}

func TestSpearman(t *testing.T) {
	near(t, "monotone", Spearman([]float64{1, 2, 3, 4}, []float64{10, 100, 1000, 10000}), 1, 1e-12)
	near(t, "reversed", Spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}), -1, 1e-12)
	// Hand computed: x ranks 1,2,3,4,5; y = 2,1,4,3,5 → Σd² = 4, ρ = 1 − 6·4/(5·24) = 0.8.
	near(t, "hand", Spearman([]float64{1, 2, 3, 4, 5}, []float64{2, 1, 4, 3, 5}), 0.8, 1e-12)
	// With ties, Pearson on mid-ranks: x ranks 1.5,1.5,3,4; y ranks 1,2,3,4.
	// mean 2.5; dx = −1,−1,0.5,1.5; dy = −1.5,−0.5,0.5,1.5; Σdxdy = 1.5+0.5+0.25+2.25 = 4.5;
	// Σdx² = 1+1+0.25+2.25 = 4.5; Σdy² = 5; ρ = 4.5/√22.5.
	near(t, "ties", Spearman([]float64{1, 1, 2, 3}, []float64{1, 2, 3, 4}), 4.5/math.Sqrt(22.5), 1e-12)
	if !math.IsNaN(Spearman([]float64{1, 1, 1}, []float64{1, 2, 3})) {
		t.Error("a constant sample has no correlation")
	}
}

func TestAUC(t *testing.T) {
	// The scikit-learn example: scores 0.1, 0.4, 0.35, 0.8 for labels 0, 0, 1, 1 → 0.75.
	near(t, "sklearn example", AUC([]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}), 0.75, 1e-12)
	near(t, "perfect", AUC([]float64{1, 2, 3, 4}, []bool{false, false, true, true}), 1, 1e-12)
	near(t, "reversed", AUC([]float64{4, 3, 2, 1}, []bool{false, false, true, true}), 0, 1e-12)
	near(t, "all tied", AUC([]float64{5, 5, 5, 5}, []bool{false, true, false, true}), 0.5, 1e-12)
	if !math.IsNaN(AUC([]float64{1, 2}, []bool{true, true})) {
		t.Error("one class only has no AUC")
	}
}

func TestErrorsOf(t *testing.T) {
	outcomes := []Outcome{
		// valued at twice the realised price, realised below P10
		{ValuationID: "a", P10: 150, P50: 200, P90: 300, RealisedFen: 100},
		// exact, within the range
		{ValuationID: "b", P10: 80, P50: 100, P90: 120, RealisedFen: 100},
		// valued at half, realised above P90
		{ValuationID: "c", P10: 30, P50: 50, P90: 80, RealisedFen: 100},
		// within the range, 10% low
		{ValuationID: "d", P10: 60, P50: 90, P90: 130, RealisedFen: 100},
	}
	d, err := ErrorsOf(outcomes)
	if err != nil {
		t.Fatal(err)
	}
	ln2 := math.Log(2)
	near(t, "mean log ratio", d.MeanLogRatio, (ln2+0-ln2+math.Log(0.9))/4, 1e-12)
	near(t, "mean abs log ratio", d.MeanAbsLogRatio, (2*ln2-math.Log(0.9))/4, 1e-12)
	near(t, "median log ratio", d.MedianLogRatio, math.Log(0.9)/2, 1e-12)
	near(t, "median abs relative error", d.MedianAbsRelativeError, (0.1+0.5)/2, 1e-12)
	near(t, "coverage", d.Coverage, 0.5, 0)
	near(t, "below", d.BelowP10, 0.25, 0)
	near(t, "above", d.AboveP90, 0.25, 0)
	counts := map[string]int{}
	for _, b := range d.Histogram {
		counts[b.Label.En] = b.Count
	}
	// ratios 2.0, 1.0, 0.5, 0.9 fall into [2,4), [0.9,1.1), [0.5,0.67), [0.9,1.1)
	if counts["×2.00–×4.00 of realised"] != 1 || counts["×0.90–×1.10 of realised"] != 2 || counts["×0.50–×0.67 of realised"] != 1 {
		t.Errorf("histogram = %v", counts)
	}
	if d.Items[0].Position != BelowP10 || d.Items[2].Position != AboveP90 || d.Items[1].Position != WithinP {
		t.Errorf("positions: %s %s %s", d.Items[0].Position, d.Items[1].Position, d.Items[2].Position)
	}

	_, err = ErrorsOf([]Outcome{{P10: 1, P50: 2, P90: 3, RealisedFen: 0}, {P10: 5, P50: 2, P90: 3, RealisedFen: 1}})
	got := fieldsOf(t, err)
	if !slices.Contains(got, "outcomes[0].realised_fen") || !slices.Contains(got, "outcomes[1]") {
		t.Errorf("fields = %v", got)
	}
	empty, err := ErrorsOf(nil)
	if err != nil || empty.N != 0 {
		t.Errorf("no outcomes: %+v, %v", empty, err)
	}
}

const renewalCSV = `id,publication_year,B,C,D,E,F,G,H,num_applications,num_patent_citations,num_nonpatent_citations,num_claims,num_similar_doc,num_authors,payment_times
P1,2004,0,1,0,0,0,0,0,2,1,0,3,20,1,0
P2,2004,0,0,0,0,0,1,0,4,5,2,10,12,2,1
P3,2004,0,0,0,0,0,0,1,8,15,10,20,6,3,2
P4,2004,1,0,0,0,0,0,0,16,40,30,45,1,6,3
`

func TestReadRenewalCSV(t *testing.T) {
	recs, err := ReadRenewalCSV(strings.NewReader(renewalCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("records = %d", len(recs))
	}
	r := recs[3]
	if r.ID != "P4" || r.Classifications != 16 || r.PatentCitations != 40 || r.NonPatentCitations != 30 ||
		r.Claims != 45 || r.SimilarDocs != 1 || r.Inventors != 6 || r.PaymentTimes != 3 || !slices.Equal(r.Sections, []string{"B"}) {
		t.Fatalf("record = %+v", r)
	}
	if _, err := ReadRenewalCSV(strings.NewReader("id,num_claims\nP1,3\n")); err == nil {
		t.Error("missing columns accepted")
	}
	bad := strings.Replace(renewalCSV, "P2,2004,0,0,0,0,0,1,0,4", "P2,2004,0,0,0,0,0,1,0,four", 1)
	if _, err := ReadRenewalCSV(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad number: %v, want an error naming line 3", err)
	}
}

func TestBacktestRenewal(t *testing.T) {
	recs, err := ReadRenewalCSV(strings.NewReader(renewalCSV))
	if err != nil {
		t.Fatal(err)
	}
	// Every count rises (and similar documents fall) with renewal depth, so the
	// score orders the four patents exactly.
	res, err := BacktestRenewal(DefaultTree(), ScenarioManagement, recs)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "spearman", res.Spearman, 1, 1e-12)
	near(t, "auc lapsed", res.AUCLapsed, 1, 1e-12)
	near(t, "auc full term", res.AUCFullTerm, 1, 1e-12)
	if res.Lapsed != 1 || res.FullTerm != 1 || res.N != 4 {
		t.Errorf("counts: %+v", res)
	}
	if len(res.Diagnostics) != 6 {
		t.Errorf("diagnostics for %d indicators, want the 6 the data feeds", len(res.Diagnostics))
	}
	if _, err := BacktestRenewal(DefaultTree(), ScenarioManagement, nil); err == nil {
		t.Error("no records accepted")
	}
}
