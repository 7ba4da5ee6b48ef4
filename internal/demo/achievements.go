package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/listing"
)

// Languages a listing is written in.
const (
	langZh   = "zh"
	langEn   = "en"
	langBoth = "both"
)

// builder turns corpus texts and templates into listing inputs. Everything it
// draws comes from one seeded generator, so a given seed always yields the same
// market (ids and timestamps aside).
type builder struct {
	rng    *rand.Rand
	now    time.Time
	orgIDs map[string]string // orgSpec.key → database id; empty when only building inputs
}

func newBuilder(seed uint64, now time.Time) *builder {
	return &builder{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), now: now.UTC(), orgIDs: map[string]string{}}
}

func (b *builder) pick(options ...string) string { return options[b.rng.IntN(len(options))] }

// between returns a uniform integer in [lo, hi].
func (b *builder) between(lo, hi int) int { return lo + b.rng.IntN(hi-lo+1) }

func (b *builder) chance(p float64) bool { return b.rng.Float64() < p }

// wanFen converts 万元 (10,000 yuan) to fen.
func wanFen(wan int) int64 { return int64(wan) * 1_000_000 }

// achievement builds a technology listing from a patent text owned by owner.
func (b *builder) achievement(src source, owner orgSpec, lang string) listing.Input {
	in := listing.Input{
		Kind:       listing.KindAchievement,
		Field:      src.class.Field,
		IPCCodes:   append([]string(nil), src.class.IPC...),
		RegionCode: owner.region,
		StateOwned: owner.stateOwned(),
	}
	if lang != langEn {
		in.TitleZh, in.SummaryZh = src.TitleZh, src.SummaryZh
	}
	if lang != langZh {
		in.TitleEn, in.SummaryEn = src.TitleEn, src.SummaryEn
	}
	in.TRL = b.trl(owner)
	if in.TRL >= 4 {
		in.TRLEvidence = b.trlEvidence(in.TRL, lang)
	}
	in.IPItems = b.ipItems(in, src)
	in.Owners = b.coOwners(owner, in.Field)
	in.TransferModes = b.transferModes(owner)
	in.PriceType, in.PriceFen = b.price(in.TRL, owner)
	in.ValidityMonths = []int{12, 12, 12, 12, 24, 24, 6}[b.rng.IntN(7)]
	if b.chance(0.45) {
		in.DetailZh, in.DetailEn = b.confidentialDetail(owner, in.TRL, lang)
	}
	return in
}

// trl draws a readiness level typical of the owner: universities publish early
// results, companies mostly mature products.
func (b *builder) trl(owner orgSpec) int {
	switch owner.typ {
	case "university":
		return []int{2, 3, 3, 4, 4, 4, 5, 5, 6, 7}[b.rng.IntN(10)]
	case "research_institute":
		return []int{3, 4, 4, 5, 5, 6, 6, 7, 8}[b.rng.IntN(9)]
	default:
		return []int{4, 5, 6, 6, 7, 7, 8, 8, 9, 9}[b.rng.IntN(10)]
	}
}

// trlEvidence states what backs a level of 4 or more (domain-rules §4.4).
func (b *builder) trlEvidence(trl int, lang string) string {
	year := b.now.Year() - b.between(0, 2)
	report := fmt.Sprintf("%s-%d-%04d", b.pick("CTI", "SGS", "CMA", "CNAS"), year, b.between(1, 9999))
	var zh, en string
	switch trl {
	case 4:
		zh = fmt.Sprintf("实验室样机已完成主要功能测试，第三方检测报告编号 %s。", report)
		en = fmt.Sprintf("Laboratory prototype passed its main functional tests; third-party test report %s.", report)
	case 5:
		h := b.between(2, 10) * 100
		zh = fmt.Sprintf("关键部件在模拟工况下完成 %d 小时验证试验，试验报告编号 %s。", h, report)
		en = fmt.Sprintf("Key components validated for %d hours under simulated operating conditions; test report %s.", h, report)
	case 6:
		h := b.between(5, 30) * 100
		zh = fmt.Sprintf("已完成中试，中试线连续稳定运行 %d 小时，形成中试总结报告。", h)
		en = fmt.Sprintf("Pilot completed: the pilot line ran stably for %d hours without interruption; pilot report available.", h)
	case 7:
		m := b.between(3, 12)
		zh = fmt.Sprintf("系统样机已在用户现场试运行 %d 个月，用户出具应用证明。", m)
		en = fmt.Sprintf("System prototype in trial operation at a customer site for %d months; customer's certificate of use.", m)
	case 8:
		zh = fmt.Sprintf("产品已通过型式试验并取得第三方鉴定报告（%s），具备定型条件。", report)
		en = fmt.Sprintf("Product passed type testing with a third-party appraisal (%s) and is ready for qualification.", report)
	default:
		units, wan := b.between(20, 800), b.between(3, 200)*100
		zh = fmt.Sprintf("已批量生产，累计销售 %d 台（套），近三年销售额约 %d 万元。", units, wan)
		en = fmt.Sprintf("In volume production: %d units sold, about RMB %d0,000 in sales over the last three years.", units, wan)
	}
	if lang == langEn {
		return en
	}
	return zh
}

// ipItems lists the rights behind the listing: usually a Chinese invention patent
// (granted or pending), sometimes a utility model, software copyright, IC layout,
// plant variety, technology secret or a PCT application.
func (b *builder) ipItems(in listing.Input, src source) []listing.IPItem {
	title := in.TitleZh
	if title == "" {
		title = in.TitleEn
	}
	var items []listing.IPItem
	if b.chance(0.72) {
		year := b.between(2014, 2023)
		items = append(items, listing.IPItem{Type: "invention_patent", Number: "ZL" + b.cnPatentNumber(year, 1),
			Title: title, Status: "granted", ExpiryDate: b.patentExpiry(year, 20)})
	} else {
		year := b.between(2022, 2025)
		items = append(items, listing.IPItem{Type: "patent_application", Number: b.cnPatentNumber(year, 1),
			Title: title, Status: "pending"})
	}
	if b.chance(0.3) {
		year := b.between(2016, 2024)
		items = append(items, listing.IPItem{Type: "utility_model", Number: "ZL" + b.cnPatentNumber(year, 2),
			Status: b.pick("granted", "granted", "granted", "lapsed"), ExpiryDate: b.patentExpiry(year, 10)})
	}
	switch {
	case in.Field == "EI" && b.chance(0.5):
		items = append(items, listing.IPItem{Type: "software_copyright",
			Number: fmt.Sprintf("%dSR%07d", b.between(2018, 2025), b.between(100000, 1999999)), Status: "granted"})
	case in.Field == "EI" && b.chance(0.3):
		items = append(items, listing.IPItem{Type: "ic_layout",
			Number: fmt.Sprintf("BS.%d5%07d", b.between(19, 24), b.between(0, 9999999)), Status: "granted"})
	case in.Field == "AGR" && b.chance(0.4):
		items = append(items, listing.IPItem{Type: "plant_variety",
			Number: fmt.Sprintf("CNA%d%05d.%d", b.between(2017, 2023), b.between(1, 99999), b.between(0, 9)), Status: "granted"})
	}
	if b.chance(0.25) {
		items = append(items, listing.IPItem{Type: "technology_secret", Title: "关键工艺参数与配方 / process parameters and formulation", Status: "granted", Territory: "CN"})
	}
	if src.bilingual() && b.chance(0.2) {
		items = append(items, listing.IPItem{Type: "patent_application",
			Number: fmt.Sprintf("PCT/CN%d/%06d", b.between(2021, 2024), b.between(1, 150000)), Status: "pending", Territory: "PCT"})
	}
	return items
}

// cnPatentNumber formats a CNIPA application number (2003 scheme): year, type
// (1 invention, 2 utility model, 3 design), a 7-digit serial, then a check
// character: the digits weighted 2,3,4,5,6,7,8,9,2,3,4,5, sum mod 11, 10 as X.
func (b *builder) cnPatentNumber(year, kind int) string {
	digits := fmt.Sprintf("%04d%d%07d", year, kind, b.between(0, 1_499_999))
	return digits + "." + cnCheckChar(digits)
}

func cnCheckChar(digits string) string {
	weights := []int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	sum := 0
	for i := 0; i < len(digits) && i < len(weights); i++ {
		sum += int(digits[i]-'0') * weights[i]
	}
	if c := sum % 11; c != 10 {
		return fmt.Sprint(c)
	}
	return "X"
}

// patentExpiry is the end of the term counted from a filing date in year.
func (b *builder) patentExpiry(year, termYears int) string {
	filed := time.Date(year, time.Month(b.between(1, 12)), b.between(1, 28), 0, 0, 0, 0, time.UTC)
	return filed.AddDate(termYears, 0, -1).Format("2006-01-02")
}

// coOwners records joint ownership for about a third of listings: a university
// and its inventor team under the ownership reform (赋权改革), or two institutions
// that developed the technology together. Shares always add up to 10000 bp.
func (b *builder) coOwners(owner orgSpec, field string) []listing.Owner {
	if !b.chance(0.33) {
		return nil
	}
	self := listing.Owner{Name: owner.nameZh, OrgID: b.orgIDs[owner.key]}
	if owner.stateOwned() && b.chance(0.5) {
		team := listing.Owner{Name: b.pick("张伟", "李静", "王磊", "刘芳", "陈勇", "杨敏", "赵鹏", "黄丽") + "教授团队（完成人）"}
		split := []int{3000, 3000, 2000, 4000}[b.rng.IntN(4)]
		self.ShareBP, team.ShareBP = split, 10000-split
		return []listing.Owner{self, team}
	}
	partner := b.partner(owner, field)
	other := listing.Owner{Name: partner.nameZh, OrgID: b.orgIDs[partner.key]}
	if b.chance(0.3) {
		third := listing.Owner{Name: b.pick("李建国", "周立新", "吴海燕", "孙志远") + "（发明人）", ShareBP: 2000}
		self.ShareBP, other.ShareBP = 5000, 3000
		return []listing.Owner{self, other, third}
	}
	self.ShareBP = []int{5000, 6000, 7000, 8000}[b.rng.IntN(4)]
	other.ShareBP = 10000 - self.ShareBP
	return []listing.Owner{self, other}
}

// partner picks another organisation active in the field, preferring one of a
// different type (university–enterprise cooperation is the common case).
func (b *builder) partner(owner orgSpec, field string) orgSpec {
	var cands []orgSpec
	for _, o := range demoOrgs {
		if o.key != owner.key && o.typ != owner.typ && strings.Contains(" "+o.fields+" ", " "+field+" ") {
			cands = append(cands, o)
		}
	}
	if len(cands) == 0 {
		for _, o := range demoOrgs {
			if o.key != owner.key && (o.typ == "enterprise" || o.typ == "university") {
				cands = append(cands, o)
			}
		}
	}
	return cands[b.rng.IntN(len(cands))]
}

func (b *builder) transferModes(owner orgSpec) []string {
	var pool []string
	if owner.stateOwned() {
		pool = []string{"transfer", "licence_exclusive", "licence_ordinary", "equity", "licence_sole", "joint_development"}
	} else {
		pool = []string{"licence_ordinary", "licence_sole", "joint_development", "service", "transfer", "equity"}
	}
	n := b.between(1, 3)
	modes := make([]string, 0, n)
	for _, i := range b.rng.Perm(len(pool))[:n] {
		modes = append(modes, pool[i])
	}
	return modes
}

// price quotes in whole 万元, scaled by maturity. State-owned results are
// usually listed with a floor price, since they may only be sold by
// agreement-with-notice, listing or auction (domain-rules §7).
func (b *builder) price(trl int, owner orgSpec) (string, *int64) {
	var lo, hi int
	switch {
	case trl <= 3:
		lo, hi = 10, 80
	case trl <= 6:
		lo, hi = 50, 500
	default:
		lo, hi = 200, 3000
	}
	wan := b.between(lo, hi)
	if wan > 100 {
		wan = wan / 5 * 5
	}
	kinds := []string{"negotiable", "negotiable", "indicative", "indicative", "floor", "firm"}
	if owner.stateOwned() {
		kinds = []string{"negotiable", "indicative", "floor", "floor", "floor", "firm"}
	}
	kind := kinds[b.rng.IntN(len(kinds))]
	if kind == "negotiable" {
		return kind, nil
	}
	fen := wanFen(wan)
	return kind, &fen
}

// confidentialDetail is the part shown only after an NDA: data, parameters and
// the team, which owners do not want on the open market.
func (b *builder) confidentialDetail(owner orgSpec, trl int, lang string) (zh, en string) {
	samples, yield := b.between(3, 40), b.between(82, 99)
	members := b.between(4, 15)
	zh = fmt.Sprintf("【签署保密协议后可见】\n1. 关键工艺参数与配方（共 %d 项）及其允许波动范围；\n2. 第 %d 批次试验原始数据，样品合格率 %d%%；\n3. 设计图纸、工艺文件与质量控制规程；\n4. 技术团队：负责人%s，核心成员 %d 人，可提供 %d 个月技术指导。",
		b.between(6, 30), samples, yield, owner.contactZh, members, b.between(3, 12))
	en = fmt.Sprintf("[Visible after signing an NDA]\n1. Key process parameters and formulation (%d items) with tolerances;\n2. Raw test data of batch %d, sample pass rate %d%%;\n3. Drawings, process documents and quality-control procedures;\n4. Team: led by %s, %d core members; %d months of technical support available.",
		b.between(6, 30), samples, yield, owner.contactEn, members, b.between(3, 12))
	if trl >= 8 {
		zh += "\n5. 现有客户名单与供货合同摘要。"
		en += "\n5. Current customers and a summary of supply contracts."
	}
	switch lang {
	case langZh:
		return zh, ""
	case langEn:
		return "", en
	}
	return zh, en
}
