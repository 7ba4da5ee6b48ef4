package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
	"github.com/techmarket-org/techmarket/internal/workcal"
)

const cliTermsJSON = `{"contract_type":"LIC","sub_type":"LIC_PATENT","title":"光伏清洗机器人专利实施许可合同",
 "subject":"许可买方实施光伏组件清洗机器人专利。",
 "ip_items":[{"type":"invention_patent","number":"ZL202110000001.2","title":"一种清洗机器人","holder":"测试大学"}],
 "licence":{"exclusivity":"ordinary","territory":"中国大陆","term_months":36},
 "price_fen":10000000,"payment":{"mode":"LUMP_SUM_ONE_PAYMENT"},
 "line_items":[{"description":"许可费","kind":"technical","amount_fen":10000000}],
 "confidentiality":{"years":3},"improvements":"improver","dispute":{"method":"arbitration","forum":"北京仲裁委员会"}}`

// TestCLIDealsAuctionsChallenges drives a negotiated deal to both signatures,
// an auction with bids and a watcher, and a challenge proposal through the
// CLI against a real server.
func TestCLIDealsAuctionsChallenges(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		isolateClientConfig(t)
		url, a := cliMarket(t, db)
		ctx, system := context.Background(), domain.SystemActor("test")
		var mu sync.Mutex
		now := time.Now().UTC().Truncate(time.Second)
		a.Deals.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		if err := a.Deals.EnsureSeed(ctx); err != nil {
			t.Fatal(err)
		}
		firm, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "买方公司", Type: "enterprise", RegionCode: "310101"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: "buyer@firm.test", Name: "买方", Password: cliTestPassword,
			Roles: []domain.OrgRole{{OrgID: firm.ID, Role: domain.RoleBuyer}}}); err != nil {
			t.Fatal(err)
		}
		sellerTok, buyerTok := apiToken(t, a, "seller@uni.test"), apiToken(t, a, "buyer@firm.test")
		run := func(token string, args ...string) string {
			t.Helper()
			out, stderr, err := runCLI(t, "", append(args, "--server", url, "--token", token)...)
			if err != nil {
				t.Fatalf("techmarket %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
			}
			return out
		}
		fails := func(token string, args ...string) string {
			t.Helper()
			out, _, err := runCLI(t, "", append(args, "--server", url, "--token", token)...)
			if err == nil {
				t.Fatalf("techmarket %s succeeded:\n%s", strings.Join(args, " "), out)
			}
			return err.Error()
		}
		seller, err := a.Identity.Login(ctx, "seller@uni.test", cliTestPassword, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		publish := func(kind, title, orgID string) string {
			t.Helper()
			in := listing.Input{Kind: kind, TitleZh: title, SummaryZh: "摘要：" + title, Field: "NE", RegionCode: "110108"}
			if kind == listing.KindAchievement {
				in.TRL, in.TransferModes, in.PriceType = 3, []string{"transfer"}, "negotiable"
			}
			l, err := a.Listings.Create(ctx, system, orgID, in, true)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Listings.Review(ctx, system, l.ID, true, ""); err != nil {
				t.Fatal(err)
			}
			return l.ID
		}
		uniID := seller.Roles[0].OrgID
		listingID := publish(listing.KindAchievement, "光伏清洗机器人专利", uniID)

		// A negotiated deal, from interest to both signatures.
		var d client.Deal
		if err := json.Unmarshal([]byte(run(buyerTok, "deals", "interest", listingID, "--message", "有意向", "--json")), &d); err != nil || d.State != "interest" {
			t.Fatalf("interest: %v %+v", err, d)
		}
		if msg := fails(buyerTok, "deals", "offer", d.ID, "--price-yuan", "100000"); !strings.Contains(msg, "HTTP 409") || !strings.Contains(msg, "deal_id: ") {
			t.Fatalf("offer before the NDA: %s", msg)
		}
		if out := run(buyerTok, "deals", "nda", d.ID); !strings.Contains(out, "room_open") {
			t.Fatalf("nda: %s", out)
		}
		offerID := strings.Fields(run(buyerTok, "deals", "offer", d.ID, "--price-yuan", "100000", "--type", "LIC"))[0]
		if out := run(sellerTok, "deals", "show", d.ID); !strings.Contains(out, "offer #1  "+offerID+"  100,000.00 yuan  open") {
			t.Fatalf("show:\n%s", out)
		}
		if out := run(sellerTok, "deals", "accept", d.ID, offerID); !strings.Contains(out, "agreed") {
			t.Fatalf("accept: %s", out)
		}
		terms := filepath.Join(t.TempDir(), "terms.json")
		writeFile(t, terms, cliTermsJSON)
		if out := run(sellerTok, "deals", "contract", d.ID, "--file", terms); !strings.HasPrefix(out, "contract v1 sha256 ") {
			t.Fatalf("contract: %s", out)
		}
		if out := run(buyerTok, "deals", "contract", d.ID); !strings.Contains(out, "测试大学") {
			t.Fatalf("contract document: %.300s", out)
		}
		run(buyerTok, "deals", "sign", d.ID)
		if out := run(sellerTok, "deals", "sign", d.ID); !strings.Contains(out, "concluded") {
			t.Fatalf("second signature: %s", out)
		}
		var mine client.Page[client.Deal]
		if err := json.Unmarshal([]byte(run(buyerTok, "deals", "list", "--json")), &mine); err != nil || mine.Total != 1 || mine.Items[0].State != "concluded" {
			t.Fatalf("deals list: %v %+v", err, mine)
		}

		// An auction: register, bid, a refused bid, watch, close.
		auctioned := publish(listing.KindAchievement, "钙钛矿电池工艺", uniID)
		var d2 client.Deal
		_ = json.Unmarshal([]byte(run(buyerTok, "deals", "interest", auctioned, "--json")), &d2)
		run(buyerTok, "deals", "nda", d2.ID)
		end := now.Add(20 * time.Minute)
		if msg := fails(buyerTok, "auctions", "open", auctioned, "--start-yuan", "1000", "--ends", end.Format(time.RFC3339)); !strings.Contains(msg, "HTTP 403") {
			t.Fatalf("a buyer opens the seller's sale: %s", msg)
		}
		var sale client.Sale
		if err := json.Unmarshal([]byte(run(sellerTok, "auctions", "open", auctioned, "--method", "auction_english", "--start-yuan", "1000",
			"--ends", end.Format(time.RFC3339), "--json")), &sale); err != nil || sale.State != "open" || sale.StartPriceFen != 100_000 || !sale.EndsAt.Equal(end) {
			t.Fatalf("auctions open: %v %+v", err, sale)
		}
		run(buyerTok, "auctions", "register", sale.ID)
		if msg := fails(buyerTok, "auctions", "bid", sale.ID, "--yuan", "999"); !strings.Contains(msg, "HTTP 422") || !strings.Contains(msg, "amount_fen: ") {
			t.Fatalf("a bid below the start: %s", msg)
		}
		if out := run(buyerTok, "auctions", "bid", sale.ID, "--yuan", "1000", "--key", "k1"); !strings.Contains(out, "bid #1 1,000.00 yuan accepted") {
			t.Fatalf("bid: %s", out)
		}
		if out := run(buyerTok, "auctions", "bid", sale.ID, "--yuan", "1000", "--key", "k1"); !strings.Contains(out, "already placed with this key") {
			t.Fatalf("retried bid: %s", out)
		}
		if out := run("", "auctions", "list"); !strings.Contains(out, sale.ID) {
			t.Fatalf("auctions list: %s", out)
		}
		if out := run(buyerTok, "auctions", "show", sale.ID); !strings.Contains(out, "1 bid(s)") || !strings.Contains(out, "leading: true") {
			t.Fatalf("show: %s", out)
		}
		out := run("", "auctions", "watch", sale.ID, "--json", "--interval", "10ms", "--timeout", "50ms")
		var bv client.BidView
		if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &bv); err != nil || bv.Seq != 1 || bv.AmountFen != 100_000 || strings.Count(out, "\n") != 1 {
			t.Fatalf("watch printed %q (%v)", out, err)
		}
		advance(21 * time.Minute)
		if msg := fails(buyerTok, "auctions", "bid", sale.ID, "--yuan", "5000"); !strings.Contains(msg, "HTTP 409") || !strings.Contains(msg, "sale_id: ") {
			t.Fatalf("a bid after the close: %s", msg)
		}
		if _, err := a.Deals.CloseSale(ctx, system, sale.ID); err != nil {
			t.Fatal(err)
		}
		wout, werr, err := runCLI(t, "", "auctions", "watch", sale.ID, "--server", url, "--interval", "10ms")
		if err != nil || !strings.Contains(wout, "#1  ") || !strings.Contains(werr, "outcome   sold at 1,000.00 yuan") {
			t.Fatalf("watch of a closed sale: %v\n%s%s", err, wout, werr)
		}

		// A challenge on the buyer's need: the board and a proposal.
		needID := publish(listing.KindNeed, "低温电解液", firm.ID)
		deadline := workcal.ChinaDate(now).AddDate(0, 0, 20).Format(time.DateOnly)
		if msg := fails(buyerTok, "challenges", "open", needID, "--reward-yuan", "50000", "--deadline", "2000-01-01"); !strings.Contains(msg, "deadline: ") {
			t.Fatalf("a challenge with a past deadline: %s", msg)
		}
		var ch client.Challenge
		if err := json.Unmarshal([]byte(run(buyerTok, "challenges", "open", needID, "--title", "低温电解液揭榜", "--reward-yuan", "50000",
			"--deadline", deadline, "--criteria", "-40℃容量保持率≥80%", "--json")), &ch); err != nil || ch.State != "open" || ch.RewardFen != 5_000_000 {
			t.Fatalf("challenges open: %v %+v", err, ch)
		}
		if out := run("", "challenges", "list"); !strings.Contains(out, ch.ID) || !strings.Contains(out, "50,000.00") {
			t.Fatalf("challenges list: %s", out)
		}
		proposed := run(sellerTok, "challenges", "propose", ch.ID, "--summary", "离子液体添加剂", "--months", "6")
		if !strings.HasPrefix(proposed, "proposal ") {
			t.Fatalf("propose: %s", proposed)
		}
		proposalID := strings.Fields(proposed)[1]
		if out := run(sellerTok, "challenges", "show", ch.ID); !strings.Contains(out, "离子液体添加剂") {
			t.Fatalf("challenge show: %s", out)
		}
		if msg := fails(sellerTok, "challenges", "propose", ch.ID, "--summary", "again"); !strings.Contains(msg, "challenge_id: ") {
			t.Fatalf("second proposal: %s", msg)
		}

		// A broker's mandate: proposed by the buyer, accepted by the broker.
		agency, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "技术转移中心", Type: "service_agency", RegionCode: "110108"})
		if err != nil {
			t.Fatal(err)
		}
		broker, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: "broker@agency.test", Name: "经理人", Password: cliTestPassword,
			Roles: []domain.OrgRole{{OrgID: agency.ID, Role: domain.RoleBroker}}})
		if err != nil {
			t.Fatal(err)
		}
		brokerTok := apiToken(t, a, "broker@agency.test")
		today := workcal.ChinaDate(now).Format(time.DateOnly)
		if msg := fails(buyerTok, "mandates", "propose", "--org", firm.ID, "--broker", broker.ID, "--side", "buyer", "--starts", today,
			"--ends", "2000-01-01"); !strings.Contains(msg, "ends_on: ") {
			t.Fatalf("a mandate ending before it starts: %s", msg)
		}
		mid := strings.Fields(run(buyerTok, "mandates", "propose", "--org", firm.ID, "--broker", broker.ID, "--side", "buyer",
			"--commission-bp", "150", "--starts", today, "--ends", deadline))[0]
		if out := run(brokerTok, "mandates", "accept", mid); !strings.Contains(out, "active") {
			t.Fatalf("accept mandate: %s", out)
		}
		if out := run(buyerTok, "mandates", "list"); !strings.Contains(out, mid) || !strings.Contains(out, "1.50%") {
			t.Fatalf("mandates list: %s", out)
		}

		// An agreed price under public notice (north notices every price): a third party objects.
		noticed := publish(listing.KindAchievement, "海水淡化膜", uniID)
		var d3 client.Deal
		_ = json.Unmarshal([]byte(run(buyerTok, "deals", "interest", noticed, "--venue", "north", "--json")), &d3)
		run(buyerTok, "deals", "nda", d3.ID)
		offer3 := strings.Fields(run(sellerTok, "deals", "offer", d3.ID, "--price-yuan", "80000"))[0]
		if out := run(buyerTok, "deals", "accept", d3.ID, offer3); !strings.Contains(out, "notice") {
			t.Fatalf("accept under notice: %s", out)
		}
		if out := run(brokerTok, "deals", "notices"); !strings.Contains(out, d3.ID) || !strings.Contains(out, "80,000.00 yuan") {
			t.Fatalf("deals notices: %s", out)
		}
		if msg := fails(brokerTok, "deals", "object", d3.ID); !strings.Contains(msg, "HTTP 422") || !strings.Contains(msg, "reason: ") {
			t.Fatalf("an objection without grounds: %s", msg)
		}
		if out := run(brokerTok, "deals", "object", d3.ID, "--reason", "价格低于评估值"); !strings.HasPrefix(out, "objection ") || !strings.Contains(out, "open") {
			t.Fatalf("deals object: %s", out)
		}
		if room := run(buyerTok, "deals", "show", d3.ID, "--json"); !strings.Contains(room, "价格低于评估值") {
			t.Fatalf("the objection is not in the room: %.400s", room)
		}

		// After the challenge's deadline its owner selects the winner.
		advance(21 * 24 * time.Hour)
		if _, _, err := runCLI(t, "", "challenges", "select", ch.ID, "--feedback", "nonsense", "--server", url, "--token", buyerTok); err == nil ||
			!strings.Contains(err.Error(), "PROPOSAL_ID=REASON") {
			t.Fatalf("a malformed --feedback: %v", err)
		}
		if msg := fails(sellerTok, "challenges", "select", ch.ID, "--winner", proposalID); !strings.Contains(msg, "HTTP 403") {
			t.Fatalf("a solver selects: %s", msg)
		}
		if out := run(buyerTok, "challenges", "select", ch.ID, "--winner", proposalID); !strings.Contains(out, "awarded") {
			t.Fatalf("challenges select: %s", out)
		}
		if out := run(sellerTok, "challenges", "show", ch.ID); !strings.Contains(out, "awarded") {
			t.Fatalf("the winner's view: %s", out)
		}
	})
}
