package matching_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/matching"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// secret is in every fixture listing's confidential detail; no matching
// answer may contain it.
const secret = "机密工艺参数 SECRET-K7Q"

// fixture is a small realistic market: a university selling technologies, a
// company and a second company looking for some, an exchange reviewing.
type fixture struct {
	t                        testing.TB
	a                        *app.App
	db                       *store.DB
	uni, company, other      identity.Org
	seller, buyer, stranger  domain.Actor
	op                       domain.Actor
	need, waterNeed          listing.Listing
	electrolyte, anode       listing.Listing
	thermal, membrane, paint listing.Listing
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	f := &fixture{t: t, db: db}
	f.a = app.New(app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
	t.Cleanup(func() { f.a.Matching.Close() })
	f.a.Matching.SetWebhookClient(&http.Client{Timeout: 5 * time.Second})
	org := func(name, typ, region, body string) identity.Org {
		o, err := f.a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, RegionCode: region,
			USCC: domain.MakeUSCC('9', '1', region, body)})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.uni = org("华东测试大学", "university", "310104", "400000011")
	f.company = org("星河动力电池有限公司", "enterprise", "320506", "MA0000031")
	f.other = org("另一家企业", "enterprise", "110108", "MA0000040")
	exchange := org("测试交易所", "exchange", "310104", "MA0000023")
	user := func(email string, org identity.Org, role string) domain.Actor {
		if _, err := f.a.Identity.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "password-123",
			Roles: []domain.OrgRole{{OrgID: org.ID, Role: role}}}); err != nil {
			t.Fatal(err)
		}
		act, err := f.a.Identity.Login(ctx, email, "password-123", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		return act
	}
	f.seller = user("seller@uni.test", f.uni, domain.RoleSeller)
	f.buyer = user("buyer@company.test", f.company, domain.RoleBuyer)
	f.stranger = user("buyer@other.test", f.other, domain.RoleBuyer)
	f.op = user("op@exchange.test", exchange, domain.RoleOperator)
	if err := f.a.Matching.Build(ctx); err != nil {
		t.Fatal(err)
	}

	f.electrolyte = f.publish(f.seller, f.uni, tech("", "Sulfide solid-state electrolyte for lithium batteries", "",
		"A non-flammable sulfide solid electrolyte with high ionic conductivity for safe traction lithium batteries.", "NE", 6, 150))
	f.anode = f.publish(f.seller, f.uni, tech("硅碳负极材料", "", "用于锂离子电池的硅碳复合负极材料，比容量高，循环寿命长。", "", "NE", 5, 80))
	f.thermal = f.publish(f.seller, f.uni, tech("石墨烯导热膜", "", "高导热石墨烯薄膜，用于手机和电子设备散热。", "", "NM", 6, 60))
	f.membrane = f.publish(f.seller, f.uni, tech("膜生物反应器污水处理技术", "", "一种抗污染的膜生物反应器，用于城市污水和工业废水处理。", "", "ENV", 7, 200))
	f.paint = f.publish(f.seller, f.uni, tech("水性防腐涂料", "", "低VOC水性环氧防腐涂料，用于钢结构。", "", "NM", 8, 40))

	f.need = f.publish(f.buyer, f.company, need("寻求固态锂电池电解质技术",
		"我公司生产动力电池，需要高离子电导率、不易燃的固态电解质，提高电池安全性。", "NE", 5, 100, 200))
	f.waterNeed = f.publish(f.buyer, f.company, need("工业废水处理技术需求",
		"需要处理电池厂工业废水的膜处理技术。", "ENV", 6, 50, 300))
	f.waitIdle()
	return f
}

func tech(titleZh, titleEn, sumZh, sumEn, field string, trl int, wan int64) listing.Input {
	price := wan * 1_000_000
	return listing.Input{Kind: listing.KindAchievement, TitleZh: titleZh, TitleEn: titleEn, SummaryZh: sumZh, SummaryEn: sumEn,
		DetailZh: secret, Field: field, TRL: trl, TRLEvidence: "中试报告", TransferModes: []string{"transfer", "licence_ordinary"},
		PriceType: "indicative", PriceFen: &price, RegionCode: "310104", Owners: []listing.Owner{{Name: "华东测试大学", ShareBP: 10000}}}
}

func need(title, summary, field string, trl int, minWan, maxWan int64) listing.Input {
	lo, hi := minWan*1_000_000, maxWan*1_000_000
	return listing.Input{Kind: listing.KindNeed, TitleZh: title, SummaryZh: summary, DetailZh: secret, Field: field,
		RequiredTRL: &trl, BudgetMinFen: &lo, BudgetMaxFen: &hi, TransferModes: []string{"transfer"}, RegionCode: "320506"}
}

func (f *fixture) publish(actor domain.Actor, org identity.Org, in listing.Input) listing.Listing {
	f.t.Helper()
	ctx := context.Background()
	l, err := f.a.Listings.Create(ctx, actor, org.ID, in, true)
	if err != nil {
		f.t.Fatal(err)
	}
	if l, err = f.a.Listings.Review(ctx, f.op, l.ID, true, ""); err != nil {
		f.t.Fatal(err)
	}
	return l
}

// waitIdle waits until the alert worker has evaluated everything queued.
func (f *fixture) waitIdle() {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !f.a.Matching.Idle() {
		if time.Now().After(deadline) {
			f.t.Fatal("alert worker still busy after 20 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ids(m matching.Matches) []string {
	var out []string
	for _, it := range m.Items {
		out = append(out, it.Listing.ID)
	}
	return out
}

func noSecret(t testing.TB, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if strings.Contains(string(b), "SECRET-K7Q") || strings.Contains(string(b), "机密工艺") {
		t.Fatalf("confidential detail leaked: %s", b)
	}
}

func TestMatchesBothDirections(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()

		// A Chinese need finds the English-only electrolyte first.
		m, err := f.a.Matching.ForListing(ctx, f.stranger, f.need.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(m); len(got) == 0 || got[0] != f.electrolyte.ID {
			t.Fatalf("need → %v, want the electrolyte first", got)
		}
		top := m.Items[0]
		if len(top.Terms) == 0 || len(top.Factors) == 0 {
			t.Fatalf("no explanation: %+v", top)
		}
		var translated, fieldFactor bool
		for _, term := range top.Terms {
			translated = translated || term.Source == "translation" && len(term.Words) > 0
		}
		for _, fc := range top.Factors {
			fieldFactor = fieldFactor || fc.Name == "field" && fc.Points > 0 && fc.Label.Zh != ""
		}
		if !translated || !fieldFactor {
			t.Errorf("explanation lacks a translated word or the field factor: %+v", top)
		}
		for _, it := range m.Items {
			if it.Listing.Kind != listing.KindAchievement {
				t.Errorf("a need's matches include a %s", it.Listing.Kind)
			}
			if it.Judgment != nil {
				t.Error("a stranger sees judgments")
			}
		}
		if m.Seeker.CanJudge {
			t.Error("a stranger may judge someone else's matches")
		}
		noSecret(t, m)

		// The other direction: the electrolyte finds the battery need; the
		// membrane finds the waste-water need.
		for _, c := range []struct {
			from listing.Listing
			want string
		}{{f.electrolyte, f.need.ID}, {f.membrane, f.waterNeed.ID}} {
			m, err := f.a.Matching.ForListing(ctx, f.seller, c.from.ID, 5)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(m); len(got) == 0 || got[0] != c.want {
				t.Errorf("%s → %v, want %s first", c.from.Title("zh"), got, c.want)
			}
			if !m.Seeker.CanJudge {
				t.Error("the owner may not judge")
			}
			noSecret(t, m)
		}

		// A draft: only its owner sees its matches.
		draft, err := f.a.Listings.Create(ctx, f.buyer, f.company.ID, need("寻找污水膜技术", "膜生物反应器。", "ENV", 5, 10, 20), false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Matching.ForListing(ctx, f.stranger, draft.ID, 5); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("stranger on a draft: %v, want not found", err)
		}
		if m, err := f.a.Matching.ForListing(ctx, f.buyer, draft.ID, 5); err != nil || len(m.Items) == 0 || m.Items[0].Listing.ID != f.membrane.ID {
			t.Errorf("owner on a draft: %v %v", ids(m), err)
		}
		if _, err := f.a.Matching.ForListing(ctx, domain.Anonymous, f.need.ID, 5); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous: %v", err)
		}
	})
}

func TestFeedbackMovesAMatchDown(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		before, err := f.a.Matching.ForListing(ctx, f.buyer, f.need.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(before); len(got) < 2 || got[0] != f.electrolyte.ID {
			t.Fatalf("before feedback: %v", got)
		}
		// Only the need's organisation may judge its matches.
		in := matching.FeedbackInput{TargetID: f.electrolyte.ID, Relevant: false, Reason: "too_expensive"}
		if _, err := f.a.Matching.JudgeListingMatch(ctx, f.stranger, f.need.ID, in); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("stranger judging: %v, want forbidden", err)
		}
		if _, err := f.a.Matching.JudgeListingMatch(ctx, f.buyer, f.need.ID, matching.FeedbackInput{TargetID: f.electrolyte.ID, Reason: "nonsense"}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("unknown reason: %v, want invalid", err)
		}
		if _, err := f.a.Matching.JudgeListingMatch(ctx, f.buyer, f.need.ID, in); err != nil {
			t.Fatal(err)
		}
		after, err := f.a.Matching.ForListing(ctx, f.buyer, f.need.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		pos := func(m matching.Matches, id string) int {
			for i, x := range ids(m) {
				if x == id {
					return i
				}
			}
			return 99
		}
		if pos(after, f.electrolyte.ID) <= pos(before, f.electrolyte.ID) || after.FeedbackUsed != 1 {
			t.Errorf("not relevant did not move it down: before %v, after %v", ids(before), ids(after))
		}
		if j := after.Items[pos(after, f.electrolyte.ID)].Judgment; j == nil || j.Reason != "too_expensive" {
			t.Errorf("owner does not see the judgment: %+v", j)
		}
		// Others still see the plain ranking.
		if other, _ := f.a.Matching.ForListing(ctx, f.stranger, f.need.ID, 5); ids(other)[0] != f.electrolyte.ID {
			t.Errorf("the owner's feedback changed a stranger's view: %v", ids(other))
		}
		// The seller sees the aggregated reasons on the achievement; the buyer may not.
		sum, err := f.a.Matching.FeedbackSummary(ctx, f.seller, f.electrolyte.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum.NotRelevant != 1 || len(sum.Reasons) != 1 || sum.Reasons[0].Code != "too_expensive" || sum.Reasons[0].Count != 1 {
			t.Errorf("summary %+v", sum)
		}
		if _, err := f.a.Matching.FeedbackSummary(ctx, f.buyer, f.electrolyte.ID); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("buyer reading the seller's summary: %v", err)
		}
		// Judging again replaces the verdict.
		if _, err := f.a.Matching.JudgeListingMatch(ctx, f.buyer, f.need.ID, matching.FeedbackInput{TargetID: f.electrolyte.ID, Relevant: true}); err != nil {
			t.Fatal(err)
		}
		if sum, _ = f.a.Matching.FeedbackSummary(ctx, f.seller, f.electrolyte.ID); sum.Total != 1 || sum.Relevant != 1 {
			t.Errorf("after re-judging: %+v", sum)
		}
		trail, err := audit.ForObject(ctx, db, "listing", f.need.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range trail {
			if e.Action == "match.feedback" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d feedback audit entries, want 2", n)
		}
	})
}

// hook is a webhook receiver that checks signatures.
type hook struct {
	mu       sync.Mutex
	secret   string
	bodies   []matching.WebhookPayload
	badSigs  int
	failNext int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failNext > 0 {
		h.failNext--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	if r.Header.Get("X-Techmarket-Signature") != matching.Signature(h.secret, body) || r.Header.Get("X-Techmarket-Delivery") == "" {
		h.badSigs++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p matching.WebhookPayload
	if err := json.Unmarshal(body, &p); err == nil {
		h.bodies = append(h.bodies, p)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *fixture) alertNotifications(user domain.Actor) int {
	f.t.Helper()
	list, _, err := f.a.Notify.List(context.Background(), user.UserID, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, x := range list {
		if strings.HasPrefix(x.Kind, "match.alert.") {
			n++
			noSecret(f.t, x)
		}
	}
	return n
}

func TestAlertsFireExactlyOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		h := &hook{failNext: 1} // the first attempt fails: the retry must deliver
		srv := httptest.NewServer(h)
		defer srv.Close()
		f.a.Matching.SetWebhookClient(srv.Client(), time.Millisecond)

		saved, err := f.a.Matching.CreateSavedNeed(ctx, f.buyer, matching.SavedNeedInput{ListingID: f.need.ID, WebhookURL: srv.URL + "/hook"})
		if err != nil {
			t.Fatal(err)
		}
		if saved.Kind != listing.KindAchievement || saved.WebhookSecret == "" || saved.MinScore != matching.DefaultMinScore {
			t.Fatalf("saved need %+v", saved)
		}
		h.mu.Lock()
		h.secret = saved.WebhookSecret
		h.mu.Unlock()
		text, err := f.a.Matching.CreateSavedNeed(ctx, f.buyer, matching.SavedNeedInput{Text: "固态电解质", MinScore: 1})
		if err != nil {
			t.Fatal(err)
		}
		// Listings published before the need was saved do not alert.
		if n := f.alertNotifications(f.buyer); n != 0 {
			t.Fatalf("%d alerts before anything new was published", n)
		}

		// A new matching technology and an unrelated one.
		fresh := f.publish(f.seller, f.uni, tech("氧化物固态电解质", "Oxide solid electrolyte", "高离子电导率的石榴石型氧化物固态电解质，用于安全的锂电池。", "", "NE", 6, 120))
		f.publish(f.seller, f.uni, tech("智能灌溉控制系统", "", "基于土壤湿度传感器的农田灌溉控制。", "", "AGR", 7, 30))
		f.waitIdle()
		if n := f.alertNotifications(f.buyer); n != 2 { // one per saved need
			t.Fatalf("%d alert notifications, want 2", n)
		}
		alerts, err := f.a.Matching.Alerts(ctx, f.buyer, saved.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 || alerts[0].ListingID != fresh.ID || alerts[0].WebhookStatus != "delivered" || alerts[0].WebhookTries != 2 {
			t.Fatalf("alerts %+v", alerts)
		}
		h.mu.Lock()
		if len(h.bodies) != 1 || h.badSigs != 0 || h.bodies[0].Listing.ID != fresh.ID || h.bodies[0].AlertID != alerts[0].ID {
			t.Errorf("webhook got %d bodies, %d bad signatures: %+v", len(h.bodies), h.badSigs, h.bodies)
		}
		raw, _ := json.Marshal(h.bodies)
		h.mu.Unlock()
		if strings.Contains(string(raw), "SECRET-K7Q") {
			t.Error("webhook carried confidential detail")
		}

		// Edited and published again, renewed, evaluated again and concurrently:
		// nothing new.
		cur, err := f.a.Listings.Get(ctx, f.seller, fresh.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := cur.Input
		in.SummaryZh += "已完成中试。"
		if _, err := f.a.Listings.Update(ctx, f.seller, fresh.ID, cur.Version, in, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Listings.Review(ctx, f.op, fresh.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		f.waitIdle()
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if n, err := f.a.Matching.EvaluateAlerts(ctx, fresh.ID); err != nil || n != 0 {
					t.Errorf("replayed evaluation raised %d (%v)", n, err)
				}
			}()
		}
		wg.Wait()
		if n := f.alertNotifications(f.buyer); n != 2 {
			t.Errorf("%d alert notifications after re-publishing and replays, want 2", n)
		}

		// Concurrent first evaluations of a new listing: one alert.
		another := f.publish(f.seller, f.uni, tech("固态电解质薄膜", "", "用于固态锂电池的电解质薄膜。", "", "NE", 6, 90))
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); _, _ = f.a.Matching.EvaluateAlerts(ctx, another.ID) }()
		}
		wg.Wait()
		f.waitIdle()
		if n := f.alertNotifications(f.buyer); n != 4 {
			t.Errorf("%d alert notifications after a concurrent first evaluation, want 4", n)
		}
		h.mu.Lock()
		if len(h.bodies) != 2 {
			t.Errorf("%d webhook deliveries, want 2", len(h.bodies))
		}
		h.mu.Unlock()

		// A restart: a new app over the same database catches up on the day's
		// listings and notifies nobody again.
		f.a.Matching.Close()
		b := app.New(app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
		defer b.Matching.Close()
		if err := b.Matching.Build(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := b.Matching.CatchUp(ctx, time.Now().Add(-time.Hour)); err != nil || n < 3 {
			t.Fatalf("catch-up queued %d (%v)", n, err)
		}
		f.a = b
		f.waitIdle()
		if n := f.alertNotifications(f.buyer); n != 4 {
			t.Errorf("%d alert notifications after a restart, want 4", n)
		}
		if list, _ := f.a.Matching.Alerts(ctx, f.buyer, text.ID); len(list) != 2 {
			t.Errorf("text saved need has %d alerts, want 2", len(list))
		}
	})
}

func TestSavedNeedsArePrivate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		n, err := f.a.Matching.CreateSavedNeed(ctx, f.buyer, matching.SavedNeedInput{Text: "污水处理 膜", Kind: "achievement", MinScore: 1})
		if err != nil {
			t.Fatal(err)
		}
		// Someone else's listing cannot be saved as one's need.
		if _, err := f.a.Matching.CreateSavedNeed(ctx, f.stranger, matching.SavedNeedInput{ListingID: f.need.ID}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("saving another organisation's listing: %v", err)
		}
		if _, err := f.a.Matching.CreateSavedNeed(ctx, f.buyer, matching.SavedNeedInput{Kind: "gadget", Text: "x", WebhookURL: "ftp://x"}); len(apperr.FieldsOf(err)) != 2 {
			t.Errorf("bad input: %v, want two fields named", err)
		}
		for name, call := range map[string]func() error{
			"get":     func() error { _, err := f.a.Matching.SavedNeed(ctx, f.stranger, n.ID); return err },
			"matches": func() error { _, err := f.a.Matching.ForSavedNeed(ctx, f.stranger, n.ID, 5); return err },
			"alerts":  func() error { _, err := f.a.Matching.Alerts(ctx, f.stranger, n.ID); return err },
			"update": func() error {
				_, err := f.a.Matching.UpdateSavedNeed(ctx, f.stranger, n.ID, n.SavedNeedInput)
				return err
			},
			"judge": func() error {
				_, err := f.a.Matching.JudgeSavedNeedMatch(ctx, f.stranger, n.ID, matching.FeedbackInput{TargetID: f.membrane.ID})
				return err
			},
			"delete": func() error { return f.a.Matching.DeleteSavedNeed(ctx, f.stranger, n.ID) },
		} {
			if err := call(); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("stranger %s: %v, want not found", name, err)
			}
		}
		if list, _ := f.a.Matching.SavedNeeds(ctx, f.stranger); len(list) != 0 {
			t.Errorf("stranger lists %d saved needs", len(list))
		}
		m, err := f.a.Matching.ForSavedNeed(ctx, f.buyer, n.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(m); len(got) == 0 || got[0] != f.membrane.ID {
			t.Errorf("saved text need → %v", got)
		}
		noSecret(t, m)
		if _, err := f.a.Matching.JudgeSavedNeedMatch(ctx, f.buyer, n.ID, matching.FeedbackInput{TargetID: f.membrane.ID, Reason: "ip_weak"}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.Matching.DeleteSavedNeed(ctx, f.buyer, n.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Matching.SavedNeed(ctx, f.buyer, n.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("deleted saved need: %v", err)
		}
		trail, _ := audit.ForObject(ctx, db, "saved_need", n.ID)
		var actions []string
		for _, e := range trail {
			actions = append(actions, e.Action)
			if strings.Contains(string(e.Detail), "webhook_secret") {
				t.Error("the audit trail holds the webhook secret")
			}
		}
		if strings.Join(actions, ",") != "match.saved_need.create,match.feedback,match.saved_need.delete" {
			t.Errorf("audit trail %v", actions)
		}
	})
}
