package ledger

import (
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

// Limits on agreements, to keep batches and invoices bounded.
const (
	maxMilestones   = 100
	maxBrokers      = 2
	maxRoyaltyTiers = 10
)

// normalizeAgreement validates in, naming every field at fault, and returns the
// terms with defaults applied (what is stored and fingerprinted).
func normalizeAgreement(op string, in AgreementInput) (*Terms, error) {
	var l apperr.FieldList
	if !validID(in.ContractID) {
		l.Add("contract_id", "invalid", "contract id: 1–64 letters, digits, '.', '_' or '-'", "合同编号须为 1–64 个字母、数字、'.'、'_' 或 '-'")
	}
	if !validID(in.BuyerOrg) {
		l.Add("buyer_org", "invalid", "unknown buyer organisation id", "买方机构编号无效")
	}
	if !validID(in.SellerOrg) {
		l.Add("seller_org", "invalid", "unknown seller organisation id", "卖方机构编号无效")
	}
	if in.BuyerOrg != "" && in.BuyerOrg == in.SellerOrg {
		l.Add("seller_org", "same_party", "buyer and seller must differ", "买卖双方不能相同")
	}
	if len(in.Milestones) == 0 && in.Royalty == nil {
		l.Add("milestones", "required", "at least one milestone (or royalty terms) is required", "至少需要一个付款节点或提成条款")
	}
	if len(in.Milestones) > maxMilestones {
		l.Add("milestones", "too_many", fmt.Sprintf("at most %d milestones", maxMilestones), fmt.Sprintf("付款节点不超过 %d 个", maxMilestones))
	}
	var price int64
	for i, m := range in.Milestones {
		f := fmt.Sprintf("milestones[%d]", i)
		checkAmount(&l, f+".amount_fen", m.Amount)
		if len(m.Title) > 200 {
			l.Add(f+".title", "too_long", "at most 200 bytes", "不超过 200 字节")
		}
		price += int64(m.Amount)
	}
	if price > int64(MaxAmount) {
		l.Add("milestones", "out_of_range", "the contract price exceeds 10 trillion yuan", "合同总价超过十万亿元")
	}
	if in.PlatformFeeBps < 0 || in.PlatformFeeBps > BpsWhole {
		l.Add("platform_fee_bps", "out_of_range", "between 0 and 10000 basis points", "须在 0 到 10000 个基点之间")
	}
	total := in.PlatformFeeBps
	if len(in.Brokers) > maxBrokers {
		l.Add("brokers", "too_many", "at most two brokers (one per side)", "经纪人最多两名（每方一名）")
	}
	seen := map[string]bool{}
	for i, b := range in.Brokers {
		f := fmt.Sprintf("brokers[%d]", i)
		if !validID(b.OrgID) || b.OrgID == in.BuyerOrg || b.OrgID == in.SellerOrg || seen[b.OrgID] {
			l.Add(f+".org_id", "invalid", "a broker must be a distinct organisation other than the parties", "经纪机构须与买卖双方不同且不重复")
		}
		seen[b.OrgID] = true
		if b.CommissionBps < 0 || b.CommissionBps > BpsWhole {
			l.Add(f+".commission_bps", "out_of_range", "between 0 and 10000 basis points", "须在 0 到 10000 个基点之间")
		}
		total += b.CommissionBps
	}
	if total > BpsWhole {
		l.Add("platform_fee_bps", "over_100_percent", "fee and commissions together exceed 100%", "服务费与佣金合计超过 100%")
	}
	inv := DefaultInventorShareBps
	if in.InventorShareBps != nil {
		inv = *in.InventorShareBps
	}
	switch {
	case inv < 0 || inv > BpsWhole:
		l.Add("inventor_share_bps", "out_of_range", "between 0 and 10000 basis points", "须在 0 到 10000 个基点之间")
	case in.StateFunded && inv < DefaultInventorShareBps:
		l.Add("inventor_share_bps", "below_statutory_floor",
			"a state-funded seller must give its inventors at least 50% of net income (科技成果转化法 Art 45)",
			"国家设立的研究开发机构、高等院校奖励发明人不得低于净收入的 50%（《促进科技成果转化法》第四十五条）")
	}
	days := in.DeemedAcceptanceDays
	if days == 0 {
		days = DefaultDeemedAcceptanceDays
	}
	if days < 1 || days > 365 {
		l.Add("deemed_acceptance_days", "out_of_range", "between 1 and 365 days", "须在 1 到 365 天之间")
	}
	var royalty *RoyaltyTerms
	if in.Royalty != nil {
		r := *in.Royalty
		r.Tiers = append([]RoyaltyTier(nil), in.Royalty.Tiers...)
		validateRoyalty(&l, &r)
		royalty = &r
	}
	if err := l.Err(op); err != nil {
		return nil, err
	}
	t := in
	t.Milestones = append([]MilestoneInput(nil), in.Milestones...)
	t.Brokers = append([]BrokerShare(nil), in.Brokers...)
	t.InventorShareBps = &inv
	t.DeemedAcceptanceDays = days
	t.Royalty = royalty
	return &t, nil
}

func validateRoyalty(l *apperr.FieldList, r *RoyaltyTerms) {
	if _, err := parseDate(r.StartDate); err != nil {
		l.Add("royalty.start_date", "invalid", "a date YYYY-MM-DD is required", "须为 YYYY-MM-DD 格式的日期")
	}
	if r.EntryFee < 0 || r.EntryFee > MaxAmount {
		l.Add("royalty.entry_fee_fen", "out_of_range", "between 0 and 10 trillion yuan", "须在 0 到十万亿元之间")
	}
	if r.MinimumAnnual < 0 || r.MinimumAnnual > MaxAmount {
		l.Add("royalty.minimum_annual_fen", "out_of_range", "between 0 and 10 trillion yuan", "须在 0 到十万亿元之间")
	}
	if len(r.Tiers) == 0 || len(r.Tiers) > maxRoyaltyTiers {
		l.Add("royalty.tiers", "invalid", fmt.Sprintf("1 to %d rate tiers are required", maxRoyaltyTiers), fmt.Sprintf("须有 1 到 %d 档提成率", maxRoyaltyTiers))
	}
	var prev int64
	for i, t := range r.Tiers {
		f := fmt.Sprintf("royalty.tiers[%d]", i)
		if t.RateBps < 0 || t.RateBps > BpsWhole {
			l.Add(f+".rate_bps", "out_of_range", "between 0 and 10000 basis points", "须在 0 到 10000 个基点之间")
		}
		last := i == len(r.Tiers)-1
		switch {
		case t.UpTo == 0 && !last:
			l.Add(f+".up_to_fen", "required", "only the last tier may be unbounded", "只有最后一档可以不设上限")
		case t.UpTo != 0 && (int64(t.UpTo) <= prev || t.UpTo > MaxAmount):
			l.Add(f+".up_to_fen", "not_increasing", "tier bounds must increase", "各档上限须递增")
		}
		prev = int64(t.UpTo)
	}
	if r.FreeMonths < 0 || r.FreeMonths > 120 {
		l.Add("royalty.free_months", "out_of_range", "between 0 and 120 months", "须在 0 到 120 个月之间")
	}
	if r.PaymentDays == 0 {
		r.PaymentDays = 30
	}
	if r.PaymentDays < 1 || r.PaymentDays > 365 {
		l.Add("royalty.payment_days", "out_of_range", "between 1 and 365 days", "须在 1 到 365 天之间")
	}
}

const dateLayout = "2006-01-02"

func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Format(dateLayout) != s {
		return time.Time{}, fmt.Errorf("not a date YYYY-MM-DD: %q", s)
	}
	return t, nil
}
