// Package rules holds each venue's trading rules as versioned data in one
// schema: which trading methods it offers for which assets, notice periods in
// calendar or working days, deposits (保证金), bid increments, anti-sniping,
// fees, and the extra conditions on state-owned achievements (科技成果转化法
// Art 18: agreement with public notice, exchange listing or auction only).
//
// A RuleSet version never changes once stored; publishing a change adds the
// next version. Deals and sales record the version they run under, so editing
// a venue's rules never changes a running deal.
package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/workcal"
)

// Method is a way of setting the price (交易方式).
type Method string

const (
	// Agreement is negotiated pricing (协议定价), with a public notice where required.
	Agreement Method = "agreement"
	// Listing is a fixed-price listing (挂牌) open for a notice period.
	Listing Method = "listing"
	// English is an ascending open auction with reserve, increments and anti-sniping.
	English Method = "auction_english"
	// Sealed is a first-price sealed-bid auction.
	Sealed Method = "auction_sealed"
	// Challenge is a published need with a reward (揭榜挂帅 / 难题招标).
	Challenge Method = "challenge"
)

// Methods lists the trading methods with their labels.
var Methods = domain.CodeList{
	{Code: string(Agreement), Label: domain.Label{Zh: "协议定价", En: "Agreement"}},
	{Code: string(Listing), Label: domain.Label{Zh: "挂牌交易", En: "Fixed-price listing"}},
	{Code: string(English), Label: domain.Label{Zh: "拍卖（增价）", En: "English auction"}},
	{Code: string(Sealed), Label: domain.Label{Zh: "拍卖（密封报价）", En: "Sealed-bid auction"}},
	{Code: string(Challenge), Label: domain.Label{Zh: "揭榜挂帅", En: "Challenge"}},
}

// IsAuction reports whether the method takes competing bids.
func (m Method) IsAuction() bool { return m == English || m == Sealed }

// Asset types used as keys of RuleSet.AssetMethods besides the IP type codes of
// domain.IPTypes: a need listing, an achievement without IP items, and the
// default for any type not listed.
const (
	AssetNeed    = "need"
	AssetNone    = "none"
	AssetDefault = "*"
)

// DayUnit says how a period's days are counted.
type DayUnit string

const (
	CalendarDays DayUnit = "calendar"
	WorkingDays  DayUnit = "working" // Chinese working days, holidays and make-up days included (workcal)
)

// Period is a number of calendar or working days.
type Period struct {
	Days int     `json:"days"`
	Unit DayUnit `json:"unit"`
}

// Label renders the period in both languages.
func (p Period) Label() domain.Label {
	if p.Unit == WorkingDays {
		return domain.Label{Zh: fmt.Sprintf("%d个工作日", p.Days), En: fmt.Sprintf("%d working days", p.Days)}
	}
	return domain.Label{Zh: fmt.Sprintf("%d日", p.Days), En: fmt.Sprintf("%d calendar days", p.Days)}
}

// Covers reports whether p is at least as long as min whatever the calendar:
// n working days always span at least n calendar days, but n calendar days
// never reliably contain n working days.
func (p Period) Covers(min Period) bool {
	if min.Unit == WorkingDays {
		return p.Unit == WorkingDays && p.Days >= min.Days
	}
	return p.Days >= min.Days
}

var chinaZone = time.FixedZone("CST", 8*3600)

// End is the instant the period ends when it starts at instant start: the end
// (24:00 China time) of its last day. Days are counted from the day after the
// start day (Civil Code Art 201). Working days skip weekends and public holidays
// and count make-up working days; a calendar period whose last day is a rest day
// runs to the next working day (Art 203). A zero period ends at start.
func (p Period) End(start time.Time, cal *workcal.Calendar) (time.Time, workcal.Coverage) {
	if p.Days <= 0 {
		return start.UTC(), workcal.Coverage{Covered: true}
	}
	day := workcal.ChinaDate(start)
	var last time.Time
	var cov workcal.Coverage
	if p.Unit == WorkingDays {
		last, cov = cal.AddWorkdays(day, p.Days)
	} else {
		last, cov = cal.CalendarDeadline(day, p.Days)
	}
	return EndOfChinaDay(last), cov
}

// EndOfChinaDay is 24:00 China time of a civil date, as a UTC instant.
func EndOfChinaDay(civil time.Time) time.Time {
	y, m, d := civil.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, chinaZone).UTC()
}

// Rate is a percentage of an amount in basis points, bounded below and above:
// fees and deposits. Cap 0 means no cap; a zero rate with a zero minimum is none.
type Rate struct {
	RateBP int64      `json:"rate_bp"`
	MinFen domain.Fen `json:"min_fen"`
	CapFen domain.Fen `json:"cap_fen"`
}

// None reports whether the rate never charges anything.
func (r Rate) None() bool { return r.RateBP == 0 && r.MinFen == 0 }

// Of applies the rate to base, rounding half up to the fen, then the minimum
// and the cap. The arithmetic is split so that no amount up to the int64 range
// of fen overflows.
func (r Rate) Of(base domain.Fen) domain.Fen {
	if r.None() || base <= 0 {
		return 0
	}
	return r.clamp(MulBP(base, r.RateBP))
}

func (r Rate) clamp(v domain.Fen) domain.Fen {
	if v < r.MinFen {
		v = r.MinFen
	}
	if r.CapFen > 0 && v > r.CapFen {
		v = r.CapFen
	}
	return v
}

// MulBP returns amount × bp / 10000 rounded half up, without overflow for any
// non-negative amount and 0 ≤ bp ≤ 10000.
func MulBP(amount domain.Fen, bp int64) domain.Fen {
	a := int64(amount)
	return domain.Fen(a/10000*bp + (a%10000*bp+5000)/10000)
}

// AgreementRules govern negotiated pricing.
type AgreementRules struct {
	// NoticeRequired makes every agreed price go through a public notice at this
	// venue; state-owned achievements always need one (StateOwnedRules.Notice).
	NoticeRequired bool   `json:"notice_required"`
	Notice         Period `json:"notice"`
}

// What happens when a fixed-price listing ends with several buyers.
const (
	MultipleBuyersAuction = "auction_english"  // an English auction among them, from the listed price
	MultipleBuyersFirst   = "first_registered" // the first buyer to accept the price
)

// ListingRules govern fixed-price listings (挂牌).
type ListingRules struct {
	Notice         Period `json:"notice"`
	MultipleBuyers string `json:"multiple_buyers"`
	// AuctionMinutes is how long the follow-on auction runs.
	AuctionMinutes int `json:"auction_minutes"`
}

// AuctionRules govern English and sealed-bid auctions.
type AuctionRules struct {
	// The next bid must exceed the current price by the larger of IncrementFen
	// and IncrementBP of the current price (rounded up to the fen).
	IncrementFen domain.Fen `json:"increment_fen"`
	IncrementBP  int64      `json:"increment_bp"`
	// A bid placed less than AntiSnipingMinutes before the close moves the close
	// to ExtensionMinutes after the bid, at most MaxExtensions times (0: no limit).
	AntiSnipingMinutes int `json:"anti_sniping_minutes"`
	ExtensionMinutes   int `json:"extension_minutes"`
	MaxExtensions      int `json:"max_extensions"`
	// Announce is the least time between publishing an auction and its start.
	Announce       Period `json:"announce"`
	DefaultMinutes int    `json:"default_minutes"`
	MinMinutes     int    `json:"min_minutes"`
}

// MinIncrement is the least raise over the current price.
func (a AuctionRules) MinIncrement(current domain.Fen) domain.Fen {
	inc := a.IncrementFen
	if a.IncrementBP > 0 && current > 0 {
		c := int64(current)
		share := domain.Fen(c/10000*a.IncrementBP + (c%10000*a.IncrementBP+9999)/10000) // rounded up
		if share > inc {
			inc = share
		}
	}
	if inc < 1 {
		inc = 1
	}
	return inc
}

// FeeRules are the venue's fees on a concluded deal's price.
type FeeRules struct {
	Buyer  Rate `json:"buyer"`
	Seller Rate `json:"seller"`
}

// StateOwnedRules are the extra conditions for achievements of state-funded
// institutes and universities (科技成果转化法 Art 18; 国发〔2016〕16号).
type StateOwnedRules struct {
	Methods []Method `json:"methods"`
	// Notice is the public notice of an agreed price and the least listing period.
	Notice Period `json:"notice"`
}

// StateOwnedMinNotice is the legal floor of the agreement-price notice: at least
// 15 days (国发〔2016〕16号); a venue may ask more or count working days.
var StateOwnedMinNotice = Period{Days: 15, Unit: CalendarDays}

// stateOwnedLawful are the only pricing methods Art 18 allows.
var stateOwnedLawful = []Method{Agreement, Listing, English, Sealed}

// OfferRules govern offers in a deal room.
type OfferRules struct {
	ValidityDays int `json:"validity_days"` // default validity of an offer, calendar days
}

// UseFirstPayLaterRules allow licences with a free period (先使用后付费).
type UseFirstPayLaterRules struct {
	Allowed       bool `json:"allowed"`
	MaxFreeMonths int  `json:"max_free_months"`
}

// ChallengeRules govern challenges (揭榜挂帅).
type ChallengeRules struct {
	MinProposalDays int `json:"min_proposal_days"` // least time from publication to the proposal deadline
}

// RuleSet is one version of one venue's rules.
type RuleSet struct {
	Venue   string `json:"venue"`
	Version int    `json:"version"`
	// Methods the venue offers.
	Methods []Method `json:"methods"`
	// AssetMethods narrows the methods per asset type (an IP type code, "need",
	// "none" or "*"); a type not listed uses "*", or Methods when "*" is absent.
	AssetMethods     map[string][]Method   `json:"asset_methods,omitempty"`
	Agreement        AgreementRules        `json:"agreement"`
	Listing          ListingRules          `json:"listing"`
	Auction          AuctionRules          `json:"auction"`
	Deposit          Rate                  `json:"deposit"` // of the start or listed price
	Fees             FeeRules              `json:"fees"`
	StateOwned       StateOwnedRules       `json:"state_owned"`
	Offers           OfferRules            `json:"offers"`
	UseFirstPayLater UseFirstPayLaterRules `json:"use_first_pay_later"`
	Challenge        ChallengeRules        `json:"challenge"`
}

// Supports reports whether the venue offers method m.
func (rs RuleSet) Supports(m Method) bool { return slices.Contains(rs.Methods, m) }

// Permits checks that method m may price an asset with the given asset types at
// this venue; stateOwned applies the Art 18 restriction.
func (rs RuleSet) Permits(m Method, assets []string, stateOwned bool) *Refusal {
	label := Methods.Label(string(m))
	if !rs.Supports(m) {
		return &Refusal{Code: "method_not_offered", En: "this venue does not offer " + label.En, Zh: "本交易场所不提供" + label.Zh}
	}
	for _, a := range assets {
		allowed, ok := rs.AssetMethods[a]
		if !ok {
			allowed, ok = rs.AssetMethods[AssetDefault]
		}
		if ok && !slices.Contains(allowed, m) {
			asset := assetLabel(a)
			return &Refusal{Code: "method_not_permitted_for_asset",
				En: fmt.Sprintf("%s is not permitted for %s at this venue", label.En, asset.En),
				Zh: fmt.Sprintf("本交易场所的%s不得采用%s", asset.Zh, label.Zh)}
		}
	}
	if stateOwned && !slices.Contains(rs.StateOwned.Methods, m) {
		return &Refusal{Code: "state_owned_method",
			En: fmt.Sprintf("a state-owned achievement may not be priced by %s here (only agreement with public notice, listing or auction)", label.En),
			Zh: fmt.Sprintf("国有科技成果不得采用%s定价（仅限协议定价并公示、挂牌交易或拍卖）", label.Zh)}
	}
	return nil
}

func assetLabel(a string) domain.Label {
	switch a {
	case AssetNeed:
		return domain.Label{Zh: "技术需求", En: "a technology need"}
	case AssetNone:
		return domain.Label{Zh: "无知识产权的成果", En: "an achievement without IP items"}
	}
	l := domain.IPTypes.Label(a)
	return domain.Label{Zh: l.Zh, En: l.En}
}

// AgreementNotice says whether an agreed price must be publicly noticed and for
// how long.
func (rs RuleSet) AgreementNotice(stateOwned bool) (Period, bool) {
	if stateOwned {
		return rs.StateOwned.Notice, true
	}
	return rs.Agreement.Notice, rs.Agreement.NoticeRequired
}

// ListingNotice is the least period of a fixed-price listing.
func (rs RuleSet) ListingNotice(stateOwned bool) Period {
	if stateOwned && !rs.Listing.Notice.Covers(rs.StateOwned.Notice) {
		return rs.StateOwned.Notice
	}
	return rs.Listing.Notice
}

var venueCode = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)

// Validate names every field at fault, as JSON paths of the rule-set form.
func (rs RuleSet) Validate() error {
	var f apperr.FieldList
	if !venueCode.MatchString(rs.Venue) {
		f.Add("venue", "invalid", "venue code: 2–32 lower-case letters, digits or '-', starting with a letter", "交易场所代码须为2至32位小写字母、数字或“-”，以字母开头")
	}
	if len(rs.Methods) == 0 {
		f.Add("methods", "required", "offer at least one trading method", "至少提供一种交易方式")
	}
	seen := map[Method]bool{}
	for i, m := range rs.Methods {
		if !Methods.Has(string(m)) {
			f.Add(fmt.Sprintf("methods[%d]", i), "invalid", fmt.Sprintf("unknown trading method %q", m), "交易方式无效")
		}
		if seen[m] {
			f.Add(fmt.Sprintf("methods[%d]", i), "duplicate", "method listed twice", "交易方式重复")
		}
		seen[m] = true
	}
	for asset, ms := range rs.AssetMethods {
		p := "asset_methods." + asset
		if asset != AssetNeed && asset != AssetNone && asset != AssetDefault && !domain.IPTypes.Has(asset) {
			f.Add(p, "invalid", "asset type must be an IP type code, need, none or *", "资产类型须为知识产权类型代码、need、none 或 *")
		}
		for i, m := range ms {
			if !seen[m] {
				f.Add(fmt.Sprintf("%s[%d]", p, i), "not_offered", fmt.Sprintf("%q is not among the venue's methods", m), "该交易方式不在本场所提供的方式之中")
			}
		}
	}
	validPeriod(&f, "agreement.notice", rs.Agreement.Notice, rs.Agreement.NoticeRequired)
	if rs.Supports(Listing) {
		validPeriod(&f, "listing.notice", rs.Listing.Notice, true)
		switch rs.Listing.MultipleBuyers {
		case MultipleBuyersFirst:
		case MultipleBuyersAuction:
			if rs.Listing.AuctionMinutes < 5 || rs.Listing.AuctionMinutes > 7*24*60 {
				f.Add("listing.auction_minutes", "out_of_range", "the follow-on auction must run 5 minutes to 7 days", "后续竞价时长须为5分钟至7天")
			}
		default:
			f.Add("listing.multiple_buyers", "invalid", "must be auction_english or first_registered", "须为 auction_english 或 first_registered")
		}
	}
	if rs.Supports(English) || rs.Supports(Sealed) || rs.Listing.MultipleBuyers == MultipleBuyersAuction {
		rs.Auction.validate(&f)
	}
	validRate(&f, "deposit", rs.Deposit)
	validRate(&f, "fees.buyer", rs.Fees.Buyer)
	validRate(&f, "fees.seller", rs.Fees.Seller)
	for i, m := range rs.StateOwned.Methods {
		p := fmt.Sprintf("state_owned.methods[%d]", i)
		if !slices.Contains(stateOwnedLawful, m) {
			f.Add(p, "unlawful", "state-owned achievements may only be priced by agreement with notice, listing or auction (科技成果转化法 Art 18)",
				"国有科技成果只能通过协议定价并公示、挂牌交易或拍卖定价（《促进科技成果转化法》第十八条）")
		} else if !seen[m] {
			f.Add(p, "not_offered", fmt.Sprintf("%q is not among the venue's methods", m), "该交易方式不在本场所提供的方式之中")
		}
	}
	validPeriod(&f, "state_owned.notice", rs.StateOwned.Notice, true)
	if !rs.StateOwned.Notice.Covers(StateOwnedMinNotice) {
		f.Add("state_owned.notice", "below_legal_minimum", "the notice of a state-owned achievement's price must last at least 15 days",
			"国有科技成果定价公示期不得少于15日")
	}
	if rs.Offers.ValidityDays < 1 || rs.Offers.ValidityDays > 90 {
		f.Add("offers.validity_days", "out_of_range", "offer validity must be 1–90 days", "报价有效期须为1至90日")
	}
	if rs.UseFirstPayLater.MaxFreeMonths < 0 || rs.UseFirstPayLater.MaxFreeMonths > 36 {
		f.Add("use_first_pay_later.max_free_months", "out_of_range", "the free period must be 0–36 months", "免费使用期须为0至36个月")
	}
	if rs.Supports(Challenge) && (rs.Challenge.MinProposalDays < 1 || rs.Challenge.MinProposalDays > 365) {
		f.Add("challenge.min_proposal_days", "out_of_range", "a challenge must stay open 1–365 days", "揭榜期须为1至365日")
	}
	return f.Err("rules.Validate")
}

func (a AuctionRules) validate(f *apperr.FieldList) {
	if a.IncrementFen < 1 {
		f.Add("auction.increment_fen", "required", "a bid increment of at least 1 fen is required", "加价幅度至少为1分")
	}
	if a.IncrementBP < 0 || a.IncrementBP > 10000 {
		f.Add("auction.increment_bp", "out_of_range", "percentage increment must be 0–10000 basis points", "按比例加价幅度须为0至10000个基点")
	}
	if a.AntiSnipingMinutes < 0 || a.AntiSnipingMinutes > 24*60 {
		f.Add("auction.anti_sniping_minutes", "out_of_range", "anti-sniping window must be 0–1440 minutes", "延时竞价窗口须为0至1440分钟")
	}
	if a.AntiSnipingMinutes > 0 && (a.ExtensionMinutes < 1 || a.ExtensionMinutes > 24*60) {
		f.Add("auction.extension_minutes", "out_of_range", "an extension of 1–1440 minutes is required with an anti-sniping window", "设置延时竞价时，延时须为1至1440分钟")
	}
	if a.MaxExtensions < 0 {
		f.Add("auction.max_extensions", "out_of_range", "must not be negative", "不得为负数")
	}
	validPeriod(f, "auction.announce", a.Announce, false)
	if a.MinMinutes < 1 || a.DefaultMinutes < a.MinMinutes || a.DefaultMinutes > 90*24*60 {
		f.Add("auction.default_minutes", "out_of_range", "auction length: minimum at least 1 minute, default between the minimum and 90 days", "竞价时长：最短至少1分钟，默认值须介于最短时长与90天之间")
	}
}

func validPeriod(f *apperr.FieldList, field string, p Period, required bool) {
	if p.Unit != CalendarDays && p.Unit != WorkingDays {
		f.Add(field+".unit", "invalid", "unit must be calendar or working", "单位须为 calendar（日历日）或 working（工作日）")
	}
	if p.Days < 0 || p.Days > 365 || (required && p.Days < 1) {
		f.Add(field+".days", "out_of_range", "days must be 1–365", "天数须为1至365")
	}
}

func validRate(f *apperr.FieldList, field string, r Rate) {
	if r.RateBP < 0 || r.RateBP > 10000 {
		f.Add(field+".rate_bp", "out_of_range", "rate must be 0–10000 basis points", "费率须为0至10000个基点")
	}
	if r.MinFen < 0 {
		f.Add(field+".min_fen", "out_of_range", "minimum must not be negative", "最低金额不得为负数")
	}
	if r.CapFen < 0 || (r.CapFen > 0 && r.CapFen < r.MinFen) {
		f.Add(field+".cap_fen", "out_of_range", "cap must be 0 (none) or at least the minimum", "上限须为0（不设上限）或不低于最低金额")
	}
}

// Canonical is the rule set as compact JSON with a fixed field order; the
// stored text and its hash are computed from it.
func (rs RuleSet) Canonical() []byte {
	b, err := json.Marshal(rs)
	if err != nil {
		panic(fmt.Sprintf("rules: marshal rule set: %v", err)) // plain data always marshals
	}
	return b
}

// Hash is the SHA-256 of the canonical form, hex-encoded.
func (rs RuleSet) Hash() string {
	sum := sha256.Sum256(rs.Canonical())
	return hex.EncodeToString(sum[:])
}

// AssetTypes derives the asset types of a listing for Permits: "need" for a
// need, else the distinct IP types of its items, or "none" without items.
func AssetTypes(kind string, ipTypes []string) []string {
	if kind == "need" {
		return []string{AssetNeed}
	}
	var out []string
	for _, t := range ipTypes {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return []string{AssetNone}
	}
	return out
}
