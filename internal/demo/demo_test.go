package demo

import (
	"context"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(app.Config{}, nil, db)
		start := time.Now()
		creds, err := Seed(ctx, a)
		if err != nil {
			t.Fatalf("Seed: %v", err)
		}
		t.Logf("seeded in %s", time.Since(start).Round(time.Millisecond))

		checkOrgsAndRoles(t, a, creds)
		checkListings(t, db)
		checkNeedTitles(t, db) // needs_test.go
		checkSearch(t, a)
		checkEnterpriseMatches(t, a) // profiles_test.go

		// The review queue is not empty, and an operator sees it.
		op, err := a.Identity.Login(ctx, "operator"+emailDomain, passwordOf(t, creds, "operator"+emailDomain), "127.0.0.1")
		if err != nil {
			t.Fatalf("operator login: %v", err)
		}
		queue, err := a.Listings.ReviewQueue(ctx, op)
		if err != nil || len(queue) == 0 {
			t.Errorf("review queue: %d listings, err %v; want some", len(queue), err)
		}

		// Seeding twice is refused rather than duplicating the market.
		if _, err := Seed(ctx, a); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second Seed: got %v, want a Conflict error", err)
		}
	})
}

func checkOrgsAndRoles(t *testing.T, a *app.App, creds []Credential) {
	t.Helper()
	ctx := context.Background()
	for _, typ := range domain.OrgTypes.Codes() {
		orgs, err := a.Identity.ListOrgs(ctx, typ)
		if err != nil || len(orgs) == 0 {
			t.Errorf("organisations of type %s: %d, err %v", typ, len(orgs), err)
		}
		for _, o := range orgs {
			if err := domain.ValidateUSCC(o.USCC); err != nil {
				t.Errorf("%s: invalid USCC %s: %v", o.NameZh, o.USCC, err)
			}
		}
	}
	roles := map[string]bool{}
	for i, c := range creds {
		if len(c.Password) < 12 {
			t.Errorf("%s: password %q shorter than 12", c.Email, c.Password)
		}
		// Every headline account signs in; logging in all 36 would only test argon2.
		if i >= len(headlineUsers) {
			continue
		}
		actor, err := a.Identity.Login(ctx, c.Email, c.Password, "127.0.0.1")
		if err != nil {
			t.Errorf("login %s: %v", c.Email, err)
			continue
		}
		for _, r := range actor.Roles {
			roles[r.Role] = true
		}
	}
	for _, r := range domain.Roles.Codes() {
		if !roles[r] {
			t.Errorf("no demo login holds role %s", r)
		}
	}
}

func checkListings(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM listings`); n < 300 || n != listingCount() {
		t.Errorf("listings: %d, want %d (and at least 300)", n, listingCount())
	}
	if n := count(`SELECT COUNT(*) FROM listings WHERE status = 'published'`); n < 300 {
		t.Errorf("published listings: %d, want at least 300", n)
	}
	for _, f := range domain.TechFields.Codes() {
		for _, kind := range []string{listing.KindAchievement, listing.KindNeed} {
			if count(`SELECT COUNT(*) FROM listings WHERE status = 'published' AND field = ? AND kind = ?`, f, kind) == 0 {
				t.Errorf("no published %s in field %s", kind, f)
			}
		}
	}
	achievements := count(`SELECT COUNT(*) FROM listings WHERE kind = 'achievement'`)
	needs := count(`SELECT COUNT(*) FROM listings WHERE kind = 'need'`)
	if needs == 0 || achievements < 3*needs/2 || achievements > 3*needs {
		t.Errorf("achievements %d to needs %d, want about 2:1", achievements, needs)
	}
	if count(`SELECT COUNT(*) FROM listings WHERE title_zh <> '' AND title_en <> ''`) < 100 {
		t.Error("fewer than 100 bilingual listings")
	}
	if count(`SELECT COUNT(*) FROM listings WHERE title_zh = ''`) == 0 || count(`SELECT COUNT(*) FROM listings WHERE title_en = ''`) == 0 {
		t.Error("want some English-only and some Chinese-only listings")
	}
	for status, min := range map[string]int{"draft": 3, "submitted": 10, "rejected": 1, "expired": 1, "withdrawn": 1} {
		if n := count(`SELECT COUNT(*) FROM listings WHERE status = ?`, status); n < min {
			t.Errorf("%s listings: %d, want at least %d", status, n, min)
		}
	}
	if n := count(`SELECT COUNT(*) FROM listings WHERE status = 'rejected' AND reject_reason <> ''`); n != 1 {
		t.Errorf("rejected listings with a reason: %d, want 1", n)
	}
	soon := time.Now().Add(30 * 24 * time.Hour)
	if n := count(`SELECT COUNT(*) FROM listings WHERE status = 'published' AND expires_at <= ?`, soon); n < 3 {
		t.Errorf("listings expiring within 30 days: %d, want at least 3", n)
	}
	// Co-owner shares add up to 100% on every listing that has co-owners.
	if n := count(`SELECT COUNT(*) FROM (SELECT listing_id FROM listing_owners GROUP BY listing_id HAVING SUM(share_bp) <> 10000) x`); n != 0 {
		t.Errorf("%d listings with co-owner shares not adding up to 10000 bp", n)
	}
	if count(`SELECT COUNT(DISTINCT listing_id) FROM listing_owners`) < 30 {
		t.Error("too few listings with co-owners")
	}
	if count(`SELECT COUNT(*) FROM listing_ip_items WHERE type = 'invention_patent' AND number LIKE 'ZL%'`) < 100 {
		t.Error("too few granted invention patents")
	}
	if count(`SELECT COUNT(*) FROM listings WHERE detail_zh <> '' OR detail_en <> ''`) < 50 {
		t.Error("too few listings with confidential detail")
	}
	if count(`SELECT COUNT(*) FROM listings l JOIN organizations o ON o.id = l.owner_org_id
		WHERE o.type IN ('university', 'research_institute') AND l.kind = 'achievement' AND l.state_owned = ?`, false) != 0 {
		t.Error("an achievement of a university or institute is not marked state-owned")
	}
	if count(`SELECT COUNT(DISTINCT SUBSTR(region_code, 1, 2)) FROM listings`) < 15 {
		t.Error("listings come from fewer than 15 provinces")
	}
}

func checkSearch(t *testing.T, a *app.App) {
	t.Helper()
	for _, q := range []string{"电池", "无人机", "sensor", "battery"} {
		page, err := a.Listings.Search(context.Background(), listing.Query{Text: q})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		if page.Total == 0 {
			t.Errorf("search %q found nothing", q)
		}
	}
}

func passwordOf(t *testing.T, creds []Credential, email string) string {
	t.Helper()
	for _, c := range creds {
		if c.Email == email {
			return c.Password
		}
	}
	t.Fatalf("no credential for %s", email)
	return ""
}

// The builder is deterministic: the same seed plans the same market.
func TestPlanIsDeterministic(t *testing.T) {
	texts, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	p1 := planMarket(newBuilder(7, now), texts)
	p2 := planMarket(newBuilder(7, now), texts)
	if len(p1) != len(p2) {
		t.Fatalf("plan sizes differ: %d vs %d", len(p1), len(p2))
	}
	for i := range p1 {
		a, b := p1[i], p2[i]
		if a.in.TitleZh != b.in.TitleZh || a.in.TitleEn != b.in.TitleEn || a.owner.key != b.owner.key ||
			a.outcome != b.outcome || !a.publishedAt.Equal(b.publishedAt) || a.in.TRL != b.in.TRL {
			t.Fatalf("plan %d differs between runs with the same seed", i)
		}
	}
	for i, p := range p1 {
		if err := p.in.Validate(); err != nil {
			t.Errorf("plan %d (%s): invalid input: %v", i, p.in.TitleZh, err)
		}
	}
}

func TestCNPatentCheckCharacter(t *testing.T) {
	// Worked by hand: digits × weights 2,3,4,5,6,7,8,9,2,3,4,5, sum mod 11.
	for digits, want := range map[string]string{
		"201010123456": "9", // sum 108
		"200810000000": "6", // sum 50
		"202110000004": "X", // sum 43, remainder 10
	} {
		if got := cnCheckChar(digits); got != want {
			t.Errorf("check(%s) = %s, want %s", digits, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]string{
		"一种从水中去除放射性核素的方法":    "NUC",
		"一种无人飞行器":            "AS",
		"一种磷酸铁锂电池正极材料及其制备方法": "NE",
		"一种污水中活性污泥的处理方法":     "ENV",
		"一种植物源杀虫剂":           "AGR", // 一种 must not make 种植 match
		"一种数控机床主轴热误差补偿装置":    "AM",
	}
	for title, want := range cases {
		if got := Classify(title, "").Field; got != want {
			t.Errorf("Classify(%s) = %s, want %s", title, got, want)
		}
	}
}

func TestGenerateAndBulkInsert(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(app.Config{}, nil, db)
		if _, err := Generate(ctx, a, GenerateOptions{Listings: 10}); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("Generate on an empty database: got %v, want Invalid (seed first)", err)
		}
		if _, err := Seed(ctx, a); err != nil {
			t.Fatal(err)
		}
		before := countPublished(t, db)
		var calls int
		res, err := Generate(ctx, a, GenerateOptions{Listings: 250, Batch: 100, Progress: func(done, total int) { calls++ }})
		if err != nil {
			t.Fatalf("Generate: %v", err)
		}
		if res.Created != 250 || len(res.SampleIDs) != 25 || calls != 3 {
			t.Errorf("created %d, sampled %d ids, %d progress calls; want 250, 25, 3", res.Created, len(res.SampleIDs), calls)
		}
		if got := countPublished(t, db); got != before+250 {
			t.Errorf("published listings: %d, want %d", got, before+250)
		}
		l, err := a.Listings.Get(ctx, domain.Anonymous, res.SampleIDs[3])
		if err != nil || l.Status != listing.StatusPublished || len(l.TransferModes) == 0 {
			t.Errorf("generated listing: %+v, err %v", l, err)
		}

		// A bulk listing reads back exactly as written: same rows and children as Create.
		b := newBuilder(99, time.Now())
		b.orgIDs = map[string]string{}
		authors, err := demoAuthors(ctx, a, b)
		if err != nil {
			t.Fatal(err)
		}
		texts, _ := loadCorpus()
		var src source
		for _, s := range texts {
			if s.bilingual() {
				src = s
				break
			}
		}
		owner := demoOrgs[0]
		in := b.achievement(src, owner, langBoth)
		in.Owners = []listing.Owner{{Name: owner.nameZh, OrgID: b.orgIDs[owner.key], ShareBP: 6000}, {Name: "发明人团队", ShareBP: 4000}}
		in.IPItems = []listing.IPItem{{Type: "invention_patent", Number: "ZL202110000004.X", Title: "t", Status: "granted", Territory: "CN", ExpiryDate: "2041-03-01"}}
		batch := []listing.Listing{{OwnerOrgID: b.orgIDs[owner.key], CreatedBy: authors[owner.key].userID, Input: in}}
		if err := listing.BulkInsertPublished(ctx, db, batch); err != nil {
			t.Fatal(err)
		}
		got, err := a.Listings.Get(ctx, domain.SystemActor("test"), batch[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.TitleEn != in.TitleEn || got.SummaryZh != in.SummaryZh || got.TRL != in.TRL || got.DetailZh != in.DetailZh ||
			len(got.Owners) != 2 || got.Owners[1].ShareBP != 4000 || len(got.IPItems) != 1 || got.IPItems[0] != in.IPItems[0] ||
			len(got.TransferModes) != len(in.TransferModes) || len(got.IPCCodes) != len(in.IPCCodes) || got.ExpiresAt == nil {
			t.Errorf("bulk listing reads back differently:\n got %+v\nwant %+v", got.Input, in)
		}
		if page, err := a.Listings.Search(ctx, listing.Query{Text: in.TitleZh}); err != nil || page.Total == 0 {
			t.Errorf("bulk listing not found by its title: total %d, err %v", page.Total, err)
		}

		// One invalid listing fails the batch, names the field and stores nothing.
		bad := in
		bad.TRL = 12
		n := countPublished(t, db)
		err = listing.BulkInsertPublished(ctx, db, []listing.Listing{batch[0], {OwnerOrgID: batch[0].OwnerOrgID, CreatedBy: batch[0].CreatedBy, Input: bad}})
		if fields := apperr.FieldsOf(err); len(fields) == 0 || fields[0].Field != "trl" {
			t.Errorf("invalid bulk listing: got %v, want a field error on trl", err)
		}
		if countPublished(t, db) != n {
			t.Error("a failed batch stored listings")
		}
	})
}

func countPublished(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM listings WHERE status = 'published'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// listingCount is the number of listings Seed creates.
func listingCount() int {
	texts, _ := loadCorpus()
	return len(texts) + plannedNeeds()
}
