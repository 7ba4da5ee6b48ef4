package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
	"github.com/techmarket-org/techmarket/internal/workcal"
)

// dealMarket is the API fixture with the deal service on a clock the test
// moves, the seed venues, a second buyer and a broker.
type dealMarket struct {
	*market
	mu        sync.Mutex
	now       time.Time
	buyer2    *client.Client
	broker    *client.Client
	brokerID  string
	buyer2Org identity.Org
}

func newDealMarket(t *testing.T, db *store.DB) *dealMarket {
	t.Helper()
	m := &dealMarket{market: newMarket(t, db), now: time.Now().UTC().Truncate(time.Second)}
	m.app.Deals.SetClock(m.clock)
	if err := m.app.Deals.EnsureSeed(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, system := context.Background(), domain.SystemActor("test")
	var err error
	if m.buyer2Org, err = m.app.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "第二买方有限公司", Type: "enterprise", RegionCode: "310101"}); err != nil {
		t.Fatal(err)
	}
	agency, err := m.app.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "技术转移中心", Type: "service_agency", RegionCode: "110108"})
	if err != nil {
		t.Fatal(err)
	}
	m.buyer2, _ = m.user("buyer@second.test", domain.OrgRole{OrgID: m.buyer2Org.ID, Role: domain.RoleBuyer})
	m.broker, m.brokerID = m.user("broker@agency.test", domain.OrgRole{OrgID: agency.ID, Role: domain.RoleBroker})
	return m
}

func (m *dealMarket) clock() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

func (m *dealMarket) advance(d time.Duration) {
	m.mu.Lock()
	m.now = m.now.Add(d)
	m.mu.Unlock()
}

// chinaDate is the deal clock's China date plus days, as YYYY-MM-DD.
func (m *dealMarket) chinaDate(days int) string {
	return workcal.ChinaDate(m.clock()).AddDate(0, 0, days).Format(time.DateOnly)
}

func (m *dealMarket) user(email string, roles ...domain.OrgRole) (*client.Client, string) {
	m.t.Helper()
	u, err := m.app.Identity.CreateUser(context.Background(), domain.SystemActor("test"), identity.UserInput{Email: email, Name: email, Password: testPassword, Roles: roles})
	if err != nil {
		m.t.Fatal(err)
	}
	tok, err := m.anon.CreateToken(context.Background(), client.TokenRequest{Email: email, Password: testPassword, Name: "test"})
	if err != nil {
		m.t.Fatal(err)
	}
	return m.client(tok.Token), u.ID
}

// must fails the test on error and passes the value on.
func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantRefusal checks a refused step: the status and a field error naming the
// field with the reason code, in English and Chinese.
func wantRefusal(t *testing.T, err error, status int, field, code string) {
	t.Helper()
	if got := client.StatusCode(err); got != status {
		t.Fatalf("want %d %s on %s, got %v", status, code, field, err)
	}
	for _, f := range client.FieldErrors(err) {
		if f.Field == field && f.Code == code {
			if f.Message == "" || f.MessageZh == "" {
				t.Fatalf("refusal %s lacks a message: %+v", code, f)
			}
			return
		}
	}
	t.Fatalf("want field %s with code %s, got %v", field, code, err)
}

// licenceTermsJSON are complete licence terms at a price.
func licenceTermsJSON(price int64) json.RawMessage {
	half := price / 2
	terms := map[string]any{
		"contract_type": "LIC", "sub_type": "LIC_PATENT", "title": "固态电解质专利实施许可合同",
		"subject":   "许可买方在中国境内实施固态电解质制备专利。",
		"ip_items":  []map[string]any{{"type": "invention_patent", "number": "ZL202010123456.7", "title": "一种固态电解质", "holder": "测试大学"}},
		"licence":   map[string]any{"exclusivity": "ordinary", "territory": "中国大陆", "term_months": 60},
		"price_fen": price, "payment": map[string]any{"mode": "LUMP_SUM_INSTALMENTS"},
		"milestones": []map[string]any{
			{"name": "合同生效", "deliverables": []string{"技术资料"}, "acceptance_criteria": "资料齐全", "amount_fen": half},
			{"name": "中试验收", "deliverables": []string{"中试报告"}, "acceptance_criteria": "电导率≥10mS/cm", "amount_fen": price - half}},
		"line_items":      []map[string]any{{"description": "专利实施许可费", "kind": "technical", "amount_fen": price}},
		"confidentiality": map[string]any{"years": 3}, "improvements": "improver",
		"dispute": map[string]any{"method": "arbitration", "forum": "北京仲裁委员会"},
	}
	b, _ := json.Marshal(terms)
	return b
}

// TestNegotiatedDealToSignedContractOverAPI runs a state-owned achievement
// from interest through NDA, offers, public notice with an objection, to a
// contract signed by both sides, with the refused steps on the way.
func TestNegotiatedDealToSignedContractOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		in := achievement("国有固态电解质技术")
		in.StateOwned = true
		l := m.publish(in)

		venues := must[[]client.Venue](t)(m.anon.Venues(ctx))
		if len(venues) < 3 {
			t.Fatalf("venues %+v", venues)
		}
		vd := must[*client.VenueDetail](t)(m.anon.Venue(ctx, "east"))
		if vd.Venue.CurrentVersion != 1 || len(vd.Versions) != 1 || !bytes.Contains(vd.Rules, []byte(`"increment_fen"`)) {
			t.Fatalf("venue detail %+v", vd)
		}

		d := must[*client.Deal](t)(m.buyer.ExpressInterest(ctx, client.InterestInput{ListingID: l.ID, Message: "我们希望获得许可"}))
		if d.State != "interest" || d.Venue != "platform" || d.RuleVersion != 1 || !d.StateOwned {
			t.Fatalf("deal %+v", d)
		}
		_, err := m.buyer.MakeOffer(ctx, d.ID, client.OfferTerms{PriceFen: 100_000_000}, 0)
		wantRefusal(t, err, http.StatusConflict, "deal_id", "nda_required")

		nda := must[*client.NDA](t)(m.anon.CurrentNDA(ctx))
		_, err = m.buyer.AcceptNDA(ctx, d.ID, nda.Version+1)
		wantRefusal(t, err, http.StatusConflict, "version", "nda_outdated")
		_, err = m.seller.AcceptNDA(ctx, d.ID, nda.Version)
		wantStatus(t, err, http.StatusForbidden, "the seller accepting the buyer's NDA")
		d = must[*client.Deal](t)(m.buyer.AcceptNDA(ctx, d.ID, nda.Version))
		if d.State != "room_open" || d.NDA == nil || d.NDA.SHA256 != nda.SHA256 {
			t.Fatalf("after NDA %+v", d)
		}

		_, err = m.buyer.MakeOffer(ctx, d.ID, client.OfferTerms{PriceFen: 0, PaymentMode: "BARTER"}, 200)
		if fs := fieldSet(client.FieldErrors(err)); client.StatusCode(err) != 422 || !fs["terms.price_fen"] || !fs["terms.payment_mode"] || !fs["valid_days"] {
			t.Fatalf("bad offer: %v", err)
		}
		lic := client.OfferTerms{ContractType: "LIC", SubType: "LIC_PATENT", PaymentMode: "LUMP_SUM_INSTALMENTS"}
		lic.PriceFen = 100_000_000
		first := must[*client.Offer](t)(m.buyer.MakeOffer(ctx, d.ID, lic, 0))
		_, err = m.buyer.AcceptOffer(ctx, d.ID, first.ID)
		wantRefusal(t, err, http.StatusConflict, "offer_id", "own_offer")
		must[*client.DealMessage](t)(m.seller.PostDealMessage(ctx, d.ID, "价格偏低，我方还价110万元"))
		lic.PriceFen = 110_000_000
		counter := must[*client.Offer](t)(m.seller.MakeOffer(ctx, d.ID, lic, 7))
		room := must[*client.Room](t)(m.buyer.GetDeal(ctx, d.ID))
		if len(room.Offers) != 2 || room.Offers[0].Status != "countered" || room.Offers[1].Status != "open" || len(room.Messages) != 2 {
			t.Fatalf("room after counter: offers %+v messages %d", room.Offers, len(room.Messages))
		}
		d = must[*client.Deal](t)(m.buyer.AcceptOffer(ctx, d.ID, counter.ID))
		if d.State != "notice" || !d.NoticeRequired || d.NoticeEndsAt == nil || d.AgreedTerms.PriceFen != 110_000_000 {
			t.Fatalf("agreed state-owned deal %+v", d)
		}

		// A state-owned price cannot be contracted before its notice ends.
		_, err = m.seller.DraftContract(ctx, d.ID, licenceTermsJSON(110_000_000))
		wantRefusal(t, err, http.StatusConflict, "deal_id", "notice_required")
		notices := must[[]client.Notice](t)(m.anon.PublicNotices(ctx))
		if len(notices) != 1 || notices[0].DealID != d.ID || notices[0].PriceFen != 110_000_000 {
			t.Fatalf("public notices %+v", notices)
		}
		obj := must[*client.Objection](t)(m.rivalSeller.RaiseObjection(ctx, d.ID, "价格明显偏低"))
		m.advance(20 * 24 * time.Hour)
		_, err = m.seller.EndNotice(ctx, d.ID)
		wantRefusal(t, err, http.StatusConflict, "deal_id", "objection_open")
		_, err = m.seller.ResolveObjection(ctx, d.ID, obj.ID, false, "价格经评估合理")
		wantStatus(t, err, http.StatusForbidden, "a party resolving an objection")
		must[*client.Deal](t)(m.operator.ResolveObjection(ctx, d.ID, obj.ID, false, "价格经评估合理"))
		d = must[*client.Deal](t)(m.seller.EndNotice(ctx, d.ID))
		if d.State != "agreed" || d.NoticeClearedAt == nil {
			t.Fatalf("after notice %+v", d)
		}

		// The contract: a wrong price and bad terms name their fields.
		bad := licenceTermsJSON(120_000_000)
		_, err = m.seller.DraftContract(ctx, d.ID, bad)
		wantRefusal(t, err, http.StatusUnprocessableEntity, "price_fen", "differs_from_agreement")
		cv := must[*client.ContractVersion](t)(m.seller.DraftContract(ctx, d.ID, licenceTermsJSON(110_000_000)))
		html, sum, err := m.buyer.ContractHTML(ctx, d.ID, 0)
		if err != nil || sum != cv.HTMLSHA256 || !bytes.Contains(html, []byte("测试大学")) {
			t.Fatalf("contract html: %v %s %.200s", err, sum, html)
		}
		pdf, err := m.buyer.ContractPDF(ctx, d.ID, cv.Version)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("contract pdf: %v %.20q", err, pdf)
		}
		_, err = m.buyer.SignContract(ctx, d.ID, cv.Version, strings.Repeat("0", 64))
		wantRefusal(t, err, http.StatusUnprocessableEntity, "document_sha256", "document_mismatch")
		_, err = m.buyer.SignContract(ctx, d.ID, cv.Version+1, sum)
		wantRefusal(t, err, http.StatusConflict, "version", "contract_outdated")
		if room = must[*client.Room](t)(m.buyer.GetDeal(ctx, d.ID)); len(room.Contract.Signatures) != 0 {
			t.Fatalf("a refused signature was stored: %+v", room.Contract.Signatures)
		}
		_, err = m.operator.SignContract(ctx, d.ID, cv.Version, sum)
		wantStatus(t, err, http.StatusForbidden, "an operator signing")
		d = must[*client.Deal](t)(m.buyer.SignContract(ctx, d.ID, cv.Version, sum))
		if d.State != "contracting" {
			t.Fatalf("after one signature %s", d.State)
		}
		_, err = m.buyer.SignContract(ctx, d.ID, cv.Version, sum)
		wantRefusal(t, err, http.StatusConflict, "deal_id", "already_signed")
		d = must[*client.Deal](t)(m.seller.SignContract(ctx, d.ID, cv.Version, sum))
		if d.State != "concluded" || d.ConcludedAt == nil || d.SellerFeeFen == nil || *d.SellerFeeFen != 550_000 {
			t.Fatalf("concluded deal %+v", d) // platform: seller 0.5% of 110万 = 5,500 yuan
		}
		room = must[*client.Room](t)(m.seller.GetDeal(ctx, d.ID))
		if len(room.Contract.Signatures) != 2 || room.Fees == nil || room.Fees.SellerFen != 550_000 {
			t.Fatalf("concluded room: %+v fees %+v", room.Contract.Signatures, room.Fees)
		}
		mine := must[*client.Page[client.Deal]](t)(m.buyer.MyDeals(ctx, "concluded", 0, 0))
		if mine.Total != 1 || mine.Items[0].ID != d.ID {
			t.Fatalf("my concluded deals %+v", mine)
		}
		// The problem document itself: media type and reason on the wire.
		resp, body := m.raw(http.MethodPost, "/api/v1/deals/"+d.ID+"/offers", m.tokenFor("buyer@company.test"), "application/json",
			`{"terms":{"price_fen":1}}`)
		p := problemOf(t, resp, body, http.StatusConflict)
		if len(p.Errors) != 1 || p.Errors[0].Field != "deal_id" || p.Errors[0].Code == "" || p.Errors[0].MessageZh == "" {
			t.Fatalf("offer on a concluded deal: %s", body)
		}
	})
}

// TestDealRoomConfidentialityOverAPI is the leak test: the room and the
// NDA-gated detail reach only the parties, their mandated broker and the
// venue's operators, and the detail only after the NDA.
func TestDealRoomConfidentialityOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("固态电解质"))
		d := must[*client.Deal](t)(m.buyer.ExpressInterest(ctx, client.InterestInput{ListingID: l.ID}))
		path := "/api/v1/deals/" + d.ID
		buyerTok, rivalTok := m.tokenFor("buyer@company.test"), m.tokenFor("seller@rival.test")

		get := func(token string) (*http.Response, []byte) {
			t.Helper()
			resp, body := m.raw(http.MethodGet, path, token, "", "")
			if bytes.Contains(body, []byte(secretDetail)) {
				t.Fatalf("the confidential detail leaked (status %d)", resp.StatusCode)
			}
			return resp, body
		}
		// Before the NDA the counterparty sees the room without the detail.
		resp, body := get(buyerTok)
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"detail_withheld":true`)) {
			t.Fatalf("buyer before NDA: %d %s", resp.StatusCode, body)
		}
		// Strangers, other sellers and anonymous callers get nothing.
		if r, b := get(rivalTok); r.StatusCode != http.StatusNotFound {
			problemOf(t, r, b, http.StatusNotFound)
		}
		if r, b := get(""); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("anonymous: %d %s", r.StatusCode, b)
		}
		for _, p := range []string{"/contract.html", "/contract.pdf"} {
			if r, b := m.raw(http.MethodGet, path+p, rivalTok, "", ""); r.StatusCode != http.StatusNotFound || bytes.Contains(b, []byte(secretDetail)) {
				t.Fatalf("stranger %s: %d", p, r.StatusCode)
			}
		}
		if r, _ := m.raw(http.MethodGet, "/api/v1/listings/"+l.ID+"/deals", rivalTok, "", ""); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a stranger listed the listing's rooms: %d", r.StatusCode)
		}
		if page := must[*client.Page[client.Deal]](t)(m.rivalSeller.MyDeals(ctx, "", 0, 0)); page.Total != 0 {
			t.Fatalf("a stranger's deal list holds %+v", page.Items)
		}
		_, err := m.rivalSeller.PostDealMessage(ctx, d.ID, "hello")
		wantStatus(t, err, http.StatusNotFound, "a stranger posting in the room")

		// A broker sees nothing until mandated, then what its client sees.
		_, err = m.broker.GetDeal(ctx, d.ID)
		wantStatus(t, err, http.StatusNotFound, "an unmandated broker")
		mandate := must[*client.Mandate](t)(m.buyer.ProposeMandate(ctx, client.MandateInput{PartyOrgID: m.company.ID, BrokerUserID: m.brokerID,
			Side: "buyer", Commission: client.Commission{Kind: "percent", BP: 200}, StartsOn: m.chinaDate(0), EndsOn: m.chinaDate(365)}))
		_, err = m.broker.GetDeal(ctx, d.ID)
		wantStatus(t, err, http.StatusNotFound, "a broker before accepting the mandate")
		_, err = m.rivalSeller.RespondMandate(ctx, mandate.ID, true)
		wantStatus(t, err, http.StatusForbidden, "someone else accepting the mandate")
		must[*client.Mandate](t)(m.broker.RespondMandate(ctx, mandate.ID, true))
		brokerTok := m.tokenFor("broker@agency.test")
		resp, body = m.raw(http.MethodGet, path, brokerTok, "", "")
		if resp.StatusCode != 200 || bytes.Contains(body, []byte(secretDetail)) || !bytes.Contains(body, []byte(`"via_broker":true`)) {
			t.Fatalf("mandated broker before the NDA: %d %s", resp.StatusCode, body)
		}
		_, err = m.broker.AcceptNDA(ctx, d.ID, 1)
		wantStatus(t, err, http.StatusForbidden, "a broker accepting the NDA")
		_, err = m.broker.PostDealMessage(ctx, d.ID, "我代表买方")
		wantStatus(t, err, http.StatusForbidden, "a broker without negotiating authority posting")

		must[*client.Deal](t)(m.buyer.AcceptNDA(ctx, d.ID, 1))
		for who, tok := range map[string]string{"buyer": buyerTok, "broker": brokerTok, "seller": m.tokenFor("seller@uni.test"),
			"operator": m.tokenFor("operator@exchange.test")} {
			resp, body := m.raw(http.MethodGet, path, tok, "", "")
			if resp.StatusCode != 200 || !bytes.Contains(body, []byte(secretDetail)) {
				t.Fatalf("%s after the NDA: %d, detail present %v", who, resp.StatusCode, bytes.Contains(body, []byte(secretDetail)))
			}
		}
		// The grant is the buyer's organisation's only: strangers and the
		// broker's own organisation still see the listing without the detail.
		if r, _ := get(rivalTok); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a stranger after the NDA: %d", r.StatusCode)
		}
		for _, tok := range []string{rivalTok, brokerTok, m.tokenFor("buyer@second.test"), ""} {
			if _, b := m.raw(http.MethodGet, "/api/v1/listings/"+l.ID, tok, "", ""); bytes.Contains(b, []byte(secretDetail)) {
				t.Fatal("the listing's detail leaked outside the NDA")
			}
		}
		// The room's ETag lets a client poll it cheaply; a change alters it.
		room1, tag := roomTag(t, m, path, buyerTok, "")
		if _, again := roomTag(t, m, path, buyerTok, tag); again != tag || room1 == 0 {
			t.Fatalf("unchanged room: tag %q then %q", tag, again)
		}
		must[*client.DealMessage](t)(m.seller.PostDealMessage(ctx, d.ID, "欢迎"))
		if status, _ := roomTag(t, m, path, buyerTok, tag); status != http.StatusOK {
			t.Fatalf("a changed room answered %d to the old ETag", status)
		}
	})
}

// roomTag GETs a room with If-None-Match and returns the status and ETag.
func roomTag(t *testing.T, m *dealMarket, path, token, etag string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, m.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if etag != "" && resp.StatusCode == http.StatusNotModified {
		return resp.StatusCode, etag
	}
	return resp.StatusCode, resp.Header.Get("ETag")
}

// TestOfferOnExpiredListingRefusedOverAPI: once the listing has expired, an
// offer and a new expression of interest are refused with the reason and the
// room is left as it was.
func TestOfferOnExpiredListingRefusedOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("即将过期的成果"))
		if l.ExpiresAt == nil {
			t.Fatal("the listing has no expiry")
		}
		d := roomFor(t, m.buyer, l.ID)
		m.advance(l.ExpiresAt.Sub(m.clock()) + time.Minute)
		_, err := m.buyer.MakeOffer(ctx, d.ID, client.OfferTerms{PriceFen: 100_000_000}, 0)
		wantRefusal(t, err, http.StatusConflict, "deal_id", "listing_not_available")
		_, err = m.buyer2.ExpressInterest(ctx, client.InterestInput{ListingID: l.ID})
		wantRefusal(t, err, http.StatusConflict, "listing_id", "listing_not_available")
		room := must[*client.Room](t)(m.buyer.GetDeal(ctx, d.ID))
		if room.Deal.State != "room_open" || len(room.Offers) != 0 || !room.Deal.UpdatedAt.Equal(d.UpdatedAt) {
			t.Fatalf("a refused offer changed the room: %s, %d offers", room.Deal.State, len(room.Offers))
		}
	})
}
