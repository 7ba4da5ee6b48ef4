package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/valuation"
)

func TestValuationRunWritesReports(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.json")
	if err := os.WriteFile(input, valuation.ExampleInputJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	f := valuationRunFlags{input: input, asJSON: true, lang: "en",
		html: filepath.Join(dir, "r.html"), pdf: filepath.Join(dir, "r.pdf")}
	if err := runValuation(&out, f); err != nil {
		t.Fatal(err)
	}
	var res valuation.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("JSON output: %v", err)
	}
	if res.Method == "" || res.Value.P50 <= 0 {
		t.Fatalf("result = %+v", res.Value)
	}
	for _, name := range []string{"r.html", "r.pdf"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() < 10000 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

func TestValuationRunRefusesBadInput(t *testing.T) {
	input := filepath.Join(t.TempDir(), "in.json")
	bad := strings.Replace(string(valuation.ExampleInputJSON()), `"trl": 6`, `"trl": 10`, 1)
	if err := os.WriteFile(input, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := runValuation(&out, valuationRunFlags{input: input, asJSON: true, lang: "zh"})
	if err == nil || !strings.Contains(err.Error(), "trl:") {
		t.Fatalf("error = %v, want one naming trl", err)
	}
	if !strings.Contains(out.String(), `"field": "trl"`) {
		t.Errorf("JSON error body lacks the field: %s", out.String())
	}
}

func TestEvalValuationJSONKeys(t *testing.T) {
	csv := `id,publication_year,B,C,D,E,F,G,H,num_applications,num_patent_citations,num_nonpatent_citations,num_claims,num_similar_doc,num_authors,payment_times
P1,2004,0,1,0,0,0,0,0,2,1,0,3,20,1,0
P2,2004,0,0,0,0,0,1,0,4,5,2,10,12,2,1
P3,2004,0,0,0,0,0,0,1,8,15,10,20,6,3,2
P4,2004,1,0,0,0,0,0,0,16,40,30,45,1,6,3
`
	path := filepath.Join(t.TempDir(), "renewal.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runEvalValuation(&out, path, valuation.ScenarioManagement, true); err != nil {
		t.Fatal(err)
	}
	var got map[string]float64
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"auc_full_term", "auc_lapsed", "spearman"}) {
		t.Fatalf("keys = %v", keys)
	}
	if got["spearman"] != 1 {
		t.Errorf("spearman = %v on perfectly ordered data", got["spearman"])
	}
}
