package demo

import (
	"context"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// checkEnterpriseMatches checks that the demo shows enterprise matches: every
// company has a profile, and a profile-only company (no needs) is proposed
// for some of the demo's energy achievements.
func checkEnterpriseMatches(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	orgs, err := a.Identity.ListOrgs(ctx, "enterprise")
	if err != nil {
		t.Fatal(err)
	}
	profileOnly := map[string]string{}
	for _, o := range orgs {
		p, err := a.Identity.GetProfile(ctx, o.ID)
		if err != nil || p.ScopeZh == "" || p.ScopeEn == "" || len(p.Fields) == 0 {
			t.Errorf("%s: profile %+v, %v", o.NameZh, p, err)
		}
		for _, po := range profileOnlyOrgs {
			if po.org.nameZh == o.NameZh {
				profileOnly[o.ID] = o.NameZh
			}
		}
	}
	if len(profileOnly) != len(profileOnlyOrgs) {
		t.Fatalf("profile-only companies: %v", profileOnly)
	}
	if err := a.Matching.Build(ctx); err != nil {
		t.Fatal(err)
	}
	actor := domain.SystemActor("demo-test")
	found := map[string]int{}
	withMatches := 0
	for _, field := range []string{"NE", "EI"} {
		page, err := a.Listings.Search(ctx, listing.Query{Kind: listing.KindAchievement, Field: field, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range page.Items {
			m, err := a.Matching.EnterprisesFor(ctx, actor, l.ID, 3)
			if err != nil {
				t.Fatalf("%s: %v", l.Title("zh"), err)
			}
			if len(m.Items) > 0 {
				withMatches++
			}
			for _, it := range m.Items {
				if name, ok := profileOnly[it.Enterprise.ID]; ok {
					found[name]++
					if it.Enterprise.NeedCount != 0 {
						t.Errorf("%s has needs", name)
					}
				}
			}
		}
	}
	t.Logf("enterprise matches: %d achievements with matches; profile-only companies in a top 3: %v", withMatches, found)
	if len(found) == 0 {
		t.Errorf("no profile-only company in any top 3")
	}
}

// BenchmarkEnterprisesFor measures an achievement's 10 enterprise matches with
// explanation on the demo market (SQLite): the engine query plus reading the
// hits' profiles and needs.
//
//	go test ./internal/demo -run XXX -bench EnterprisesFor
func BenchmarkEnterprisesFor(b *testing.B) {
	ctx := context.Background()
	a := app.New(app.Config{}, nil, storetest.SQLite(b))
	if _, err := Seed(ctx, a); err != nil {
		b.Fatal(err)
	}
	if err := a.Matching.Build(ctx); err != nil {
		b.Fatal(err)
	}
	page, err := a.Listings.Search(ctx, listing.Query{Kind: listing.KindAchievement, PerPage: 100})
	if err != nil || len(page.Items) == 0 {
		b.Fatal(err)
	}
	actor := domain.SystemActor("bench")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := a.Matching.EnterprisesFor(ctx, actor, page.Items[i%len(page.Items)].ID, 10); err != nil {
			b.Fatal(err)
		}
	}
}
