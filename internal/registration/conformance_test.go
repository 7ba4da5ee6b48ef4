package registration

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// conformanceCase is one file of testdata/conformance: a contract in the API's
// JSON form with the result the rules of domain-rules §1 call for. Context is
// optional; without it the check runs as of conformanceNow.
type conformanceCase struct {
	Name     string          `json:"name"`
	Source   string          `json:"source"`
	Contract json.RawMessage `json:"contract"`
	Context  *caseContext    `json:"context"`
	Expect   caseExpect      `json:"expect"`
}

type caseContext struct {
	Now            string        `json:"now"`
	SubmittedAt    string        `json:"submitted_at"`
	RegistryRegion string        `json:"registry_region"`
	DeadlineRule   string        `json:"deadline_rule"`
	Override       *Override     `json:"override"`
	OtherFilings   []otherFiling `json:"other_filings"`
}

// otherFiling is a filing to compare with, given as a whole contract so that
// the case stays readable; the test summarises it as the workflow would.
type otherFiling struct {
	ID       string   `json:"id"`
	Status   string   `json:"status"`
	Contract Contract `json:"contract"`
}

type caseExpect struct {
	Classification      string     `json:"classification"`
	SubType             string     `json:"sub_type"`
	Outcome             string     `json:"outcome"`
	TechnologyAmountFen domain.Fen `json:"technology_amount_fen"`
	Findings            []string   `json:"findings"`
	DeadlineDue         string     `json:"deadline_due"`
}

// conformanceNow is the default check time: 2026-03-01, noon in China.
var conformanceNow = time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)

func loadConformanceCases(t testing.TB) []conformanceCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "conformance", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []conformanceCase
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var c conformanceCase
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		cases = append(cases, c)
	}
	return cases
}

func (cc conformanceCase) checkContext(t testing.TB) CheckContext {
	t.Helper()
	ctx := CheckContext{Now: conformanceNow}
	x := cc.Context
	if x == nil {
		return ctx
	}
	at := func(s string) time.Time {
		d, ok := parseDate(s)
		if !ok {
			t.Fatalf("%s: bad context date %q", cc.Name, s)
		}
		return d.Add(4 * time.Hour) // noon in China
	}
	if x.Now != "" {
		ctx.Now = at(x.Now)
	}
	if x.SubmittedAt != "" {
		ctx.SubmittedAt = at(x.SubmittedAt)
	}
	ctx.RegistryRegion = x.RegistryRegion
	if x.DeadlineRule != "" {
		r, ok := DeadlinePresets[x.DeadlineRule]
		if !ok {
			t.Fatalf("%s: unknown deadline rule %q", cc.Name, x.DeadlineRule)
		}
		ctx.Deadline = &r
	}
	ctx.Override = x.Override
	for _, o := range x.OtherFilings {
		c := o.Contract
		c.ID = o.ID
		ctx.Others = append(ctx.Others, Summarize(&c, o.Status))
	}
	return ctx
}

func TestConformance(t *testing.T) {
	cases := loadConformanceCases(t)
	if len(cases) < 40 {
		t.Fatalf("%d conformance cases, want at least 40", len(cases))
	}
	covered := map[string]bool{}
	for _, cc := range cases {
		t.Run(cc.Name, func(t *testing.T) {
			if cc.Source == "" {
				t.Error("case has no source rule")
			}
			contract, err := DecodeContract(bytes.NewReader(cc.Contract))
			if err != nil {
				t.Fatalf("decode contract: %v", err)
			}
			res, err := Check(contract, cc.checkContext(t))
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			e := cc.Expect
			if res.Classification != e.Classification || res.SubType != e.SubType {
				t.Errorf("classification = %s/%s, want %s/%s", res.Classification, res.SubType, e.Classification, e.SubType)
			}
			if res.Outcome != e.Outcome {
				t.Errorf("outcome = %s, want %s", res.Outcome, e.Outcome)
			}
			if res.TechnologyAmountFen != e.TechnologyAmountFen {
				t.Errorf("technology amount = %d, want %d", res.TechnologyAmountFen, e.TechnologyAmountFen)
			}
			got, want := Codes(res.Findings), slices.Clone(e.Findings)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings = %v, want %v\n%s", got, want, describeFindings(res.Findings))
			}
			if e.DeadlineDue != "" && (res.Deadline == nil || res.Deadline.Due != e.DeadlineDue) {
				t.Errorf("deadline = %+v, want due %s", res.Deadline, e.DeadlineDue)
			}
			for _, f := range res.Findings {
				covered[f.Code] = true
				if strings.Contains(f.Message+f.MessageZh, "%!") {
					t.Errorf("%s: message template and arguments disagree: %s / %s", f.Code, f.Message, f.MessageZh)
				}
			}
		})
	}
	// Every rule in the catalogue is exercised by some case.
	var missing []string
	for code := range catalogue {
		if !covered[code] {
			missing = append(missing, code)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("finding codes without a conformance case: %s", strings.Join(missing, ", "))
	}
}

func describeFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + string(f.Severity) + " " + f.Code + " [" + f.Field + "] " + f.Message + "\n")
	}
	return b.String()
}
