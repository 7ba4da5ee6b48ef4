package valuation

import (
	"fmt"
	"math"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// Facts are what the indicator score can know about a listing, whatever their
// source (a listing, a valuation input, a patent data set). Pointers and zero
// values mean unknown; unknown indicators score a neutral 50.
type Facts struct {
	TRL     int // 0 when unknown
	IPItems []IPItem
	// Life is the remaining legal life; nil when dates are unknown.
	Life *LegalLife
	// ClassificationCount is the number of classification codes of the listing.
	ClassificationCount *int
	OwnerCount          *int
	Implementation      string
	DemandSignals       *int
	// AnnualRevenueFen and RevenueGrowth are the base income assumptions.
	AnnualRevenueFen *domain.Fen
	RevenueGrowth    *float64
	// Expert scores (0–100) by third-level indicator id override the facts.
	Expert map[string]float64
}

// Saturation points of the count indicators: the count that earns full marks
// on a logarithmic scale, score = 100·ln(1+x)/ln(1+ref). They are reasoned
// upper ranges of each count (a patent with 50 claims or 30 forward citations
// is exceptional), fixed before any back-test and never fitted to a target.
const (
	refClaims             = 50
	refFamilySize         = 20
	refJurisdictions      = 10
	refForwardCitations   = 30
	refBackwardCitations  = 50
	refNonPatentCitations = 50
	refInventors          = 10
	refSimilarPriorDocs   = 30
	refClassifications    = 30
	refDemandSignals      = 20
)

// logScale maps a count onto 0–100, saturating at ref.
func logScale(x, ref float64) float64 {
	if x <= 0 {
		return 0
	}
	return 100 * math.Min(1, math.Log1p(x)/math.Log1p(ref))
}

// FactsFromInput collects the facts a valuation input carries.
func FactsFromInput(in Input, life LegalLife) Facts {
	f := Facts{TRL: in.TRL, IPItems: in.IPItems, Life: &life, OwnerCount: in.OwnerCount,
		Implementation: in.Implementation, DemandSignals: in.DemandSignals, Expert: in.IndicatorScores}
	if n := len(in.IPCCodes); n > 0 {
		f.ClassificationCount = &n
	}
	if in.Income != nil {
		rev := in.Income.AnnualRevenue.Base
		g := in.Income.RevenueGrowth.normalized().Base
		f.AnnualRevenueFen, f.RevenueGrowth = &rev, &g
	}
	return f
}

// IndicatorValues maps facts onto third-level indicator scores. Each mapping is
// fixed and documented in docs/valuation.md; expert scores win over facts.
func IndicatorValues(f Facts) map[string]IndicatorValue {
	v := make(map[string]IndicatorValue)
	set := func(id string, score float64, zh, en string) {
		v[id] = IndicatorValue{Score: math.Round(clamp(score, 0, 100)*10) / 10, Source: ScoreFromFact,
			Explanation: domain.Label{Zh: zh, En: en}}
	}
	items := relevantItems(f.IPItems)

	if len(items) > 0 {
		status, zh, en := legalStatusScore(items)
		set("L11", status, zh, en)
		exam, zh, en := examinationScore(items)
		set("L12", exam, zh, en)
	}
	count := func(id string, get func(IPItem) *int, ref float64, zh, en string) {
		if n, ok := maxCount(items, get); ok {
			set(id, logScale(float64(n), ref), fmt.Sprintf(zh, n), fmt.Sprintf(en, n))
		}
	}
	count("L21", func(it IPItem) *int { return it.Claims }, refClaims, "%d 项权利要求", "%d claims")
	count("L41", func(it IPItem) *int { return it.FamilySize }, refFamilySize, "同族 %d 件", "family of %d")
	count("T12", func(it IPItem) *int { return it.BackwardCitations }, refBackwardCitations, "引用专利 %d 篇", "%d patent references")
	count("T31", func(it IPItem) *int { return it.ForwardCitations }, refForwardCitations, "被引 %d 次", "cited %d times")
	count("T32", func(it IPItem) *int { return it.NonPatentCitations }, refNonPatentCitations, "引用非专利文献 %d 篇", "%d non-patent references")
	count("T51", func(it IPItem) *int { return it.Inventors }, refInventors, "发明人 %d 名", "%d inventors")

	if n, ok := jurisdictions(items); ok {
		set("L42", logScale(float64(n), refJurisdictions), fmt.Sprintf("%d 个国家/地区", n), fmt.Sprintf("%d jurisdictions", n))
	}
	if f.Life != nil && !f.Life.Unlimited && f.Life.FullTermYears > 0 {
		set("L31", 100*f.Life.RemainingYears/f.Life.FullTermYears,
			fmt.Sprintf("剩余 %.1f / %.0f 年", f.Life.RemainingYears, f.Life.FullTermYears),
			fmt.Sprintf("%.1f of %.0f years left", f.Life.RemainingYears, f.Life.FullTermYears))
	}
	if score, zh, en, ok := titleScore(f.OwnerCount, items); ok {
		set("L52", score, zh, en)
	}
	if n, ok := maxCount(items, func(it IPItem) *int { return it.SimilarPriorDocs }); ok {
		set("T11", 100-logScale(float64(n), refSimilarPriorDocs),
			fmt.Sprintf("申请前相似文献 %d 篇", n), fmt.Sprintf("%d similar documents before filing", n))
	}
	if f.TRL >= 1 && f.TRL <= 9 {
		set("T21", float64(f.TRL-1)/8*100, fmt.Sprintf("TRL %d", f.TRL), fmt.Sprintf("TRL %d", f.TRL))
	}
	if score, ok := implementationScores[f.Implementation]; ok {
		l := Implementations.Label(f.Implementation)
		set("E11", score, l.Zh, l.En)
	}
	classes, ok := maxCount(items, func(it IPItem) *int { return it.ClassificationCount })
	if f.ClassificationCount != nil && (!ok || *f.ClassificationCount > classes) {
		classes, ok = *f.ClassificationCount, true
	}
	if ok {
		set("E12", logScale(float64(classes), refClassifications), fmt.Sprintf("%d 个分类号", classes), fmt.Sprintf("%d classification codes", classes))
	}
	if f.AnnualRevenueFen != nil && *f.AnnualRevenueFen > 0 {
		yuan := float64(*f.AnnualRevenueFen) / 100
		// 100 thousand yuan a year scores 0, one billion scores 100, log-linear.
		set("E21", (math.Log10(yuan)-5)/4*100, fmt.Sprintf("年收入 %s 万元", f.AnnualRevenueFen.Wan()),
			fmt.Sprintf("revenue %s ten-thousand yuan a year", f.AnnualRevenueFen.Wan()))
	}
	if f.RevenueGrowth != nil {
		// −10% a year scores 0, +30% scores 100.
		set("E22", (*f.RevenueGrowth+0.10)/0.40*100, fmt.Sprintf("年增长 %s", pct(*f.RevenueGrowth)),
			fmt.Sprintf("growth %s a year", pct(*f.RevenueGrowth)))
	}
	if f.DemandSignals != nil {
		n := *f.DemandSignals
		set("E23", logScale(float64(n), refDemandSignals), fmt.Sprintf("平台需求/意向 %d 条", n), fmt.Sprintf("%d platform demand signals", n))
	}
	for id, s := range f.Expert {
		v[id] = IndicatorValue{Score: clamp(s, 0, 100), Source: ScoreFromExpert,
			Explanation: domain.Label{Zh: "专家评分", En: "expert score"}}
	}
	return v
}

var implementationScores = map[string]float64{"none": 20, "pilot": 50, "production": 80, "licensed": 100}

// relevantItems are the in-force items, or all items when none is in force (so
// that a lapsed portfolio still reports its claims and citations).
func relevantItems(items []IPItem) []IPItem {
	var live []IPItem
	for _, it := range items {
		if inForceStatus(it.Status) {
			live = append(live, it)
		}
	}
	if len(live) == 0 {
		return items
	}
	return live
}

// maxCount is the largest known count among the items: a listing is as strong
// as its strongest right.
func maxCount(items []IPItem, get func(IPItem) *int) (int, bool) {
	best, ok := 0, false
	for _, it := range items {
		if p := get(it); p != nil && (!ok || *p > best) {
			best, ok = *p, true
		}
	}
	return best, ok
}

func jurisdictions(items []IPItem) (int, bool) {
	if n, ok := maxCount(items, func(it IPItem) *int { return it.Jurisdictions }); ok {
		return n, true
	}
	seen := map[string]bool{}
	for _, it := range items {
		if it.Territory != "" {
			seen[it.Territory] = true
		}
	}
	return len(seen), len(seen) > 0
}

func legalStatusScore(items []IPItem) (float64, string, string) {
	best, zh, en := -1.0, "", ""
	for _, it := range items {
		s := 0.0
		switch {
		case !inForceStatus(it.Status):
			s = 0
		case it.Type == "technology_secret":
			s = 60 // protected only while it stays secret
		case it.Status == "granted":
			s = 100
		default:
			s = 50
		}
		if s > best {
			st := domain.IPStatuses.Label(it.Status)
			ty := domain.IPTypes.Label(it.Type)
			best, zh, en = s, ty.Zh+"："+st.Zh, ty.En+": "+st.En
		}
	}
	return best, zh, en
}

func examinationScore(items []IPItem) (float64, string, string) {
	best, zh, en := -1.0, "", ""
	for _, it := range items {
		var s float64
		var z, e string
		switch {
		case !inForceStatus(it.Status):
			s, z, e = 0, "已失效", "no longer in force"
		case it.Status == "pending":
			s, z, e = 30, "审查中", "under examination"
		case it.Type == "invention_patent":
			s, z, e = 80, "经实质审查", "substantively examined"
		case it.Type == "utility_model" || it.Type == "design_patent":
			s, z, e = 45, "仅初步审查", "preliminary examination only"
		default:
			s, z, e = 35, "未经专利审查", "not examined as a patent"
		}
		if it.InvalidationSurvived && inForceStatus(it.Status) {
			s, z, e = s+20, z+"，经受无效宣告", e+", survived invalidation"
		}
		if s > best {
			best, zh, en = s, z, e
		}
	}
	return best, zh, en
}

// titleScore starts from a clean title (100) and deducts for co-owners (each
// needs to agree to an exclusive deal), an exclusive licence already granted
// and a pledge.
func titleScore(owners *int, items []IPItem) (float64, string, string, bool) {
	known := owners != nil
	score := 100.0
	var zh, en string
	if owners != nil && *owners > 1 {
		score -= 15 * float64(*owners-1)
		zh += fmt.Sprintf("%d 个共有人；", *owners)
		en += fmt.Sprintf("%d co-owners; ", *owners)
	}
	for _, it := range items {
		if it.ExclusiveLicensed {
			known = true
			score -= 30
			zh += "已独占许可；"
			en += "exclusively licensed; "
		}
		if it.Pledged {
			known = true
			score -= 20
			zh += "已质押；"
			en += "pledged; "
		}
	}
	if zh == "" {
		zh, en = "权属清晰", "clean title"
	}
	zh, en = strings.TrimSuffix(zh, "；"), strings.TrimSuffix(en, "; ")
	return math.Max(0, score), zh, en, known
}
