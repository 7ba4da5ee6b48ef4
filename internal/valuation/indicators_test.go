package valuation

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestDefaultTreeShape(t *testing.T) {
	tree := DefaultTree()
	count := map[int]int{}
	for _, ind := range tree.Indicators {
		count[ind.Level]++
		if ind.Label.Zh == "" || ind.Label.En == "" {
			t.Errorf("%s lacks a bilingual label", ind.ID)
		}
	}
	// GB/T 42748-2023: 3 first-level, 14 second-level, 27 third-level.
	if count[1] != 3 || count[2] != 14 || count[3] != 27 {
		t.Fatalf("levels = %v, want 3/14/27", count)
	}
	for _, s := range Scenarios.Codes() {
		if !tree.HasScenario(s) {
			t.Fatalf("no weights for scenario %s", s)
		}
	}
}

func TestScenarioWeightsSumToOne(t *testing.T) {
	tree := DefaultTree()
	for _, s := range tree.Scenarios {
		total := 0.0
		for _, leaf := range tree.Leaves() {
			total += tree.GlobalWeight(leaf.ID, s)
		}
		if math.Abs(total-1) > 1e-9 {
			t.Errorf("%s: third-level global weights sum to %.12f", s, total)
		}
		sibling := map[string]float64{}
		for _, ind := range tree.Indicators {
			sibling[ind.Parent] += ind.weight(s)
		}
		for parent, sum := range sibling {
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("%s: weights under %q sum to %.12f", s, parent, sum)
			}
		}
	}
	// Scenario weights really differ: pledge financing leans on legal value.
	if tree.GlobalWeight("L", ScenarioPledgeFinancing) <= tree.GlobalWeight("L", ScenarioFinancialReporting) {
		t.Error("pledge financing should weigh legal value more than financial reporting")
	}
}

func TestLoadTreeRejectsBrokenEdits(t *testing.T) {
	base := string(DefaultTreeJSON())
	tests := map[string]string{
		"weights do not sum to 1": strings.Replace(base, `"transfer_licensing": 0.35, "pledge_financing": 0.45`, `"transfer_licensing": 0.45, "pledge_financing": 0.45`, 1),
		"unknown parent":          strings.Replace(base, `"parent": "L1", "label": {"zh": "法律状态"`, `"parent": "L9", "label": {"zh": "法律状态"`, 1),
		"duplicate id":            strings.Replace(base, `{"id": "L12"`, `{"id": "L11"`, 1),
		"negative weight":         strings.Replace(base, `"weights": {"default": 0.6}},`, `"weights": {"default": -0.6}},`, 1),
		"unknown key":             strings.Replace(base, `"version"`, `"verison"`, 1),
	}
	for name, text := range tests {
		if text == base {
			t.Fatalf("%s: the edit did not apply", name)
		}
		if _, err := LoadTree(strings.NewReader(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := LoadTree(bytes.NewReader(DefaultTreeJSON())); err != nil {
		t.Fatalf("default tree: %v", err)
	}
}

func TestScoreAggregatesAndExplains(t *testing.T) {
	tree := DefaultTree()
	neutral, err := tree.Score(ScenarioManagement, nil)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "neutral total", neutral.Total, 50, 1e-9)
	near(t, "neutral evidence", neutral.Evidence, 0, 1e-12)

	all := map[string]IndicatorValue{}
	for _, leaf := range tree.Leaves() {
		all[leaf.ID] = IndicatorValue{Score: 100, Source: ScoreFromExpert}
	}
	full, _ := tree.Score(ScenarioManagement, all)
	near(t, "full total", full.Total, 100, 1e-9)
	near(t, "full evidence", full.Evidence, 1, 1e-9)

	// One indicator at 100, the rest neutral: the total moves by its lift.
	one := map[string]IndicatorValue{"L21": {Score: 100, Source: ScoreFromFact}}
	s, _ := tree.Score(ScenarioTransferLicensing, one)
	w := tree.GlobalWeight("L21", ScenarioTransferLicensing)
	near(t, "L21 global weight", w, 0.35*0.25*0.5, 1e-12)
	near(t, "total", s.Total, 50+50*w, 1e-9)
	n, _ := s.Node("L21")
	near(t, "lift", n.Lift, 50*w, 1e-12)
	near(t, "contribution", n.Contribution, 100*w, 1e-12)
	l2, _ := s.Node("L2")
	near(t, "second level is the weighted mean", l2.Score, 75, 1e-9)

	sum := 0.0
	for _, node := range s.Nodes {
		if node.Level == 3 {
			sum += node.Contribution
		}
	}
	near(t, "leaf contributions sum to the total", sum, s.Total, 1e-9)

	if _, err := tree.Score("tax", nil); err == nil {
		t.Error("unknown scenario accepted")
	}
}

func TestIndicatorValuesFromFacts(t *testing.T) {
	claims, inventors, similar := 50, 1, 0
	f := Facts{TRL: 9, OwnerCount: ptr(3), Implementation: "production",
		IPItems: []IPItem{
			{Type: "invention_patent", Status: "granted", Claims: &claims, Inventors: &inventors,
				SimilarPriorDocs: &similar, ExclusiveLicensed: true, InvalidationSurvived: true},
			{Type: "utility_model", Status: "lapsed", Claims: ptr(500)},
		},
		Life:   &LegalLife{RemainingYears: 5, FullTermYears: 20},
		Expert: map[string]float64{"T21": 40},
	}
	v := IndicatorValues(f)
	want := map[string]float64{
		"L11": 100,             // granted
		"L12": 100,             // examined invention that survived invalidation
		"L21": 100,             // 50 claims saturate; the lapsed item does not count
		"L31": 25,              // 5 of 20 years left
		"L52": 100 - 2*15 - 30, // two extra owners, an exclusive licence
		"T11": 100,             // nothing similar before filing
		"T51": math.Round(logScale(1, 10)*10) / 10,
		"T21": 40, // the expert overrides TRL 9
		"E11": 80, // in production
	}
	for id, score := range want {
		got, ok := v[id]
		if !ok {
			t.Errorf("%s missing", id)
			continue
		}
		near(t, id, got.Score, score, 1e-9)
		if got.Explanation.Zh == "" || got.Explanation.En == "" {
			t.Errorf("%s lacks an explanation", id)
		}
	}
	if v["T21"].Source != ScoreFromExpert || v["L21"].Source != ScoreFromFact {
		t.Errorf("sources: T21 %s, L21 %s", v["T21"].Source, v["L21"].Source)
	}
	for _, unknown := range []string{"L22", "L41", "T31", "E21"} {
		if _, ok := v[unknown]; ok {
			t.Errorf("%s has no fact behind it but got a value", unknown)
		}
	}
	near(t, "TRL 1", IndicatorValues(Facts{TRL: 1})["T21"].Score, 0, 0)
	near(t, "TRL 9", IndicatorValues(Facts{TRL: 9})["T21"].Score, 100, 0)
}
