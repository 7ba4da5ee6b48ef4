package listing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

type fixture struct {
	db                         *store.DB
	ids                        *identity.Service
	svc                        *listing.Service
	notes                      *notify.Service
	uni, firm, exchange        identity.Org
	seller, buyer, op, outside domain.Actor
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	f := &fixture{db: db, ids: identity.New(db), notes: notify.New(db)}
	f.svc = listing.New(db, f.notes)
	mk := func(name, typ, uscc string) identity.Org {
		o, err := f.ids.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: uscc, RegionCode: "310104"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.uni = mk("测试大学", "university", domain.MakeUSCC('1', '2', "310104", "400000011"))
	f.firm = mk("测试企业", "enterprise", domain.MakeUSCC('9', '1', "310104", "MA0000012"))
	f.exchange = mk("测试交易所", "exchange", domain.MakeUSCC('9', '1', "310104", "MA0000023"))
	user := func(email string, org identity.Org, role string) domain.Actor {
		if _, err := f.ids.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "password-123",
			Roles: []domain.OrgRole{{OrgID: org.ID, Role: role}}}); err != nil {
			t.Fatal(err)
		}
		a, err := f.ids.Login(ctx, email, "password-123", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.seller = user("seller@t.cn", f.uni, domain.RoleSeller)
	f.buyer = user("buyer@t.cn", f.firm, domain.RoleBuyer)
	f.op = user("op@t.cn", f.exchange, domain.RoleOperator)
	f.outside = user("other@t.cn", f.firm, domain.RoleSeller)
	return f
}

func achievement() listing.Input {
	price := int64(150_000_000) // 150万元
	return listing.Input{
		Kind: "achievement", TitleZh: "石墨烯改性锂电池负极材料", TitleEn: "Graphene-modified lithium battery anode",
		SummaryZh: "一种石墨烯复合负极材料，循环寿命提升30%。", SummaryEn: "A graphene composite anode with 30% longer cycle life.",
		DetailZh: "机密：配方与工艺参数", Field: "NM", IPCCodes: []string{"h01m", "C01B 32/182"}, TRL: 6, TRLEvidence: "中试线试产报告",
		IPItems:       []listing.IPItem{{Type: "invention_patent", Number: "ZL202110000001.2", Status: "granted"}},
		Owners:        []listing.Owner{{Name: "测试大学", ShareBP: 7000}, {Name: "张教授", ShareBP: 3000}},
		TransferModes: []string{"transfer", "licence_exclusive"}, PriceType: "indicative", PriceFen: &price,
		RegionCode: "310104", StateOwned: true,
	}
}

func TestInvalidInputNamesEveryFieldAndSavesNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := achievement()
		in.TRL = 10
		in.Field = "XX"
		in.Owners[1].ShareBP = 2000
		in.IPCCodes = []string{"not-ipc"}
		in.IPItems[0].Number = ""
		_, err := f.svc.Create(context.Background(), f.seller, f.uni.ID, in, false)
		got := map[string]bool{}
		for _, fe := range apperr.FieldsOf(err) {
			got[fe.Field] = true
			if fe.MessageZh == "" {
				t.Errorf("%s has no Chinese message", fe.Field)
			}
		}
		for _, want := range []string{"trl", "field", "owners", "ipc_codes[0]", "ip_items[0].number"} {
			if !got[want] {
				t.Errorf("missing field error %s; got %v", want, err)
			}
		}
		mine, _ := f.svc.Mine(context.Background(), f.seller)
		if len(mine) != 0 {
			t.Fatalf("invalid listing saved: %d", len(mine))
		}
	})
}

func TestLifecycleAccessAndSearch(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		if _, err := f.svc.Create(ctx, f.buyer, f.firm.ID, achievement(), false); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("buyer published an achievement: %v", err)
		}
		l, err := f.svc.Create(ctx, f.seller, f.uni.ID, achievement(), false)
		if err != nil {
			t.Fatal(err)
		}
		if l.Status != "draft" || len(l.IPCCodes) != 2 || l.IPCCodes[0] != "C01B 32/182" || l.Owners[1].ShareBP != 3000 {
			t.Fatalf("stored listing = %+v", l)
		}
		// Drafts are invisible to others, as if they did not exist.
		if _, err := f.svc.Get(ctx, domain.Anonymous, l.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("anonymous saw a draft: %v", err)
		}
		if _, err := f.svc.Review(ctx, f.op, l.ID, true, ""); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("reviewed a draft: %v", err)
		}
		if _, err := f.svc.Submit(ctx, f.seller, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Review(ctx, f.seller, l.ID, true, ""); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("seller reviewed own listing: %v", err)
		}
		if _, err := f.svc.Review(ctx, f.op, l.ID, false, " "); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("rejection without reason: %v", err)
		}
		q, err := f.svc.ReviewQueue(ctx, f.op)
		if err != nil || len(q) != 1 {
			t.Fatalf("queue = %d, %v", len(q), err)
		}
		pub, err := f.svc.Review(ctx, f.op, l.ID, true, "")
		if err != nil {
			t.Fatal(err)
		}
		if pub.Status != "published" || pub.ExpiresAt == nil || pub.ExpiresAt.Sub(*pub.PublishedAt) < 360*24*time.Hour {
			t.Fatalf("published = %+v", pub)
		}
		// Confidential detail: hidden from the public and other firms, shown to owner, operator and granted orgs.
		for name, a := range map[string]domain.Actor{"anonymous": domain.Anonymous, "other firm": f.outside} {
			v, err := f.svc.Get(ctx, a, l.ID)
			if err != nil || v.DetailZh != "" || !v.DetailWithheld {
				t.Fatalf("%s: detail leaked or missing flag: %q %v", name, v.DetailZh, err)
			}
		}
		for name, a := range map[string]domain.Actor{"owner": f.seller, "operator": f.op} {
			if v, _ := f.svc.Get(ctx, a, l.ID); v.DetailZh == "" {
				t.Fatalf("%s cannot see the detail", name)
			}
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return f.svc.GrantAccess(ctx, tx, f.op, l.ID, f.firm.ID, "nda accepted")
		}); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.svc.Get(ctx, f.buyer, l.ID); v.DetailZh == "" {
			t.Fatal("granted org cannot see the detail")
		}
		// Search finds it by Chinese bigram, single character, English word and IPC; filters narrow it.
		for _, q := range []listing.Query{{Text: "石墨烯"}, {Text: "锂"}, {Text: "Graphene anode"}, {Text: "h01m"},
			{Field: "NM", Kind: "achievement"}, {Mode: "licence_exclusive"}, {Province: "31", TRLMin: 5}} {
			p, err := f.svc.Search(ctx, q)
			if err != nil || p.Total != 1 || len(p.Items) != 1 || p.Items[0].DetailZh != "" {
				t.Fatalf("search %+v: total %d, %v", q, p.Total, err)
			}
		}
		for _, q := range []listing.Query{{Text: "石墨烯 钠"}, {Field: "EI"}, {Kind: "need"}, {TRLMin: 7}} {
			if p, _ := f.svc.Search(ctx, q); p.Total != 0 {
				t.Fatalf("search %+v should find nothing, found %d", q, p.Total)
			}
		}
		// Editing a published listing sends it back to review; stale versions are refused.
		in := achievement()
		in.TitleZh = "石墨烯负极材料（第二版）"
		if _, err := f.svc.Update(ctx, f.seller, l.ID, 1, in, false); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("stale version accepted: %v", err)
		}
		cur, _ := f.svc.Get(ctx, f.seller, l.ID)
		upd, err := f.svc.Update(ctx, f.seller, l.ID, cur.Version, in, false)
		if err != nil || upd.Status != "submitted" {
			t.Fatalf("update: %+v %v", upd.Status, err)
		}
		if p, _ := f.svc.Search(ctx, listing.Query{Text: "石墨烯"}); p.Total != 0 {
			t.Fatal("an edited listing awaiting review is still on the market")
		}
		trail, err := audit.ForObject(ctx, db, "listing", l.ID)
		if err != nil || len(trail) < 5 {
			t.Fatalf("audit trail has %d entries: %v", len(trail), err)
		}
		notes, unread, err := f.notes.List(ctx, f.seller.UserID, 10)
		if err != nil || unread == 0 || len(notes) == 0 {
			t.Fatalf("owner not notified: %d %v", unread, err)
		}
	})
}

func TestExpiryAndRenewal(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		now := time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)
		f.svc.SetClock(func() time.Time { return now })
		in := achievement()
		in.ValidityMonths = 1
		l, err := f.svc.Create(ctx, f.seller, f.uni.ID, in, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Review(ctx, f.op, l.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		now = now.AddDate(0, 0, 10) // 21 days left: inside the 30-day reminder lead
		exp, rem, err := f.svc.ExpireDue(ctx)
		if err != nil || exp != 0 || rem != 1 {
			t.Fatalf("first run: expired %d reminded %d %v", exp, rem, err)
		}
		if _, rem, _ := f.svc.ExpireDue(ctx); rem != 0 {
			t.Fatal("reminded twice")
		}
		now = now.AddDate(0, 1, 0)
		if exp, _, err := f.svc.ExpireDue(ctx); err != nil || exp != 1 {
			t.Fatalf("expire: %d %v", exp, err)
		}
		if p, _ := f.svc.Search(ctx, listing.Query{}); p.Total != 0 {
			t.Fatal("expired listing still on the market")
		}
		r, err := f.svc.Renew(ctx, f.seller, l.ID)
		if err != nil || r.Status != "published" || !r.ExpiresAt.After(now) {
			t.Fatalf("renew: %+v %v", r, err)
		}
		if _, err := f.svc.Withdraw(ctx, f.outside, l.ID); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("outsider withdrew: %v", err)
		}
	})
}

func TestOverlongSearchTextNamesTheField(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		_, err := f.svc.Search(context.Background(), listing.Query{Text: strings.Repeat("电", listing.MaxQueryText+1)})
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "q" || fe[0].Code != "too_long" || fe[0].MessageZh == "" {
			t.Fatalf("overlong search text: %v", err)
		}
		if _, err := f.svc.Search(context.Background(), listing.Query{Text: strings.Repeat("电", listing.MaxQueryText)}); err != nil {
			t.Fatalf("a search text at the limit: %v", err)
		}
	})
}
