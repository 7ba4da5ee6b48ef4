package registration

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestCleanContractsHaveNoFindings(t *testing.T) {
	for _, c := range []Contract{devContract(), licContract()} {
		res := mustCheck(t, c, CheckContext{})
		if res.Outcome != OutcomeRegistrable || len(res.Findings) != 0 {
			t.Errorf("%s: %s %v", c.Name, res.Outcome, Codes(res.Findings))
		}
	}
}

func TestFindingsAreOrderedAndExplained(t *testing.T) {
	c := devContract()
	c.Content.Terms = false              // info
	c.Content.Liability = false          // warning
	c.Content.AcceptanceCriteria = false // blocker for development
	res := mustCheck(t, c, CheckContext{})
	if got := Codes(res.Findings); !slices.Equal(got, []string{"CONTENT_ACCEPTANCE_MISSING", "CONTENT_LIABILITY_MISSING", "CONTENT_TERMS_MISSING"}) {
		t.Errorf("order = %v", got)
	}
	for _, f := range res.Findings {
		if f.Rule == "" || f.Message == "" || f.MessageZh == "" || f.Effect == "" {
			t.Errorf("%s is not fully explained: %+v", f.Code, f)
		}
	}
	if res.Outcome != OutcomeNeedsCorrection {
		t.Errorf("outcome = %s", res.Outcome)
	}
}

// Templates are checked with real arguments by TestConformance, which covers
// every code; this checks the entries themselves.
func TestCatalogueEntries(t *testing.T) {
	for code, d := range catalogue {
		if d.ref == "" || d.en == "" || d.zh == "" {
			t.Errorf("%s: incomplete", code)
		}
		if (d.severity == Blocker) != (d.effect == EffectCorrection || d.effect == EffectRefusal) {
			t.Errorf("%s: blockers and only blockers have an effect", code)
		}
	}
}

func TestResultJSONShape(t *testing.T) {
	c := devContract()
	c.Content.Liability = false
	data, err := json.Marshal(mustCheck(t, c, CheckContext{}))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"classification", "sub_type", "technology_amount_fen", "outcome", "findings",
		"reasons", "technology_amount", "deadline", "tax_relief", "statistics", "content_hash"} {
		if _, ok := m[k]; !ok {
			t.Errorf("result JSON has no %q", k)
		}
	}
	f := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"code", "severity", "effect", "rule", "message", "message_zh", "field"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding JSON has no %q", k)
		}
	}
}

func TestSummaryMatchesResult(t *testing.T) {
	c := devContract()
	c.ID = "F-1"
	res := mustCheck(t, c, CheckContext{})
	s := Summarize(&c, StatusRegistered)
	if s.ContentHash != res.ContentHash || s.TechnologyAmountFen != res.TechnologyAmountFen || s.Type != res.Classification {
		t.Errorf("summary %+v does not match result", s)
	}
	// A stored filing compared with itself is not a duplicate.
	res = mustCheck(t, c, CheckContext{Others: []FilingSummary{s}})
	if len(res.Findings) != 0 {
		t.Errorf("self-comparison: %v", Codes(res.Findings))
	}
}

func TestStatisticsDimensions(t *testing.T) {
	c := devContract()
	res := mustCheck(t, c, CheckContext{})
	d := res.Statistics
	if d.SellerActor != ActorUniversity || d.BuyerActor != ActorDomesticEnterprise || d.Flow != FlowInterProvince ||
		d.SellerProvince != "11" || d.BuyerProvince != "44" || d.Year != 2025 || d.WithIP {
		t.Errorf("dimensions = %+v", d)
	}
	c.Parties[0] = Party{Role: RoleSeller, Name: "Acme", CountryCode: "USA"}
	if d := c.Dimensions(c.Classify(), c.TechnologyAmount()); d.Flow != FlowImport || d.SellerActor != ActorOther {
		t.Errorf("import: %+v", d)
	}
	c.Parties[0] = Party{Role: RoleSeller, Name: "HK Co", CountryCode: "HKG", EntityType: "230"}
	if d := c.Dimensions(c.Classify(), c.TechnologyAmount()); d.Flow != FlowFromHMT || d.SellerActor != ActorHMTEnterprise {
		t.Errorf("from Hong Kong: %+v", d)
	}
}
