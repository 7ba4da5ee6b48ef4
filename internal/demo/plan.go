package demo

import (
	"sort"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/listing"
)

// Where a demo listing ends up in its lifecycle.
const (
	outcomeDraft     = "draft"
	outcomeSubmitted = "submitted"
	outcomePublished = "published"
	outcomeRejected  = "rejected"
	outcomeExpiring  = "expiring" // published, expires within 30 days
	outcomeExpired   = "expired"  // published 12+ months ago; the expiry job expires it
	outcomeWithdrawn = "withdrawn"
)

// How many listings end in each state other than published. Enough that every
// screen has something to show: a review queue, drafts, renewal reminders.
var outcomeCounts = []struct {
	outcome string
	n       int
}{
	{outcomeDraft, 5}, {outcomeSubmitted, 14}, {outcomeRejected, 1},
	{outcomeExpiring, 6}, {outcomeExpired, 3}, {outcomeWithdrawn, 1},
}

// rejectReason is what the operator wrote on the rejected listing.
const rejectReason = "技术成熟度佐证不足：请补充第三方检测报告或中试记录后重新提交。" +
	"TRL evidence is insufficient: please attach a third-party test report or pilot records and resubmit."

// plannedListing is one listing to create, with its owner, final state and the
// (simulated) times it was created and published.
type plannedListing struct {
	owner       orgSpec
	in          listing.Input
	outcome     string
	createdAt   time.Time
	publishedAt time.Time // zero unless the listing gets reviewed
}

// needsPerTemplate is the most needs one template yields. Two uses, for two
// buyers, differ in their {v} target value and so in their titles: repeating
// a title word for word, as four uses did, made the demo look generated.
const needsPerTemplate = 2

// uses is how many needs the plan makes from t: needsPerTemplate when both
// titles carry {v} and there are enough values to tell the uses apart, else
// one, because a second use would repeat the title.
func (t needTemplate) uses() int {
	if strings.Contains(t.titleZh, "{v}") && strings.Contains(t.titleEn, "{v}") && len(t.vals) >= needsPerTemplate {
		return needsPerTemplate
	}
	return 1
}

// plannedNeeds is the number of needs planMarket makes. The templates are
// chosen so that it is half the number of achievements (320 corpus texts,
// 160 needs), the usual supply:demand ratio of technology markets.
func plannedNeeds() int {
	n := 0
	for _, t := range needTemplates {
		n += t.uses()
	}
	return n
}

// planMarket lays out the whole demo market: one achievement per corpus text,
// needs from the templates, languages, owners, outcomes and dates.
func planMarket(b *builder, texts []source) []plannedListing {
	var plans []plannedListing
	for _, src := range texts {
		lang := langZh
		if src.bilingual() {
			lang = weighted(b, []string{langBoth, langEn, langZh}, []int{7, 2, 1})
		}
		owner := b.sellerFor(src.class.Field)
		plans = append(plans, plannedListing{owner: owner, in: b.achievement(src, owner, lang)})
	}
	// Each template's values are drawn without replacement, so its second
	// need targets a different value and gets a different title.
	valOrder := make([][]int, len(needTemplates))
	for round := 0; round < needsPerTemplate; round++ {
		for i, t := range needTemplates {
			if round >= t.uses() {
				continue
			}
			if round == 0 {
				valOrder[i] = b.rng.Perm(len(t.vals))
			}
			lang := weighted(b, []string{langBoth, langZh, langEn}, []int{6, 3, 1})
			buyer := b.buyerFor(t.field)
			plans = append(plans, plannedListing{owner: buyer, in: b.needWith(t, t.vals[valOrder[i][round]], buyer, lang)})
		}
	}
	b.assignOutcomes(plans)
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].createdAt.Before(plans[j].createdAt) })
	return plans
}

func weighted(b *builder, options []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := b.rng.IntN(total)
	for i, w := range weights {
		if r < w {
			return options[i]
		}
		r -= w
	}
	return options[len(options)-1]
}

func publishes(o orgSpec, field string) bool {
	return strings.Contains(" "+o.fields+" ", " "+field+" ")
}

// sellerFor picks the owner of an achievement: a university, institute or
// company working in the field.
func (b *builder) sellerFor(field string) orgSpec {
	var cands []orgSpec
	for _, o := range demoOrgs {
		if (o.typ == "university" || o.typ == "research_institute" || o.typ == "enterprise") && publishes(o, field) {
			cands = append(cands, o)
		}
	}
	return cands[b.rng.IntN(len(cands))]
}

// buyerFor picks who posts a need: mostly companies in the field, sometimes an
// institute or the government office (public challenges).
func (b *builder) buyerFor(field string) orgSpec {
	var companies, others []orgSpec
	for _, o := range demoOrgs {
		switch {
		case o.typ == "enterprise" && publishes(o, field):
			companies = append(companies, o)
		case (o.typ == "research_institute" || o.typ == "government") && publishes(o, field):
			others = append(others, o)
		}
	}
	if len(others) > 0 && (len(companies) == 0 || b.chance(0.15)) {
		return others[b.rng.IntN(len(others))]
	}
	if len(companies) == 0 {
		for _, o := range demoOrgs {
			if o.typ == "enterprise" {
				companies = append(companies, o)
			}
		}
	}
	return companies[b.rng.IntN(len(companies))]
}

// assignOutcomes gives a few listings each non-published state, the rest are
// published at dates spread over the past ten months so "newest first" and
// expiry reminders look like a living market.
func (b *builder) assignOutcomes(plans []plannedListing) {
	day := 24 * time.Hour
	order := b.rng.Perm(len(plans))
	next := 0
	for _, oc := range outcomeCounts {
		for k := 0; k < oc.n && next < len(order); next++ {
			p := &plans[order[next]]
			if oc.outcome == outcomeRejected && p.in.Kind != listing.KindAchievement {
				continue // the rejection is about TRL evidence, so it must be an achievement
			}
			p.outcome = oc.outcome
			k++
		}
	}
	for i := range plans {
		p := &plans[i]
		if p.outcome == "" {
			p.outcome = outcomePublished
		}
		switch p.outcome {
		case outcomeDraft:
			p.createdAt = b.now.Add(-time.Duration(b.between(1, 20*24)) * time.Hour)
		case outcomeSubmitted:
			p.createdAt = b.now.Add(-time.Duration(b.between(1, 6*24)) * time.Hour)
		case outcomeRejected:
			p.createdAt = b.now.Add(-10 * day)
			p.publishedAt = b.now.Add(-8 * day) // the review date
		case outcomeExpiring:
			p.in.ValidityMonths = 12
			p.publishedAt = b.now.AddDate(-1, 0, b.between(3, 27))
		case outcomeExpired:
			p.in.ValidityMonths = 12
			p.publishedAt = b.now.AddDate(-1, 0, -b.between(5, 40))
		default: // published, withdrawn
			maxDays := min(p.in.ValidityMonths*30-35, 300)
			p.publishedAt = b.now.Add(-time.Duration(b.between(2, maxDays*24)) * time.Hour)
		}
		if p.createdAt.IsZero() {
			p.createdAt = p.publishedAt.Add(-time.Duration(b.between(4, 120)) * time.Hour)
		}
	}
}
