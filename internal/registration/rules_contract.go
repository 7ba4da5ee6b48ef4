package registration

import (
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// Exclusions of §1.4, matched in the normalised name and subject (not the
// clauses, where such words appear in ordinary boilerplate).
var (
	routineDevelopment = keywordSet{"仿制", "常规检验", "常规检测", "常规测试", "简单改变尺寸", "改变尺寸", "参数调整", "调整参数",
		"产品改型", "改型设计", "工艺变更", "配方调整", "配方微调", "已掌握", "已产业化",
		"imitation", "imitate", "routine test", "routine inspection", "re-model", "remodel", "change of size",
		"parameter adjustment", "formula tweak", "formula adjustment", "already mastered", "already industriali"}
	nonTechnicalConsulting = keywordSet{"经济分析", "法律咨询", "法律服务", "社会发展研究", "社会发展规划", "商业信息", "采购信息",
		"设备采购咨询", "管理咨询", "财务咨询", "税务咨询", "economic analysis", "legal consult", "legal advice",
		"social development", "commercial information", "management consult", "financial advi", "tax advi"}
	nonTechnicalTraining = keywordSet{"职工素质", "员工素质", "文化学习", "文化培训", "职业技能", "职业培训", "职业教育", "学历教育",
		"产品操作培训", "操作培训", "安全生产培训", "staff quality", "vocational", "cultural training",
		"product operation", "operator training", "general staff training"}
	routineService = keywordSet{"来料加工", "加工承揽", "委托加工", "定作", "常规维修", "日常维修", "印刷", "常规测绘", "标准化检测",
		"标准检测", "常规检测", "复制图纸", "图纸复制", "翻译图纸", "图纸翻译", "计量检定", "强制检定", "常规化验",
		"建筑施工", "工程施工", "工程监理", "工程勘察", "contract processing", "processing work", "custom-making",
		"routine repair", "printing", "routine surveying", "standard testing", "routine testing", "copying drawings",
		"translation of drawings", "translating drawings", "metrological verification", "routine laboratory analysis",
		"construction works", "construction supervision"}
)

var nonTechDeliverable = map[string]domain.Label{
	DeliverGoods:        {Zh: "交付内容为货物或设备，属买卖合同", En: "the deliverables are goods or equipment, a sale"},
	DeliverProcessing:   {Zh: "交付内容为加工承揽，民法典第八百七十八条将其排除在技术服务之外", En: "the deliverable is processing work (承揽), which Civil Code 878 excludes from technical services"},
	DeliverConstruction: {Zh: "交付内容为建设工程，民法典第八百七十八条将其排除在技术服务之外", En: "the deliverable is construction work, which Civil Code 878 excludes from technical services"},
}

// checkRegistrability reports the situations of §1.4 in which a contract is
// not a registrable technology contract.
func (ck *checker) checkRegistrability() {
	c, cl := ck.c, ck.cl
	techDeliverable, nonTech := false, ""
	for _, d := range c.Deliverables {
		if _, ok := deliverableType[d]; ok {
			techDeliverable = true
		} else if _, ok := nonTechDeliverable[d]; ok && nonTech == "" {
			nonTech = d
		}
	}
	switch {
	case nonTech != "" && !techDeliverable:
		why := nonTechDeliverable[nonTech]
		ck.add(newFinding("NOT_TECHNOLOGY_CONTRACT", "deliverables", why.En, why.Zh))
	case nonTech != "":
		hasNonTech, hasTech := false, false
		for _, it := range c.LineItems {
			hasNonTech = hasNonTech || it.Kind == ItemNonTechnical
			hasTech = hasTech || it.Kind == ItemTechnical || it.Kind == ItemCarrier
		}
		if hasNonTech && hasTech {
			ck.add(newFinding("MIXED_CONTRACT_TECH_PART", "line_items"))
		} else {
			ck.add(newFinding("MIXED_CONTRACT_AMOUNT_UNCLEAR", "line_items"))
		}
	}
	if len(c.LineItems) > 0 && c.AmountFen > 0 && ck.amount.ComputedFen == 0 && !ck.has("NOT_TECHNOLOGY_CONTRACT") {
		ck.add(newFinding("NO_TECHNOLOGY_AMOUNT", "line_items"))
	}

	text := normaliseText(c.Name + "\n" + c.Subject)
	quoted := func(w string) (string, string) {
		return fmt.Sprintf("the subject is %q", w), "标的为“" + w + "”"
	}
	switch cl.Type {
	case TypeDevelopment:
		if c.SubjectAlreadyMastered {
			ck.add(newFinding("DEVELOPMENT_NOT_INNOVATIVE", "subject_already_mastered",
				"the subject was already mastered or industrialised when the contract was signed",
				"订立合同时标的技术已为当事人掌握或已产业化"))
		} else if w := routineDevelopment.first(text); w != "" {
			en, zh := quoted(w)
			ck.add(newFinding("DEVELOPMENT_NOT_INNOVATIVE", "subject",
				en+": a routine change, imitation or test without innovation (SPC 17)", zh+"，属无创新的常规改变、仿制或检测（解释第十七条）"))
		}
	case TypeConsulting:
		if w := nonTechnicalConsulting.first(text); w != "" {
			en, zh := quoted(w)
			ck.add(newFinding("CONSULTING_NOT_TECHNICAL", "subject",
				en+": economic, legal or social-development consulting or commercial information", zh+"，属经济、法律、社会发展咨询或商业信息"))
		}
	case TypeService:
		if cl.SubType == SubSrvTraining {
			if w := nonTechnicalTraining.first(text); w != "" {
				en, zh := quoted(w)
				ck.add(newFinding("TRAINING_NOT_TECHNICAL", "subject",
					en+": staff quality, cultural or vocational training, or product-operation training", zh+"，属职工素质、文化、职业技能或产品操作培训"))
			} else if c.hasDeliverable(DeliverGoods) {
				ck.add(newFinding("TRAINING_NOT_TECHNICAL", "deliverables",
					"training in operating products sold with the contract", "随产品销售提供的产品操作培训"))
			}
		}
		if w := routineService.first(text); w != "" {
			en, zh := quoted(w)
			ck.add(newFinding("SERVICE_ROUTINE_WORK", "subject",
				en+": routine processing, repair, printing, surveying, standard testing, construction or metrology", zh+"，属常规加工、维修、印刷、测绘、标准检测、建设工程或计量检定"))
		}
	}
}

var patentTypes = map[string]bool{"invention_patent": true, "utility_model": true, "design_patent": true, "patent_application": true}

// checkIP reports the IP and licence rules (Civil Code 845 ¶3, 865; SPC 25, 28).
func (ck *checker) checkIP() {
	c, cl := ck.c, ck.cl
	transferOrLicence := cl.Type == TypeTransfer || cl.Type == TypeLicence
	if transferOrLicence && len(c.IPItems) == 0 && c.IPType != "" && c.IPType != "none" {
		l := ContractTypes.Label(cl.Type)
		ck.add(newFinding("IP_ITEMS_MISSING", "ip_items", l.En, l.Zh))
	}
	sellers := map[string]bool{}
	for _, p := range c.Parties {
		if ck.sellerSide(p) {
			sellers[normaliseText(p.Name)] = true
		}
	}
	for i, ip := range c.IPItems {
		path := fmt.Sprintf("ip_items[%d]", i)
		if patentTypes[ip.Type] {
			if missEn, missZh := patentGaps(ip); len(missEn) > 0 {
				ck.add(newFinding("PATENT_DETAILS_MISSING", path, strings.Join(missEn, ", "), strings.Join(missZh, "、")))
			}
		}
		if transferOrLicence && ip.Holder != "" && !sellers[normaliseText(ip.Holder)] {
			name := ip.Number
			if name == "" {
				name = fmt.Sprintf("#%d", i+1)
			}
			ck.add(newFinding("IP_HOLDER_NOT_SELLER", path+".holder", name, ip.Holder))
		}
	}
	if cl.Type == TypeTransfer && (cl.SubType == SubTrfPatent || cl.SubType == SubTrfPatentApp) {
		ck.add(newFinding("PATENT_TRANSFER_NEEDS_CNIPA", "ip_items"))
	}
	if cl.Type != TypeLicence {
		return
	}
	if c.Licence == nil || c.Licence.Exclusivity == "" {
		ck.add(newFinding("LICENCE_EXCLUSIVITY_DEFAULTED", "licence.exclusivity"))
	}
	if (c.Licence == nil || c.Licence.TermMonths == 0) && c.ValidUntil == "" {
		ck.add(newFinding("LICENCE_TERM_UNSTATED", "licence.term_months"))
	}
	if end, ok := licenceEnd(c); ok {
		for i, ip := range c.IPItems {
			expiry, ok := parseDate(ip.ValidUntil)
			if ok && patentTypes[ip.Type] && end.After(expiry) {
				ck.add(newFinding("LICENCE_OUTLASTS_PATENT", fmt.Sprintf("ip_items[%d].valid_until", i),
					end.Format(time.DateOnly), ip.ValidUntil))
				break
			}
		}
	}
}

// patentGaps lists the Art 845 ¶3 particulars an IP item lacks.
func patentGaps(ip IPItem) (en, zh []string) {
	add := func(missing bool, e, z string) {
		if missing {
			en, zh = append(en, e), append(zh, z)
		}
	}
	add(ip.Title == "", "title", "名称")
	add(ip.Holder == "", "applicant or patentee", "申请人或专利权人")
	add(ip.FilingDate == "", "filing date", "申请日")
	add(ip.Number == "", "application or patent number", "申请号或专利号")
	granted := ip.Type != "patent_application" && ip.Status != "pending"
	add(granted && ip.ValidUntil == "", "validity", "有效期限")
	return en, zh
}

// licenceEnd is when the licence ends: start plus the agreed term, else the end
// of the contract's validity.
func licenceEnd(c *Contract) (time.Time, bool) {
	if c.Licence != nil && c.Licence.TermMonths > 0 {
		if from, ok := parseDate(c.ValidFrom); ok {
			return from.AddDate(0, c.Licence.TermMonths, -1), true
		}
	}
	return parseDate(c.ValidUntil)
}

var roleLabels = map[string]domain.Label{
	RoleSeller: {Zh: "卖方", En: "seller"}, RoleBuyer: {Zh: "买方", En: "buyer"},
	RoleIntermediary: {Zh: "中介方", En: "intermediary"},
}

// checkRegistrant applies who registers where (§1.7) and the cross-border flags (§1.11).
func (ck *checker) checkRegistrant(registryRegion string) {
	c := ck.c
	cross := c.crossBorder()
	for i, p := range c.Parties {
		if p.IsDomestic() || p.Role == RoleOther {
			continue
		}
		if (ck.sellerSide(p) && cross != CrossBorderImport) || (p.Role == RoleBuyer && cross != CrossBorderExport) {
			ck.add(newFinding("CROSS_BORDER_UNDECLARED", fmt.Sprintf("parties[%d].country_code", i), p.Name))
		}
	}
	switch cross {
	case CrossBorderImport:
		ck.add(newFinding("CROSS_BORDER_COMMERCE", "cross_border", "import", "进口"))
	case CrossBorderExport:
		ck.add(newFinding("CROSS_BORDER_COMMERCE", "cross_border", "export", "出口"))
	}
	if c.FiledBy == "" {
		return // reported as a missing form field
	}
	by := roleLabels[c.FiledBy]
	var registrant *Party
	switch {
	case cross == CrossBorderImport:
		if c.FiledBy != RoleBuyer {
			ck.add(newFinding("REGISTRANT_IMPORT_BUYER", "filed_by", by.En, by.Zh))
		}
		registrant = c.firstParty(RoleBuyer)
	case c.FiledBy == RoleBuyer:
		ck.add(newFinding("REGISTRANT_NOT_SELLER", "filed_by", by.En, by.Zh))
	case c.FiledBy == RoleIntermediary && ck.cl.SubType != SubSrvIntermediary:
		ck.add(newFinding("REGISTRANT_INTERMEDIARY", "filed_by"))
		registrant = c.firstParty(RoleIntermediary)
	default:
		for i := range c.Parties {
			if ck.sellerSide(c.Parties[i]) && (c.Parties[i].Role == c.FiledBy) {
				registrant = &c.Parties[i]
				break
			}
		}
	}
	if registryRegion == "" || registrant == nil || registrant.RegionCode == "" {
		return
	}
	want, ok1 := domain.ProvinceOf(registrant.RegionCode)
	got, ok2 := domain.ProvinceOf(registryRegion)
	if ok1 && ok2 && want.Code != got.Code {
		ck.add(newFinding("REGISTRANT_LOCALITY", "filed_by", want.Label.En, got.Label.En, want.Label.Zh, got.Label.Zh))
	}
}

// checkDocuments reports missing documents (§1.7) and approvals (§1.5 (4)).
func (ck *checker) checkDocuments() {
	c := ck.c
	if c.Form != FormOral && !c.hasAttachment(AttachContractText) {
		ck.add(newFinding("ATTACHMENT_CONTRACT_TEXT_MISSING", "attachments"))
	}
	if !c.hasAttachment(AttachAuthorisation) {
		for i, p := range c.Parties {
			if p.InternalUnit {
				ck.add(newFinding("ATTACHMENT_AUTHORISATION_MISSING", fmt.Sprintf("parties[%d].internal_unit", i), p.Name))
			}
		}
	}
	if c.GovernmentFunded && !c.hasAttachment(AttachFundingConsent) {
		ck.add(newFinding("ATTACHMENT_FUNDING_CONSENT_MISSING", "attachments"))
	}
	if c.Language != "" && c.Language != "zh" && !c.hasAttachment(AttachChineseVersion) {
		ck.add(newFinding("ATTACHMENT_CHINESE_VERSION_MISSING", "attachments"))
	}
	if c.ApprovalRequired && !c.hasAttachment(AttachApproval) {
		ck.add(newFinding("APPROVAL_MISSING", "attachments"))
	}
}

// checkValidity reports contracts not yet in effect or already expired, on the
// check date in China.
func (ck *checker) checkValidity() {
	c := ck.c
	if d, ok := parseDate(c.SigningDate); ok && d.After(ck.today) {
		ck.add(newFinding("NOT_YET_EFFECTIVE", "signing_date", "signed on "+c.SigningDate+", a future date", "签订日期 "+c.SigningDate+" 晚于今日"))
	} else if d, ok := parseDate(c.ValidFrom); ok && d.After(ck.today) {
		ck.add(newFinding("NOT_YET_EFFECTIVE", "valid_from", "valid from "+c.ValidFrom, "有效期自 "+c.ValidFrom+" 起"))
	}
	if d, ok := parseDate(c.ValidUntil); ok && d.Before(ck.today) {
		ck.add(newFinding("CONTRACT_EXPIRED", "valid_until", c.ValidUntil))
	}
}

// checkDeadline computes when the decision is due: from the submission when
// there is one (with findings), else as if submitted now (no findings, so that
// a pre-submission check does not depend on the calendar of the day it runs).
func (ck *checker) checkDeadline(rules DeadlineRules, submittedAt time.Time) (DeadlineResult, error) {
	start := submittedAt
	if start.IsZero() {
		start = ck.today
	}
	d, err := Deadline(rules, start, ck.amount.CertifiedFen, ck.c.Disputed)
	if err != nil || submittedAt.IsZero() {
		d.Estimated = err == nil
		return d, err
	}
	en, zh := d.Describe()
	ck.add(newFinding("DEADLINE_DUE", "", d.Due, en, zh))
	if d.Overdue(ck.today) {
		ck.add(newFinding("DEADLINE_OVERDUE", "", d.Due))
	}
	if until, ok := parseDate(ck.c.ValidUntil); ok && until.Before(d.DueDate) {
		ck.add(newFinding("VALIDITY_ENDS_BEFORE_DECISION", "valid_until", ck.c.ValidUntil, d.Due))
	}
	switch {
	case !d.Covered:
		ck.add(newFinding("CALENDAR_NOT_COVERED", ""))
	case d.Provisional:
		ck.add(newFinding("CALENDAR_PROVISIONAL", ""))
	}
	return d, nil
}
