package matching_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

type market struct {
	t          *testing.T
	a          *app.App
	seller, op domain.Actor
	uni        identity.Org
}

func newMarket(t *testing.T, db *store.DB) *market {
	ctx := context.Background()
	sys := domain.SystemActor("test")
	a := app.New(app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
	m := &market{t: t, a: a}
	mk := func(name, typ, uscc string) identity.Org {
		o, err := a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: uscc, RegionCode: "310104"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	m.uni = mk("测试大学", "university", domain.MakeUSCC('1', '2', "310104", "400000011"))
	exchange := mk("测试交易所", "exchange", domain.MakeUSCC('9', '1', "310104", "MA0000023"))
	user := func(email string, org identity.Org, role string) domain.Actor {
		if _, err := a.Identity.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "password-123",
			Roles: []domain.OrgRole{{OrgID: org.ID, Role: role}}}); err != nil {
			t.Fatal(err)
		}
		act, err := a.Identity.Login(ctx, email, "password-123", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		return act
	}
	m.seller = user("seller@t.cn", m.uni, domain.RoleSeller)
	m.op = user("op@t.cn", exchange, domain.RoleOperator)
	return m
}

// publish creates and approves a listing.
func (m *market) publish(in listing.Input) listing.Listing {
	m.t.Helper()
	ctx := context.Background()
	l, err := m.a.Listings.Create(ctx, m.seller, m.uni.ID, in, true)
	if err != nil {
		m.t.Fatal(err)
	}
	if l, err = m.a.Listings.Review(ctx, m.op, l.ID, true, ""); err != nil {
		m.t.Fatal(err)
	}
	return l
}

func technology(titleZh, titleEn, summaryZh, summaryEn string, modes ...string) listing.Input {
	price := int64(50_000_000)
	if len(modes) == 0 {
		modes = []string{"transfer"}
	}
	return listing.Input{
		Kind: "achievement", TitleZh: titleZh, TitleEn: titleEn, SummaryZh: summaryZh, SummaryEn: summaryEn,
		DetailZh: "机密配方，代号 zeta9quux", Field: "NM", TRL: 6, TRLEvidence: "中试报告",
		Owners: []listing.Owner{{Name: "测试大学", ShareBP: 10000}}, TransferModes: modes,
		PriceType: "indicative", PriceFen: &price, RegionCode: "310104",
	}
}

func (m *market) search(q listing.Query) []string {
	m.t.Helper()
	p, err := m.a.Listings.Search(context.Background(), q)
	if err != nil {
		m.t.Fatal(err)
	}
	var out []string
	for _, l := range p.Items {
		if l.DetailZh != "" || l.DetailEn != "" {
			m.t.Fatalf("search result %s carries confidential detail", l.ID)
		}
		out = append(out, l.ID)
	}
	return out
}

func TestSearchBoxUsesTheEngine(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		// Published before the build: the build must read it.
		anodeIn := technology("石墨烯改性锂电池负极材料", "", "一种石墨烯复合负极材料，循环寿命提升30%。", "")
		anodeIn.IPCCodes = []string{"H01M10/052", "C01B 32/182"}
		anode := m.publish(anodeIn)
		if m.a.Matching.Status().Ready {
			t.Fatal("index ready before it was built")
		}
		// Before the build the database answers.
		if got := m.search(listing.Query{Text: "石墨烯"}); len(got) != 1 || got[0] != anode.ID {
			t.Fatalf("fallback search: %v", got)
		}
		if err := m.a.Matching.Build(ctx); err != nil {
			t.Fatal(err)
		}
		if st := m.a.Matching.Status(); !st.Ready || st.Docs != 1 {
			t.Fatalf("status after build: %+v", st)
		}
		// Published after the build: the change hook must index it at once.
		mention := m.publish(technology("储能系统热管理装置", "", "适用于含石墨烯导热片的电池包。", "", "licence_ordinary"))
		english := m.publish(technology("", "Solid-state battery electrolyte", "", "A sulfide electrolyte for solid-state lithium batteries."))

		// Relevance order: the title match first.
		if got := m.search(listing.Query{Text: "石墨烯"}); len(got) != 2 || got[0] != anode.ID || got[1] != mention.ID {
			t.Errorf("石墨烯: got %v, want [anode mention]", got)
		}
		// Every phrase must match.
		if got := m.search(listing.Query{Text: "石墨烯 负极"}); len(got) != 1 || got[0] != anode.ID {
			t.Errorf("石墨烯 负极: got %v, want only the anode", got)
		}
		// Cross-language: a Chinese word finds an English-only listing.
		if got := m.search(listing.Query{Text: "电解质"}); len(got) != 1 || got[0] != english.ID {
			t.Errorf("电解质: got %v, want the English electrolyte listing", got)
		}
		// IPC symbols are searchable: a subclass finds the groups under it.
		if got := m.search(listing.Query{Text: "C01B"}); len(got) != 1 || got[0] != anode.ID {
			t.Errorf("C01B: got %v, want the anode (IPC C01B 32/182)", got)
		}
		if got := m.search(listing.Query{Text: "H01M10/052"}); len(got) != 1 || got[0] != anode.ID {
			t.Errorf("H01M10/052: got %v, want the anode", got)
		}
		// Confidential detail is never indexed.
		if got := m.search(listing.Query{Text: "zeta9quux"}); len(got) != 0 {
			t.Errorf("a word only in the confidential detail found %v", got)
		}
		// A filter the engine does not hold is applied by the database.
		if got := m.search(listing.Query{Text: "石墨烯", Mode: "licence_ordinary"}); len(got) != 1 || got[0] != mention.ID {
			t.Errorf("石墨烯 + licence_ordinary: got %v", got)
		}
		// Leaving the market removes it from search at once.
		if _, err := m.a.Listings.Withdraw(ctx, m.seller, anode.ID); err != nil {
			t.Fatal(err)
		}
		if got := m.search(listing.Query{Text: "石墨烯"}); len(got) != 1 || got[0] != mention.ID {
			t.Errorf("after withdrawal: got %v", got)
		}
		// Pages: total and slices agree.
		p, err := m.a.Listings.Search(ctx, listing.Query{Text: "电池", PerPage: 1, Page: 2})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 2 || len(p.Items) != 1 || p.Capped {
			t.Errorf("电池 page 2 of 1: total %d, items %d, capped %v", p.Total, len(p.Items), p.Capped)
		}
	})
}

// A cached answer never outlives a change to the index.
func TestSearchCacheFollowsEveryChange(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		if err := m.a.Matching.Build(ctx); err != nil {
			t.Fatal(err)
		}
		first := m.publish(technology("钙钛矿太阳能电池封装工艺", "", "钙钛矿组件的柔性封装。", ""))
		for range 2 { // the second answer comes from the cache
			if got := m.search(listing.Query{Text: "钙钛矿"}); len(got) != 1 || got[0] != first.ID {
				t.Fatalf("钙钛矿: %v", got)
			}
		}
		second := m.publish(technology("钙钛矿薄膜制备", "", "一种大面积钙钛矿薄膜的刮涂方法。", ""))
		if got := m.search(listing.Query{Text: "钙钛矿"}); len(got) != 2 {
			t.Fatalf("after a new listing: %v", got)
		}
		if _, err := m.a.Listings.Withdraw(ctx, m.seller, second.ID); err != nil {
			t.Fatal(err)
		}
		if got := m.search(listing.Query{Text: "钙钛矿"}); len(got) != 1 || got[0] != first.ID {
			t.Fatalf("after a withdrawal: %v", got)
		}
	})
}

// More matches than listing.CountCap: the total stops at the cap and says so,
// from the database before the index is built and from the engine after.
func TestSearchTotalsAreCapped(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		batch := make([]listing.Listing, listing.CountCap+5)
		for i := range batch {
			batch[i] = listing.Listing{OwnerOrgID: m.uni.ID, CreatedBy: m.seller.UserID,
				Input: technology("钛合金激光焊接工艺", "", "一种钛合金薄板的激光焊接方法。", "")}
		}
		if err := listing.BulkInsertPublished(ctx, db, batch); err != nil {
			t.Fatal(err)
		}
		check := func(stage string) {
			t.Helper()
			for _, q := range []listing.Query{{}, {Text: "钛合金"}} {
				p, err := m.a.Listings.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != listing.CountCap || !p.Capped || len(p.Items) != 20 {
					t.Errorf("%s, query %q: total %d capped %v items %d; want %d, capped, a full page",
						stage, q.Text, p.Total, p.Capped, len(p.Items), listing.CountCap)
				}
			}
			if p, _ := m.a.Listings.Search(ctx, listing.Query{Text: "钛合金", Mode: "licence_exclusive"}); p.Total != 0 || p.Capped || len(p.Items) != 0 {
				t.Errorf("%s: a filter nothing passes: total %d, %d items", stage, p.Total, len(p.Items))
			}
		}
		check("database")
		if err := m.a.Matching.Build(ctx); err != nil {
			t.Fatal(err)
		}
		check("engine")
	})
}
