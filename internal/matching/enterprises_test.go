package matching_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/matching"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// anodeCo is an enterprise that never posted a need; its profile fits the
// fixture's silicon-carbon anode.
func (f *fixture) anodeCo() identity.Org {
	f.t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	o, err := f.a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: "江南负极材料科技有限公司", Type: "enterprise", RegionCode: "310115",
		USCC: domain.MakeUSCC('9', '1', "310115", "MA0000058")})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.a.Identity.UpdateProfile(ctx, f.op, o.ID, identity.ProfileInput{
		ScopeZh: "锂离子电池负极材料、硅碳复合材料的研发与生产，电池材料循环寿命测试。",
		ScopeEn: "Anode materials for lithium-ion batteries: silicon-carbon composites.", Fields: []string{"NE", "NM"}, IPCCodes: []string{"H01M"}}); err != nil {
		f.t.Fatal(err)
	}
	return o
}

func entIDs(m matching.EnterpriseMatches) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Enterprise.ID)
	}
	return out
}

func rank(ids []string, id string) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}

func TestOrgProfileValidationAndPermission(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		good := identity.ProfileInput{ScopeZh: "动力电池", Fields: []string{"NE"}, IPCCodes: []string{"H01M 10/052"}}

		// Members of other organisations are refused; nothing is saved or
		// audited. (The company's own buyer may edit it: see below.)
		for _, who := range []domain.Actor{f.stranger, f.seller} {
			if _, err := f.a.Identity.UpdateProfile(ctx, who, f.company.ID, good); !apperr.Is(err, apperr.Forbidden) {
				t.Errorf("%s: err %v, want Forbidden", who.Email, err)
			}
		}
		if _, err := f.a.Identity.UpdateProfile(ctx, domain.Anonymous, f.company.ID, good); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous: err %v, want Unauthenticated", err)
		}
		p, err := f.a.Identity.GetProfile(ctx, f.company.ID)
		if err != nil || !p.Empty() || p.UpdatedAt != nil {
			t.Fatalf("profile after refusals: %+v, %v; want empty", p, err)
		}
		if trail, _ := audit.ForObject(ctx, db, "organization", f.company.ID); countAction(trail, "org.profile.update") != 0 {
			t.Errorf("refused updates were audited")
		}

		// Bad input names the field; nothing changes.
		bad := []struct {
			in    identity.ProfileInput
			field string
		}{
			{identity.ProfileInput{Fields: []string{"NE", "XX"}}, "fields[1]"},
			{identity.ProfileInput{IPCCodes: []string{"not-ipc"}}, "ipc_codes[0]"},
			{identity.ProfileInput{ScopeZh: strings.Repeat("电", 2001)}, "scope_zh"},
			{identity.ProfileInput{ScopeEn: strings.Repeat("a", 2001)}, "scope_en"},
		}
		for _, c := range bad {
			_, err := f.a.Identity.UpdateProfile(ctx, f.op, f.company.ID, c.in)
			fields := apperr.FieldsOf(err)
			if !apperr.Is(err, apperr.Invalid) || len(fields) != 1 || fields[0].Field != c.field || fields[0].MessageZh == "" {
				t.Errorf("%+v: err %v fields %+v, want one error on %s", c.in, err, fields, c.field)
			}
		}
		if p, _ := f.a.Identity.GetProfile(ctx, f.company.ID); !p.Empty() {
			t.Errorf("invalid input changed the profile: %+v", p)
		}
		if _, err := f.a.Identity.GetProfile(ctx, "no-such-org"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown org: %v", err)
		}

		// The company's own buyer and an operator may; each save is audited.
		saved, err := f.a.Identity.UpdateProfile(ctx, f.buyer, f.company.ID, identity.ProfileInput{ScopeZh: " 动力电池 ", Fields: []string{"ne", "NE", "TRN"}, IPCCodes: []string{"h01m 10/052"}})
		if err != nil || saved.ScopeZh != "动力电池" || strings.Join(saved.Fields, ",") != "NE,TRN" || saved.IPCCodes[0] != "H01M 10/052" {
			t.Fatalf("the company's buyer saves: %+v, %v", saved, err)
		}
		if _, err := f.a.Identity.UpdateProfile(ctx, f.op, f.company.ID, good); err != nil {
			t.Fatalf("operator save: %v", err)
		}
		p, _ = f.a.Identity.GetProfile(ctx, f.company.ID)
		if p.ScopeZh != "动力电池" || strings.Join(p.Fields, ",") != "NE" || strings.Join(p.IPCCodes, ",") != "H01M 10/052" || p.UpdatedAt == nil {
			t.Errorf("stored profile %+v", p)
		}
		if trail, _ := audit.ForObject(ctx, db, "organization", f.company.ID); countAction(trail, "org.profile.update") != 2 {
			t.Errorf("audit rows: %d, want 2", countAction(trail, "org.profile.update"))
		}
	})
}

func countAction(trail []audit.Entry, action string) int {
	n := 0
	for _, e := range trail {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestEnterpriseMatches(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// The other enterprise says it packages food: it must rank below
		// the one whose profile fits.
		if _, err := f.a.Identity.UpdateProfile(ctx, f.op, f.other.ID, identity.ProfileInput{
			ScopeZh: "食品包装与冷链物流服务，兼营锂电池叉车租赁。", Fields: []string{"AGR"}}); err != nil {
			t.Fatal(err)
		}
		anodeCo := f.anodeCo()

		// Silicon-carbon anode (NE): the profile-only anode maker first,
		// above the food packager, found with its words and factors.
		m, err := f.a.Matching.EnterprisesFor(ctx, f.stranger, f.anode.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		got := entIDs(m)
		if rank(got, anodeCo.ID) != 0 {
			t.Fatalf("anode maker (no needs, fitting profile) not first: %v (anode %s, company %s, other %s)", got, anodeCo.ID, f.company.ID, f.other.ID)
		}
		if r := rank(got, f.other.ID); r >= 0 && r < rank(got, anodeCo.ID) {
			t.Errorf("unfitting profile ranks above the fitting one: %v", got)
		}
		top := m.Items[0]
		if top.Enterprise.NeedCount != 0 || len(top.Needs) != 0 || top.Enterprise.ScopeZh == "" {
			t.Errorf("anode maker: %+v", top.Enterprise)
		}
		words := ""
		for _, term := range top.Terms {
			words += term.Term + " "
		}
		if !strings.Contains(words, "负极") {
			t.Errorf("matched words %q lack 负极", words)
		}
		factors := map[string]float64{}
		for _, fa := range top.Factors {
			factors[fa.Name] = fa.Points
			if fa.Label.Zh == "" || fa.Detail.En == "" {
				t.Errorf("factor without labels: %+v", fa)
			}
		}
		if factors["field"] <= 0 || factors["region"] <= 0 {
			t.Errorf("anode maker factors %+v; want field and region to add points", top.Factors)
		}
		if m.Seeker.TargetKind != matching.TargetEnterprise || m.Seeker.Listing == nil {
			t.Errorf("seeker %+v", m.Seeker)
		}

		// The solid electrolyte matches the company through its need (it
		// has no profile), and the need is named.
		m, err = f.a.Matching.EnterprisesFor(ctx, f.stranger, f.electrolyte.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		i := rank(entIDs(m), f.company.ID)
		if i < 0 {
			t.Fatalf("company with a fitting need not found: %v", entIDs(m))
		}
		if it := m.Items[i]; it.Enterprise.NeedCount != 2 || len(it.Needs) == 0 || it.Needs[0].ID != f.need.ID {
			t.Errorf("company match: need count %d, needs %+v; want the electrolyte need", it.Enterprise.NeedCount, it.Needs)
		}

		// The owner's own organisation is never proposed: the company's
		// own achievement does not find the company.
		own := f.publishAs(f.company, tech("固态电解质中试线", "", "固态锂电池电解质中试生产线。", "", "NE", 6, 100))
		m, err = f.a.Matching.EnterprisesFor(ctx, f.buyer, own.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if rank(entIDs(m), f.company.ID) >= 0 {
			t.Errorf("owner's own organisation proposed: %v", entIDs(m))
		}

		// Needs are not achievements.
		_, err = f.a.Matching.EnterprisesFor(ctx, f.buyer, f.need.ID, 10)
		if fe := apperr.FieldsOf(err); !apperr.Is(err, apperr.Invalid) || len(fe) != 1 || fe[0].Field != "id" || fe[0].Message != "only achievements match enterprises" {
			t.Errorf("need: err %v", err)
		}
		if _, err := f.a.Matching.EnterprisesFor(ctx, domain.Anonymous, f.anode.ID, 10); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous: %v", err)
		}
		if _, err := f.a.Matching.EnterprisesFor(ctx, f.buyer, f.anode.ID, 51); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("k=51: %v", err)
		}

		// A profile change is followed at once: the food packager now
		// makes anodes too and is found with its new words.
		if _, err := f.a.Identity.UpdateProfile(ctx, f.op, f.other.ID, identity.ProfileInput{
			ScopeZh: "硅碳负极材料与锂离子电池负极生产。", Fields: []string{"NE"}}); err != nil {
			t.Fatal(err)
		}
		m, _ = f.a.Matching.EnterprisesFor(ctx, f.stranger, f.anode.ID, 10)
		if r := rank(entIDs(m), f.other.ID); r < 0 || r > 1 {
			t.Errorf("after its profile changed the other enterprise ranks %d: %v", r, entIDs(m))
		}
		// A withdrawn need stays in its document (it was public) but is
		// not linked.
		if _, err := f.a.Listings.Withdraw(ctx, f.buyer, f.need.ID); err != nil {
			t.Fatal(err)
		}
		m, _ = f.a.Matching.EnterprisesFor(ctx, f.stranger, f.electrolyte.ID, 10)
		i = rank(entIDs(m), f.company.ID)
		if i < 0 {
			t.Fatalf("after withdrawal the company is gone: %v", entIDs(m))
		}
		for _, n := range m.Items[i].Needs {
			if n.ID == f.need.ID {
				t.Errorf("withdrawn need linked: %+v", m.Items[i].Needs)
			}
		}
	})
}

// publishAs publishes an achievement of an enterprise through a seller of it.
func (f *fixture) publishAs(org identity.Org, in listing.Input) listing.Listing {
	f.t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	email := "seller@" + org.ID + ".test"
	if _, err := f.a.Identity.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "password-123",
		Roles: []domain.OrgRole{{OrgID: org.ID, Role: domain.RoleSeller}}}); err != nil {
		f.t.Fatal(err)
	}
	actor, err := f.a.Identity.Login(ctx, email, "password-123", "127.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return f.publish(actor, org, in)
}

// TestEnterpriseMatchesNeverUseConfidentialDetail puts a word only in an
// enterprise need's confidential detail: an achievement made of that word
// finds no enterprise, and no answer carries it.
func TestEnterpriseMatchesNeverUseConfidentialDetail(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		const word = "钼铼锆合金" // in no public text of the fixture
		in := need("高温合金部件需求", "需要耐高温的合金部件。", "NM", 5, 10, 20)
		in.DetailZh = "核心指标：" + word + " Zqxvmolyrhen"
		f.publish(f.stranger, f.other, in)
		probe := f.publish(f.seller, f.uni, tech(word+"制备工艺", "Zqxvmolyrhen", word+"的制备方法。", "Zqxvmolyrhen process.", "AS", 5, 10))
		m, err := f.a.Matching.EnterprisesFor(ctx, f.op, probe.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range m.Items {
			for _, term := range it.Terms {
				if strings.Contains(term.Term, "钼") || strings.Contains(term.Term, "铼") || strings.Contains(strings.ToLower(term.Term), "zqxv") {
					t.Errorf("%s matched through %q", it.Enterprise.NameZh, term.Term)
				}
			}
		}
		b, _ := json.Marshal(m)
		if strings.Contains(string(b), "核心指标") || strings.Contains(string(b), secret) {
			t.Errorf("confidential detail in the answer")
		}
		// The word is only in the probe's own text, never in an enterprise's.
		if strings.Count(string(b), word) != strings.Count(string(mustJSON(t, m.Seeker)), word) {
			t.Errorf("the detail-only word shows in an enterprise: %s", b)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkEnterprisesFor measures an achievement's enterprise matches with
// explanation on the fixture (SQLite).
//
//	go test ./internal/matching -run XXX -bench EnterprisesFor
func BenchmarkEnterprisesFor(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b))
	f.anodeCo()
	ctx := context.Background()
	for b.Loop() {
		if _, err := f.a.Matching.EnterprisesFor(ctx, f.buyer, f.anode.ID, 10); err != nil {
			b.Fatal(err)
		}
	}
}
