package registration

import (
	"fmt"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// Classification bases, strongest first.
const (
	// BasisRightsDuties: decided by what the seller owes (deliverables, licence
	// terms, IP) or by a reclassification rule of §1.4.
	BasisRightsDuties = "rights_and_duties"
	// BasisText: decided by keywords in the subject and clauses only.
	BasisText = "text"
	// BasisDeclared: nothing decided it; the declared type is kept.
	BasisDeclared = "declared"
)

// Classification is the suggested type and sub-type with the reasons for it.
type Classification struct {
	Type    string `json:"classification"`
	SubType string `json:"sub_type"`
	Basis   string `json:"basis"`
	// NameType is the type the contract's name suggests, if any.
	NameType string   `json:"name_type,omitempty"`
	Reasons  []Reason `json:"reasons"`

	adjustments []Finding // reclassification rules applied, reported by Check
}

// Reason is one signal behind a classification.
type Reason struct {
	Signal    string `json:"signal"` // deliverable | licence_terms | keyword | ip_items | rule | declared
	Type      string `json:"type"`
	Message   string `json:"message"`
	MessageZh string `json:"message_zh"`
}

// Keywords by type, matched in the normalised subject and clauses (zh and en).
var typeKeywords = map[string]keywordSet{
	TypeDevelopment: {"研究开发", "研发", "委托开发", "合作开发", "研制", "新技术", "新产品", "新工艺", "新材料", "新品种",
		"research and development", "r&d", "develop a new", "development of a new", "novel"},
	TypeTransfer: {"转让", "让与", "权属转移", "专利权人变更", "assign", "transfer of ownership", "transfer the patent"},
	TypeLicence:  {"许可", "使用权", "licen", "right to use"},
	TypeConsulting: {"咨询", "可行性", "论证", "评估", "评价", "预测", "调研", "查新",
		"feasibility", "consult", "evaluation", "assessment", "forecast", "novelty search"},
	TypeService: {"技术服务", "技术问题", "解决", "优化", "技术支持", "调试", "培训", "中介", "居间", "促成",
		"technical service", "solve", "troubleshoot", "optimi", "technical problem", "training", "broker", "intermediar"},
}

var (
	trainingKeywords      = keywordSet{"培训", "training"}
	intermediaryKeywords  = keywordSet{"中介", "居间", "促成", "撮合", "broker", "intermediar"}
	cooperativeKeywords   = keywordSet{"合作开发", "共同开发", "联合开发", "cooperative development", "joint development"}
	commissionedKeywords  = keywordSet{"委托开发", "commissioned development", "commission"}
	publicDomainKeywords  = keywordSet{"公知技术", "已公开的技术", "public domain", "publicly known"}
	toBeDevelopedKeywords = keywordSet{"待开发", "尚待研究开发", "尚未开发", "to be developed", "yet to be developed"}
	implementationPlan    = keywordSet{"实施方案", "implementation plan"}
	guidanceKeywords      = keywordSet{"指导", "服务", "guidance", "on-site support"}
)

// nameRule maps words in a contract name to a type; the first match wins, so
// the more specific words come first ("技术转让（专利实施许可）" is a licence).
var nameRules = []struct {
	words keywordSet
	typ   string
}{
	{keywordSet{"技术中介", "中介合同", "居间", "intermediary", "brokerage"}, TypeService},
	{keywordSet{"技术培训", "培训合同", "training"}, TypeService},
	{keywordSet{"技术咨询", "咨询合同", "consulting", "consultancy"}, TypeConsulting},
	{keywordSet{"技术服务", "服务合同", "technical service", "service agreement", "service contract"}, TypeService},
	{keywordSet{"许可", "licen"}, TypeLicence},
	{keywordSet{"转让", "assignment", "transfer"}, TypeTransfer},
	{keywordSet{"开发", "研发", "研制", "development"}, TypeDevelopment},
}

func nameType(name string) string {
	for _, r := range nameRules {
		if r.words.any(name) {
			return r.typ
		}
	}
	return ""
}

// deliverableType maps a deliverable to the type whose rights and duties it is.
// Main deliverables decide the type; supporting ones (consulting, service,
// training, intermediary) decide it only when no main one is present, because
// supporting work inside a development, transfer or licence belongs to it
// (Civil Code 862; training rules, §1.3).
var deliverableType = map[string]struct {
	typ  string
	main bool
}{
	DeliverRDResults:        {TypeDevelopment, true},
	DeliverIPOwnership:      {TypeTransfer, true},
	DeliverEquity:           {TypeTransfer, true},
	DeliverIPLicence:        {TypeLicence, true},
	DeliverConsultingReport: {TypeConsulting, false},
	DeliverTechnicalService: {TypeService, false},
	DeliverTraining:         {TypeService, false},
	DeliverIntermediary:     {TypeService, false},
}

// typePriority breaks ties: transfer and licence carry the most technical
// content, then development; service before consulting.
var typePriority = []string{TypeTransfer, TypeLicence, TypeDevelopment, TypeService, TypeConsulting}

// Classify suggests the contract's type and sub-type from its rights and duties
// (deliverables, licence terms, IP items), then from the text of its subject
// and clauses, and applies the reclassification rules of §1.4 (public-domain
// technology, transfers without an existing result, consulting that is really
// a service). The declared type is the fallback.
func (c *Contract) Classify() Classification {
	body := normaliseText(c.Subject + "\n" + strings.Join(c.Clauses, "\n"))
	cl := Classification{NameType: nameType(normaliseText(c.Name))}
	scores := textScores(body)

	cl.Type, cl.Basis, cl.Reasons = c.contentType(scores)
	if cl.Type == "" {
		cl.Type, cl.Basis = c.DeclaredType, BasisDeclared
		cl.Reasons = append(cl.Reasons, reason("declared", c.DeclaredType,
			"no deliverable or keyword decides the type; the declared type is kept",
			"交付内容与文本均不足以判断类型，暂按申报类型"))
	}
	c.reclassify(&cl, body)
	cl.SubType = c.subType(cl.Type, body)
	return cl
}

// textScores counts distinct keywords per type, capped so that long texts do
// not outweigh the rights and duties.
func textScores(body string) map[string][]string {
	const maxPerType = 4
	out := map[string][]string{}
	for t, kw := range typeKeywords {
		m := kw.matches(body)
		if len(m) > maxPerType {
			m = m[:maxPerType]
		}
		out[t] = m
	}
	return out
}

func (c *Contract) contentType(scores map[string][]string) (string, string, []Reason) {
	var reasons []Reason
	main, support := map[string]bool{}, map[string]bool{}
	for _, d := range c.Deliverables {
		dt, ok := deliverableType[d]
		if !ok {
			continue
		}
		if dt.main {
			main[dt.typ] = true
		} else {
			support[dt.typ] = true
		}
		reasons = append(reasons, reason("deliverable", dt.typ,
			"deliverable "+d+" ("+DeliverableKinds.Label(d).En+")", "交付内容："+DeliverableKinds.Label(d).Zh))
	}
	switch {
	case len(main) > 0:
		return pickByText(main, scores), BasisRightsDuties, reasons
	case c.Licence != nil && (c.Licence.Exclusivity != "" || c.Licence.TermMonths > 0) && len(support) == 0:
		reasons = append(reasons, reason("licence_terms", TypeLicence,
			"licence terms (exclusivity or term) are agreed", "约定了许可方式或许可期限"))
		return TypeLicence, BasisRightsDuties, reasons
	case len(support) > 0:
		return pickByText(support, scores), BasisRightsDuties, reasons
	}
	// Text only: a type needs at least two distinct keywords and a clear lead.
	best, bestN, secondN := "", 0, 0
	for _, t := range typePriority {
		n := len(scores[t])
		switch {
		case n > bestN:
			best, bestN, secondN = t, n, bestN
		case n > secondN:
			secondN = n
		}
	}
	if bestN >= 2 && bestN > secondN {
		reasons = append(reasons, reason("keyword", best,
			"keywords in the subject and clauses: "+strings.Join(scores[best], ", "),
			"标的与条款中的关键词："+strings.Join(scores[best], "、")))
		return best, BasisText, reasons
	}
	return "", "", reasons
}

// pickByText chooses among candidate types by keyword count, then by priority.
func pickByText(candidates map[string]bool, scores map[string][]string) string {
	best, bestN := "", -1
	for _, t := range typePriority {
		if candidates[t] && len(scores[t]) > bestN {
			best, bestN = t, len(scores[t])
		}
	}
	return best
}

// reclassify applies the §1.4 rules that move a contract to another type.
func (c *Contract) reclassify(cl *Classification, body string) {
	switch cl.Type {
	case TypeTransfer, TypeLicence:
		if why, ok := c.publicDomain(body); ok {
			cl.adjustments = append(cl.adjustments, newFinding("PUBLIC_DOMAIN_TRANSFER", "public_domain", why.En, why.Zh))
			cl.Reasons = append(cl.Reasons, reason("rule", TypeService,
				"public-domain technology sold as a transfer is a service (SPC 34)", "公知技术的转让按技术服务认定（解释第三十四条）"))
			cl.Type, cl.Basis = TypeService, BasisRightsDuties
			return
		}
		if len(c.IPItems) == 0 && (c.IPType == "" || c.IPType == "none") {
			to := TypeService
			if c.hasDeliverable(DeliverRDResults) || toBeDevelopedKeywords.any(body) {
				to = TypeDevelopment
			}
			l := ContractTypes.Label(to)
			cl.adjustments = append(cl.adjustments, newFinding("TRANSFER_WITHOUT_EXISTING_RESULT", "ip_items", l.En, l.Zh))
			cl.Reasons = append(cl.Reasons, reason("rule", to,
				"no existing patent, application, secret or other IP is named (SPC 22)", "未列明已有的专利、专利申请、技术秘密或其他知识产权（解释第二十二条）"))
			cl.Type, cl.Basis = to, BasisRightsDuties
		}
	case TypeConsulting:
		if implementationPlan.any(body) && guidanceKeywords.any(body) {
			cl.adjustments = append(cl.adjustments, newFinding("CONSULTING_IS_SERVICE", "subject"))
			cl.Reasons = append(cl.Reasons, reason("rule", TypeService,
				"an implementation plan with service and guidance is a service (rules 37)", "提供实施方案并服务指导的属于技术服务（认定规则第三十七条）"))
			cl.Type, cl.Basis = TypeService, BasisRightsDuties
		}
	}
}

// publicDomain reports why the subject technology is in the public domain.
func (c *Contract) publicDomain(body string) (domain.Label, bool) {
	if c.PublicDomain {
		return domain.Label{Zh: "申报为公知技术", En: "declared as publicly known"}, true
	}
	if len(c.IPItems) > 0 {
		dead := 0
		for _, ip := range c.IPItems {
			switch ip.Status {
			case "lapsed", "invalidated", "expired":
				dead++
			}
		}
		if dead == len(c.IPItems) {
			return domain.Label{Zh: "所列知识产权均已失效、期满或被宣告无效", En: "every listed IP right has lapsed, expired or been invalidated"}, true
		}
		return domain.Label{}, false
	}
	if w := publicDomainKeywords.first(body); w != "" {
		return domain.Label{Zh: "文本写明“" + w + "”", En: "the text says " + fmt.Sprintf("%q", w)}, true
	}
	return domain.Label{}, false
}

// subType picks the sub-type of typ from the IP items, deliverables, mode and
// text, falling back to the declared sub-type.
func (c *Contract) subType(typ, body string) string {
	declared := ""
	if typeOfSubType(c.DeclaredSubType) == typ {
		declared = c.DeclaredSubType
	}
	switch typ {
	case TypeDevelopment:
		switch {
		case c.DevelopmentMode == "cooperative":
			return SubDevCooperative
		case c.DevelopmentMode == "commissioned":
			return SubDevCommissioned
		case cooperativeKeywords.any(body):
			return SubDevCooperative
		case commissionedKeywords.any(body):
			return SubDevCommissioned
		case declared != "":
			return declared
		}
		// One side pays, the other does the R&D: commissioned (SPC 19).
		return SubDevCommissioned
	case TypeTransfer, TypeLicence:
		if s := c.ipSubType(typ); s != "" {
			return s
		}
		return declared
	case TypeService:
		switch {
		case c.hasDeliverable(DeliverIntermediary) && !c.hasDeliverable(DeliverTechnicalService):
			return SubSrvIntermediary
		case c.hasDeliverable(DeliverTraining) && !c.hasDeliverable(DeliverTechnicalService):
			return SubSrvTraining
		case len(c.Deliverables) > 0:
			return SubSrvGeneral
		case intermediaryKeywords.any(body):
			return SubSrvIntermediary
		case trainingKeywords.any(body):
			return SubSrvTraining
		case declared != "":
			return declared
		}
		return SubSrvGeneral
	}
	return ""
}

// ipRank orders IP kinds for choosing a transfer or licence sub-type when
// several are involved: patents, then applications, then secrets, then others.
func (c *Contract) ipSubType(typ string) string {
	const (
		none = iota
		other
		secret
		application
		patent
	)
	best := none
	unpublished := false
	kinds := make([]string, 0, len(c.IPItems)+1)
	for _, ip := range c.IPItems {
		kinds = append(kinds, ip.Type)
	}
	if len(kinds) == 0 && c.IPType != "" && c.IPType != "none" {
		kinds = append(kinds, c.IPType)
	}
	for i, k := range kinds {
		rank := other
		switch k {
		case "invention_patent", "utility_model", "design_patent":
			rank = patent
			if i < len(c.IPItems) && c.IPItems[i].Status == "pending" {
				rank = application
				unpublished = unpublished || !c.IPItems[i].Published
			}
		case "patent_application":
			rank = application
			unpublished = unpublished || (i < len(c.IPItems) && !c.IPItems[i].Published)
		case "technology_secret":
			rank = secret
		}
		if rank > best {
			best = rank
		}
	}
	switch {
	case best == none:
		return ""
	case typ == TypeTransfer:
		return map[int]string{patent: SubTrfPatent, application: SubTrfPatentApp, secret: SubTrfTechSecret, other: SubTrfOtherIP}[best]
	case best == patent:
		return SubLicPatent
	case best == application && !unpublished:
		// Published but not yet granted: licensed by reference to a patent licence (SPC 29).
		return SubLicPatent
	case best == application, best == secret:
		return SubLicTechSecret
	}
	return SubLicOtherIP
}

func reason(signal, typ, en, zh string) Reason {
	l := ContractTypes.Label(typ)
	return Reason{Signal: signal, Type: typ, Message: l.En + ": " + en, MessageZh: l.Zh + "：" + zh}
}
