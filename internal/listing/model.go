// Package listing manages technology achievements (supply) and technology needs
// (demand): their schema, validation, review lifecycle, expiry and renewal,
// confidentiality and search.
package listing

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Lifecycle states.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusPublished = "published"
	StatusRejected  = "rejected"
	StatusExpired   = "expired"
	StatusWithdrawn = "withdrawn"

	KindAchievement = "achievement"
	KindNeed        = "need"
)

// IPItem is one piece of intellectual property behind a listing.
type IPItem struct {
	Type       string `json:"type"`
	Number     string `json:"number,omitempty"`
	Title      string `json:"title,omitempty"`
	Status     string `json:"status"`
	Territory  string `json:"territory,omitempty"`
	ExpiryDate string `json:"expiry_date,omitempty"` // YYYY-MM-DD
}

// Owner is a co-owner with a share in basis points (10000 = 100%).
type Owner struct {
	Name    string `json:"name"`
	OrgID   string `json:"org_id,omitempty"`
	ShareBP int    `json:"share_bp"`
}

// Input is the API and form shape for creating or editing a listing.
type Input struct {
	Kind           string   `json:"kind"`
	TitleZh        string   `json:"title_zh"`
	TitleEn        string   `json:"title_en"`
	SummaryZh      string   `json:"summary_zh"`
	SummaryEn      string   `json:"summary_en"`
	DetailZh       string   `json:"detail_zh"`
	DetailEn       string   `json:"detail_en"`
	Field          string   `json:"field"`
	IPCCodes       []string `json:"ipc_codes"`
	TRL            int      `json:"trl"`
	TRLEvidence    string   `json:"trl_evidence"`
	IPItems        []IPItem `json:"ip_items"`
	Owners         []Owner  `json:"owners"`
	TransferModes  []string `json:"transfer_modes"`
	PriceType      string   `json:"price_type"`
	PriceFen       *int64   `json:"price_fen"`
	RegionCode     string   `json:"region_code"`
	StateOwned     bool     `json:"state_owned"`
	BudgetMinFen   *int64   `json:"budget_min_fen"`
	BudgetMaxFen   *int64   `json:"budget_max_fen"`
	RequiredTRL    *int     `json:"required_trl"`
	Deadline       string   `json:"deadline"` // YYYY-MM-DD, needs only
	ValidityMonths int      `json:"validity_months"`
}

// Listing is a stored listing. Detail fields are empty in views for actors who
// may not see the confidential part; Confidential says whether it was withheld.
type Listing struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	OwnerOrgID  string `json:"owner_org_id"`
	OwnerName   string `json:"owner_name"`
	OwnerNameEn string `json:"owner_name_en,omitempty"`
	CreatedBy   string `json:"created_by"`
	Input
	DetailWithheld bool       `json:"detail_withheld"`
	RejectReason   string     `json:"reject_reason,omitempty"`
	SubmittedAt    *time.Time `json:"submitted_at,omitempty"`
	PublishedAt    *time.Time `json:"published_at,omitempty"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
	Version        int        `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Owner returns the owning organisation's name in a language.
func (l Listing) Owner(lang string) string { return pick(lang, l.OwnerName, l.OwnerNameEn) }

// Title returns the title in a language, falling back to the other one.
func (l Listing) Title(lang string) string { return pick(lang, l.TitleZh, l.TitleEn) }

// Summary returns the public summary in a language, falling back to the other one.
func (l Listing) Summary(lang string) string { return pick(lang, l.SummaryZh, l.SummaryEn) }

// Detail returns the confidential detail in a language, falling back.
func (l Listing) Detail(lang string) string { return pick(lang, l.DetailZh, l.DetailEn) }

func pick(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	if zh == "" {
		return en
	}
	return zh
}

var (
	ipcPattern  = regexp.MustCompile(`^[A-H](\d{2}([A-Z](\s?\d{1,4}/\d{2,6})?)?)?$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Limits on free text, in characters.
const (
	maxTitle   = 200
	maxSummary = 2000
	maxDetail  = 20000
	maxMoney   = int64(1e15) // 10 trillion yuan in fen: far above any real contract
)

// normalize trims text and upper-cases codes before validation and storage.
func (in *Input) normalize() {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&in.TitleZh, &in.TitleEn, &in.SummaryZh, &in.SummaryEn, &in.DetailZh, &in.DetailEn,
		&in.TRLEvidence, &in.RegionCode, &in.Deadline, &in.Kind, &in.Field, &in.PriceType} {
		trim(s)
	}
	codes := in.IPCCodes[:0:0]
	for _, c := range in.IPCCodes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "" {
			codes = append(codes, c)
		}
	}
	in.IPCCodes = codes
	if in.PriceType == "" {
		in.PriceType = "negotiable"
	}
	if in.ValidityMonths == 0 {
		in.ValidityMonths = 12
	}
	for i := range in.IPItems {
		in.IPItems[i].Number = strings.TrimSpace(in.IPItems[i].Number)
		if in.IPItems[i].Territory == "" {
			in.IPItems[i].Territory = "CN"
		}
	}
}

// Validate names every field at fault; nothing is saved when it fails.
func (in Input) Validate() error {
	var f apperr.FieldList
	if !domain.ListingKinds.Has(in.Kind) {
		f.Add("kind", "invalid", "kind must be achievement or need", "类型必须为科技成果或技术需求")
	}
	if in.TitleZh == "" && in.TitleEn == "" {
		f.Add("title_zh", "required", "a title in Chinese or English is required", "必须填写中文或英文标题")
	}
	textLimit(&f, "title_zh", in.TitleZh, maxTitle)
	textLimit(&f, "title_en", in.TitleEn, maxTitle)
	if in.SummaryZh == "" && in.SummaryEn == "" {
		f.Add("summary_zh", "required", "a public summary in Chinese or English is required", "必须填写公开摘要")
	}
	textLimit(&f, "summary_zh", in.SummaryZh, maxSummary)
	textLimit(&f, "summary_en", in.SummaryEn, maxSummary)
	textLimit(&f, "detail_zh", in.DetailZh, maxDetail)
	textLimit(&f, "detail_en", in.DetailEn, maxDetail)
	if !domain.TechFields.Has(in.Field) {
		f.Add("field", "invalid", "technology field must be one of "+strings.Join(domain.TechFields.Codes(), ", "), "技术领域无效")
	}
	for i, c := range in.IPCCodes {
		if !ipcPattern.MatchString(c) {
			f.Add(fmt.Sprintf("ipc_codes[%d]", i), "invalid", fmt.Sprintf("%q is not an IPC code such as G06F or G06F 16/35", c), fmt.Sprintf("%q 不是有效的IPC分类号（如 G06F 或 G06F 16/35）", c))
		}
	}
	if err := domain.ValidateRegion(in.RegionCode); err != nil {
		f.Add("region_code", "invalid", "region code (GB/T 2260): "+err.Error(), "行政区划代码无效（须为6位GB/T 2260代码）")
	}
	if in.ValidityMonths < 1 || in.ValidityMonths > 36 {
		f.Add("validity_months", "out_of_range", "validity must be 1–36 months", "有效期须为1至36个月")
	}
	if in.Kind == KindNeed {
		in.validateNeed(&f)
	} else {
		in.validateAchievement(&f)
	}
	return f.Err("listing.Input")
}

func (in Input) validateAchievement(f *apperr.FieldList) {
	if in.TRL < 1 || in.TRL > 9 {
		f.Add("trl", "out_of_range", "TRL must be 1–9", "技术成熟度须为1至9级")
	} else if in.TRL >= 4 && in.TRLEvidence == "" {
		f.Add("trl_evidence", "required", "TRL 4 and above needs evidence (test report, pilot, sales…)", "技术成熟度4级及以上须提供佐证（检测报告、中试、销售等）")
	}
	if len(in.TransferModes) == 0 {
		f.Add("transfer_modes", "required", "choose at least one transfer mode", "至少选择一种转化方式")
	}
	for i, m := range in.TransferModes {
		if !domain.TransferModes.Has(m) {
			f.Add(fmt.Sprintf("transfer_modes[%d]", i), "invalid", fmt.Sprintf("unknown transfer mode %q", m), "转化方式无效")
		}
	}
	if !domain.PriceTypes.Has(in.PriceType) {
		f.Add("price_type", "invalid", "price type must be one of "+strings.Join(domain.PriceTypes.Codes(), ", "), "价格类型无效")
	} else if in.PriceType != "negotiable" && (in.PriceFen == nil || *in.PriceFen <= 0) {
		f.Add("price_fen", "required", "a positive price is required unless the price is negotiable", "非面议时须填写大于零的价格")
	}
	if in.PriceFen != nil && (*in.PriceFen < 0 || *in.PriceFen > maxMoney) {
		f.Add("price_fen", "out_of_range", "price out of range", "价格超出范围")
	}
	for i, it := range in.IPItems {
		p := fmt.Sprintf("ip_items[%d]", i)
		if !domain.IPTypes.Has(it.Type) {
			f.Add(p+".type", "invalid", "unknown IP type", "知识产权类型无效")
		}
		if !domain.IPStatuses.Has(it.Status) {
			f.Add(p+".status", "invalid", "unknown IP status", "知识产权状态无效")
		}
		if it.Type != "technology_secret" && it.Number == "" {
			f.Add(p+".number", "required", "the registration or application number is required", "须填写专利号或登记号")
		}
		if it.ExpiryDate != "" && !validDate(it.ExpiryDate) {
			f.Add(p+".expiry_date", "invalid", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")
		}
	}
	if len(in.Owners) > 0 {
		sum := 0
		for i, o := range in.Owners {
			p := fmt.Sprintf("owners[%d]", i)
			if strings.TrimSpace(o.Name) == "" {
				f.Add(p+".name", "required", "co-owner name is required", "须填写共有人名称")
			}
			if o.ShareBP <= 0 || o.ShareBP > 10000 {
				f.Add(p+".share_bp", "out_of_range", "share must be between 0.01% and 100%", "份额须在0.01%至100%之间")
			}
			sum += o.ShareBP
		}
		if sum != 10000 {
			f.Add("owners", "shares_not_100", fmt.Sprintf("co-owner shares add up to %d.%02d%%, not 100%%", sum/100, sum%100),
				fmt.Sprintf("共有人份额合计为 %d.%02d%%，须等于100%%", sum/100, sum%100))
		}
	}
}

func (in Input) validateNeed(f *apperr.FieldList) {
	if in.RequiredTRL != nil && (*in.RequiredTRL < 1 || *in.RequiredTRL > 9) {
		f.Add("required_trl", "out_of_range", "required TRL must be 1–9", "所需技术成熟度须为1至9级")
	}
	min, max := in.BudgetMinFen, in.BudgetMaxFen
	if min != nil && (*min < 0 || *min > maxMoney) {
		f.Add("budget_min_fen", "out_of_range", "budget out of range", "预算超出范围")
	}
	if max != nil && (*max < 0 || *max > maxMoney) {
		f.Add("budget_max_fen", "out_of_range", "budget out of range", "预算超出范围")
	}
	if min != nil && max != nil && *min > *max {
		f.Add("budget_max_fen", "less_than_min", "maximum budget is below the minimum", "预算上限低于下限")
	}
	if in.Deadline != "" && !validDate(in.Deadline) {
		f.Add("deadline", "invalid", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")
	}
	for i, m := range in.TransferModes {
		if !domain.TransferModes.Has(m) {
			f.Add(fmt.Sprintf("transfer_modes[%d]", i), "invalid", fmt.Sprintf("unknown transfer mode %q", m), "转化方式无效")
		}
	}
}

func textLimit(f *apperr.FieldList, field, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		f.Add(field, "too_long", fmt.Sprintf("at most %d characters (has %d)", max, n), fmt.Sprintf("最多%d个字符（当前%d）", max, n))
	}
}

func validDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}
