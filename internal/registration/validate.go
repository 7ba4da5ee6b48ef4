package registration

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Size limits keep one check cheap and bound the work a request can cause.
const (
	maxNameRunes    = 300
	maxTextRunes    = 20000
	maxParties      = 20
	maxLineItems    = 500
	maxIPItems      = 200
	maxClauses      = 500
	maxAttachments  = 200
	maxDeliverables = 20
)

var (
	countryCodeRe  = regexp.MustCompile(`^([0-9]{3}|[A-Za-z]{3})$`)
	industryCodeRe = regexp.MustCompile(`^[A-T]([0-9]{2,4})?$`)
	languageRe     = regexp.MustCompile(`^[a-z]{2,3}$`)
	sha256Re       = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
)

// Validate checks that the contract is well-formed: known codes, parseable
// dates, valid USCCs and region codes, non-negative amounts. It does not judge
// registrability (that is Check, whose findings report missing content); only
// the name and the declared type are required here, because nothing else can
// be checked without them. The error is an apperr Invalid error naming every
// field at fault.
func (c *Contract) Validate() error {
	var fl apperr.FieldList
	c.validateHeader(&fl)
	for i := range c.Parties {
		validateParty(&fl, fmt.Sprintf("parties[%d]", i), c.Parties[i])
	}
	c.validateMoney(&fl)
	c.validateIP(&fl)
	c.validateDates(&fl)
	c.validateTerms(&fl)
	return fl.Err("registration.Validate")
}

func (c *Contract) validateHeader(fl *apperr.FieldList) {
	switch n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); {
	case n == 0:
		fl.Add("name", "required", "the contract name is required", "合同名称必填")
	case n > maxNameRunes:
		fl.Add("name", "too_long", fmt.Sprintf("at most %d characters", maxNameRunes), fmt.Sprintf("不超过 %d 个字符", maxNameRunes))
	}
	switch {
	case c.DeclaredType == "":
		fl.Add("declared_type", "required", "the declared contract type is required (DEV, TRF, LIC, CON or SRV)", "合同类型必填（DEV、TRF、LIC、CON 或 SRV）")
	case !ContractTypes.Has(c.DeclaredType):
		fl.Add("declared_type", "unknown_code", "must be one of DEV, TRF, LIC, CON, SRV", "应为 DEV、TRF、LIC、CON、SRV 之一")
	case c.DeclaredSubType != "" && !SubTypes[c.DeclaredType].Has(c.DeclaredSubType):
		fl.Add("declared_sub_type", "sub_type_mismatch",
			fmt.Sprintf("%q is not a sub-type of %s", c.DeclaredSubType, c.DeclaredType),
			fmt.Sprintf("%q 不是 %s 的子类", c.DeclaredSubType, c.DeclaredType))
	}
	checkCode(fl, "form", c.Form, Forms)
	if c.Language != "" && !languageRe.MatchString(c.Language) {
		fl.Add("language", "invalid", "must be a lower-case ISO 639-1 language code such as zh or en", "应为小写 ISO 639-1 语言代码，如 zh、en")
	}
	if len(c.Parties) > maxParties {
		fl.Add("parties", "too_many", fmt.Sprintf("at most %d parties", maxParties), fmt.Sprintf("当事人不超过 %d 个", maxParties))
	}
	if c.FiledBy != "" && c.FiledBy != RoleSeller && c.FiledBy != RoleBuyer && c.FiledBy != RoleIntermediary {
		fl.Add("filed_by", "unknown_code", "must be seller, buyer or intermediary", "应为 seller、buyer 或 intermediary")
	}
	checkText(fl, "subject", c.Subject)
	if len(c.Deliverables) > maxDeliverables {
		fl.Add("deliverables", "too_many", fmt.Sprintf("at most %d deliverables", maxDeliverables), fmt.Sprintf("不超过 %d 项", maxDeliverables))
	}
	for i, d := range c.Deliverables {
		checkCode(fl, fmt.Sprintf("deliverables[%d]", i), d, DeliverableKinds)
	}
	checkCode(fl, "development_mode", c.DevelopmentMode, DevelopmentModes)
	checkCode(fl, "cross_border", c.CrossBorder, CrossBorders)
	checkCode(fl, "programme_type", c.ProgrammeType, ProgrammeTypes)
	checkText(fl, "socio_economic_objective", c.SocioEconomicObjective)
}

func validateParty(fl *apperr.FieldList, path string, p Party) {
	if p.Role == "" {
		fl.Add(path+".role", "required", "the party's role is required", "当事人角色必填")
	} else {
		checkCode(fl, path+".role", p.Role, PartyRoles)
	}
	if strings.TrimSpace(p.Name) == "" {
		fl.Add(path+".name", "required", "the party's name is required", "当事人名称必填")
	} else if utf8.RuneCountInString(p.Name) > maxNameRunes {
		fl.Add(path+".name", "too_long", fmt.Sprintf("at most %d characters", maxNameRunes), fmt.Sprintf("不超过 %d 个字符", maxNameRunes))
	}
	if p.USCC != "" {
		if err := domain.ValidateUSCC(p.USCC); err != nil {
			fl.Add(path+".uscc", "invalid", "not a valid unified social credit code: "+err.Error(), "统一社会信用代码无效："+err.Error())
		}
	}
	if p.EntityType != "" && !validEntityType(p.EntityType) {
		fl.Add(path+".entity_type", "unknown_code", "not a registration-form entity-type code (e.g. 022 university, 150 limited company)", "不是登记表单位性质代码（如 022 高等院校、150 有限责任公司）")
	}
	if p.RegionCode != "" {
		if err := domain.ValidateRegion(p.RegionCode); err != nil {
			fl.Add(path+".region_code", "invalid", "not a GB/T 2260 region code: "+err.Error(), "行政区划代码无效："+err.Error())
		}
	}
	if p.CountryCode != "" && !countryCodeRe.MatchString(p.CountryCode) {
		fl.Add(path+".country_code", "invalid", "must be a 3-digit customs code or a 3-letter ISO code", "应为 3 位海关国别代码或 3 位字母代码")
	}
	if p.IndustryCode != "" && !industryCodeRe.MatchString(p.IndustryCode) {
		fl.Add(path+".industry_code", "invalid", "must be a GB/T 4754 code: a section letter A–T and 0, 2, 3 or 4 digits", "应为国民经济行业分类代码：门类字母 A–T 加 0、2、3 或 4 位数字")
	}
	if p.RelatedHoldingPct < 0 || p.RelatedHoldingPct > 100 {
		fl.Add(path+".related_holding_pct", "out_of_range", "must be between 0 and 100", "应在 0 到 100 之间")
	}
}

func (c *Contract) validateMoney(fl *apperr.FieldList) {
	if c.AmountFen < 0 {
		fl.Add("amount_fen", "negative", "must not be negative", "不能为负数")
	}
	if c.ExpectedInvestmentFen < 0 {
		fl.Add("expected_investment_fen", "negative", "must not be negative", "不能为负数")
	}
	if c.ExpectedOutputValueFen < 0 {
		fl.Add("expected_output_value_fen", "negative", "must not be negative", "不能为负数")
	}
	if len(c.LineItems) > maxLineItems {
		fl.Add("line_items", "too_many", fmt.Sprintf("at most %d line items", maxLineItems), fmt.Sprintf("明细不超过 %d 项", maxLineItems))
	}
	for i, it := range c.LineItems {
		path := fmt.Sprintf("line_items[%d]", i)
		if strings.TrimSpace(it.Description) == "" {
			fl.Add(path+".description", "required", "each line item needs a description", "每项明细须有说明")
		}
		if it.AmountFen < 0 {
			fl.Add(path+".amount_fen", "negative", "must not be negative", "不能为负数")
		}
		if it.Kind == "" {
			fl.Add(path+".kind", "required", "must be technical, non_technical or carrier", "应为 technical、non_technical 或 carrier")
		} else {
			checkCode(fl, path+".kind", it.Kind, LineItemKinds)
		}
		if it.Quantity < 0 {
			fl.Add(path+".quantity", "negative", "must not be negative", "不能为负数")
		}
		if it.ReasonableQuantity < 0 {
			fl.Add(path+".reasonable_quantity", "negative", "must not be negative", "不能为负数")
		}
		checkCode(fl, path+".carrier_kind", it.CarrierKind, CarrierKinds)
	}
	if !lineItemsSumFits(c.LineItems) {
		fl.Add("line_items", "overflow", "the line-item amounts are too large to add up", "明细金额过大，无法合计")
	}
}

// lineItemsSumFits reports whether the non-negative line-item amounts add up
// without overflowing int64, so that later sums are exact.
func lineItemsSumFits(items []LineItem) bool {
	const maxFen = domain.Fen(1<<63 - 1)
	var total domain.Fen
	for _, it := range items {
		if it.AmountFen < 0 {
			continue // reported on its own
		}
		if total > maxFen-it.AmountFen {
			return false
		}
		total += it.AmountFen
	}
	return true
}

func (c *Contract) validateIP(fl *apperr.FieldList) {
	if c.TechField != "" && !domain.TechFields.Has(c.TechField) {
		fl.Add("tech_field", "unknown_code", "must be a technology-field code: "+strings.Join(domain.TechFields.Codes(), ", "), "应为技术领域代码："+strings.Join(domain.TechFields.Codes(), "、"))
	}
	if c.IPType != "" && c.IPType != "none" && !domain.IPTypes.Has(c.IPType) {
		fl.Add("ip_type", "unknown_code", "must be none or an IP-type code: "+strings.Join(domain.IPTypes.Codes(), ", "), "应为 none 或知识产权类型代码")
	}
	if len(c.IPItems) > maxIPItems {
		fl.Add("ip_items", "too_many", fmt.Sprintf("at most %d IP items", maxIPItems), fmt.Sprintf("知识产权不超过 %d 项", maxIPItems))
	}
	for i, ip := range c.IPItems {
		path := fmt.Sprintf("ip_items[%d]", i)
		if ip.Type == "" {
			fl.Add(path+".type", "required", "the IP type is required", "知识产权类型必填")
		} else {
			checkCode(fl, path+".type", ip.Type, domain.IPTypes)
		}
		checkCode(fl, path+".status", ip.Status, domain.IPStatuses)
		checkDate(fl, path+".filing_date", ip.FilingDate)
		checkDate(fl, path+".valid_until", ip.ValidUntil)
	}
}

func (c *Contract) validateDates(fl *apperr.FieldList) {
	checkDate(fl, "signing_date", c.SigningDate)
	from, okFrom := checkDate(fl, "valid_from", c.ValidFrom)
	until, okUntil := checkDate(fl, "valid_until", c.ValidUntil)
	if okFrom && okUntil && until.Before(from) {
		fl.Add("valid_until", "before_start", "the validity ends before it starts", "有效期截止日早于起始日")
	}
}

func (c *Contract) validateTerms(fl *apperr.FieldList) {
	if l := c.Licence; l != nil {
		checkCode(fl, "licence.exclusivity", l.Exclusivity, Exclusivities)
		if l.TermMonths < 0 {
			fl.Add("licence.term_months", "negative", "must not be negative", "不能为负数")
		}
	}
	checkCode(fl, "payment.mode", c.Payment.Mode, PaymentModes)
	checkCode(fl, "payment.royalty_base", c.Payment.RoyaltyBase, RoyaltyBases)
	checkCode(fl, "payment.royalty_rate", c.Payment.RoyaltyRate, RoyaltyRates)
	if len(c.Clauses) > maxClauses {
		fl.Add("clauses", "too_many", fmt.Sprintf("at most %d clauses", maxClauses), fmt.Sprintf("条款不超过 %d 条", maxClauses))
	}
	for i, cl := range c.Clauses {
		path := fmt.Sprintf("clauses[%d]", i)
		if strings.TrimSpace(cl) == "" {
			fl.Add(path, "required", "a clause must not be empty", "条款不能为空")
		}
		checkText(fl, path, cl)
	}
	if len(c.Attachments) > maxAttachments {
		fl.Add("attachments", "too_many", fmt.Sprintf("at most %d attachments", maxAttachments), fmt.Sprintf("附件不超过 %d 个", maxAttachments))
	}
	for i, a := range c.Attachments {
		path := fmt.Sprintf("attachments[%d]", i)
		if a.Kind == "" {
			fl.Add(path+".kind", "required", "the attachment kind is required", "附件类型必填")
		} else {
			checkCode(fl, path+".kind", a.Kind, AttachmentKinds)
		}
		if a.SHA256 != "" && !sha256Re.MatchString(a.SHA256) {
			fl.Add(path+".sha256", "invalid", "must be 64 hexadecimal characters", "应为 64 位十六进制字符")
		}
	}
}

// checkCode reports a non-empty value that is not in the list.
func checkCode(fl *apperr.FieldList, path, value string, list domain.CodeList) {
	if value == "" || list.Has(value) {
		return
	}
	fl.Add(path, "unknown_code", "must be one of: "+strings.Join(list.Codes(), ", "), "应为以下之一："+strings.Join(list.Codes(), "、"))
}

func checkText(fl *apperr.FieldList, path, value string) {
	if utf8.RuneCountInString(value) > maxTextRunes {
		fl.Add(path, "too_long", fmt.Sprintf("at most %d characters", maxTextRunes), fmt.Sprintf("不超过 %d 个字符", maxTextRunes))
	}
}

// checkDate parses an optional YYYY-MM-DD date, reporting a malformed one.
func checkDate(fl *apperr.FieldList, path, value string) (time.Time, bool) {
	if value == "" {
		return time.Time{}, false
	}
	d, ok := parseDate(value)
	if !ok {
		fl.Add(path, "invalid_date", "must be a date as YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")
	}
	return d, ok
}

// parseDate parses YYYY-MM-DD as 00:00 UTC of that civil date.
func parseDate(s string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}
