package registration

import (
	"fmt"
	"sort"
)

// Severity says how much a finding matters.
type Severity string

const (
	// Blocker stops registration: the filing must be corrected, or the contract
	// cannot be registered at all (see Effect).
	Blocker Severity = "blocker"
	// Warning should be looked at; registration can proceed.
	Warning Severity = "warning"
	// Info explains how a rule was applied.
	Info Severity = "info"
)

// Effect is what a blocker does to the outcome.
type Effect string

const (
	// EffectNone: the finding does not change the outcome.
	EffectNone Effect = "none"
	// EffectCorrection: the filing can be fixed by editing it, adding documents or
	// letting the right party file.
	EffectCorrection Effect = "correction"
	// EffectRefusal: the contract itself is not registrable as it stands (the
	// registrar would stamp it 未予登记).
	EffectRefusal Effect = "refusal"
)

// Outcomes of a check, mirroring the registrar's decisions (§1.8).
const (
	OutcomeRegistrable     = "registrable"
	OutcomeNeedsCorrection = "needs_correction"
	OutcomeNotRegistrable  = "not_registrable"
)

// Finding is one result of a check, with the rule that produced it.
type Finding struct {
	Code      string   `json:"code"`
	Severity  Severity `json:"severity"`
	Effect    Effect   `json:"effect"`
	Rule      string   `json:"rule"`
	Message   string   `json:"message"`
	MessageZh string   `json:"message_zh"`
	Field     string   `json:"field"` // JSON path of the contract field, "" when none
}

// ruleDef is one entry of the finding catalogue. The English and Chinese
// templates take the same arguments; use explicit indexes (%[1]s) when the
// languages order them differently.
type ruleDef struct {
	severity Severity
	effect   Effect
	ref      string
	en, zh   string
}

// newFinding builds a finding from the catalogue.
func newFinding(code, field string, args ...any) Finding {
	d, ok := catalogue[code]
	if !ok {
		// A code missing from the catalogue is a programming error caught by tests.
		panic("registration: finding code not in catalogue: " + code)
	}
	return Finding{
		Code: code, Severity: d.severity, Effect: d.effect, Rule: d.ref, Field: field,
		Message: fmt.Sprintf(d.en, args...), MessageZh: fmt.Sprintf(d.zh, args...),
	}
}

// withSeverity changes a finding's severity and effect where a rule weighs
// differently by contract type (e.g. acceptance criteria for development).
func (f Finding) withSeverity(s Severity, e Effect) Finding {
	f.Severity, f.Effect = s, e
	return f
}

// Codes returns the codes of the findings, in order.
func Codes(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Code
	}
	return out
}

// outcomeOf derives the outcome: any refusal wins, then any correction.
func outcomeOf(fs []Finding) string {
	outcome := OutcomeRegistrable
	for _, f := range fs {
		if f.Severity != Blocker {
			continue
		}
		if f.Effect == EffectRefusal {
			return OutcomeNotRegistrable
		}
		outcome = OutcomeNeedsCorrection
	}
	return outcome
}

var severityRank = map[Severity]int{Blocker: 0, Warning: 1, Info: 2}

// sortFindings orders findings by severity, keeping rule order within one severity.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return severityRank[fs[i].Severity] < severityRank[fs[j].Severity] })
}

// Rule references cite domain-rules.md sections (§) and the legal texts behind them.
const (
	refCC845      = "民法典 845 (§1.6)"
	refCC846      = "民法典 846 (§1.6)"
	refCC470      = "民法典 470"
	refRefusal    = "技术合同认定登记不予登记情形 (Torch 2021) / 修订认定规则 39 (§1.5)"
	refRegistrant = "技术合同认定登记管理办法 2000; MIIT 2024 征求意见稿 (§1.7)"
	refDocuments  = "认定登记提交材料 (§1.7)"
	refAmount     = "技术合同认定规则 49–51: 核定技术交易额 (§1.9)"
	refIntegrity  = "integrity signal, not a refusal (anchors §4.12; §1.8 penalties for fraud)"
)

var catalogue = map[string]ruleDef{
	// Parties and form fields.
	"PARTY_MISSING_SELLER": {Blocker, EffectCorrection, refRefusal + " (3)",
		"The contract names no seller-side party (R&D party, transferor, licensor, consultant or service provider).",
		"合同未列明卖方当事人（研究开发方、让与方、许可方、顾问方或服务方）。"},
	"PARTY_MISSING_BUYER": {Blocker, EffectCorrection, refRefusal + " (3)",
		"The contract names no buyer-side party.", "合同未列明买方当事人。"},
	"PARTY_ID_MISSING": {Blocker, EffectCorrection, refRefusal + " (3); 登记表 (§1.10)",
		"%[1]s is an organisation in China but has no unified social credit code.",
		"%[1]s 为境内组织，但未填写统一社会信用代码。"},
	"PARTIES_IDENTICAL": {Blocker, EffectRefusal, "民法典 464; " + refRefusal + " (2)",
		"Seller and buyer are the same legal person; a contract needs two parties.",
		"卖方与买方为同一法人，不构成合同。"},
	"FORM_FIELD_MISSING": {Blocker, EffectCorrection, "技术合同登记表 (§1.10)",
		"The registration form needs %[1]s.", "登记表须填写%[2]s。"},

	// Required content (Civil Code 845, 846, 470).
	"CONTENT_SUBJECT_MISSING": {Blocker, EffectCorrection, refCC845 + "; " + refRefusal,
		"The content, scope and requirements of the subject matter are not stated; the registrar cannot understand the subject.",
		"未写明标的的内容、范围和要求，登记机构无法理解合同标的。"},
	"CONTENT_PRICE_MISSING": {Blocker, EffectCorrection, refCC846 + "; " + refRefusal + " (3)",
		"The price, remuneration or royalty and how it is paid are not stated.",
		"未写明价款、报酬或使用费及其支付方式。"},
	"CONTENT_PERFORMANCE_MISSING": {Warning, EffectNone, refCC845,
		"The plan, place and manner of performance are not stated.", "未写明履行的计划、地点和方式。"},
	"CONTENT_CONFIDENTIALITY_MISSING": {Warning, EffectNone, refCC845,
		"There is no confidentiality clause for technical information and materials.", "未约定技术信息和资料的保密。"},
	"CONTENT_OWNERSHIP_MISSING": {Warning, EffectNone, refCC845 + "; 民法典 859–861, 875",
		"The ownership of results (and of improvements) and the sharing of benefits are not stated.",
		"未约定技术成果（含后续改进）的归属和收益分配办法。"},
	"CONTENT_ACCEPTANCE_MISSING": {Warning, EffectNone, refCC845 + "; 技术开发认定条件 (§1.3)",
		"The acceptance standard and method are not stated.", "未约定验收标准和方法。"},
	"CONTENT_LIABILITY_MISSING": {Warning, EffectNone, refCC470,
		"Liability for breach is not stated.", "未约定违约责任。"},
	"CONTENT_DISPUTE_MISSING": {Warning, EffectNone, refCC470,
		"The method of resolving disputes is not stated.", "未约定争议解决方法。"},
	"CONTENT_TERMS_MISSING": {Info, EffectNone, refCC845,
		"Definitions of names and terms are not given.", "未对名词和术语作出解释。"},
	"CONTENT_RISK_MISSING": {Warning, EffectNone, "民法典 858",
		"A development contract should say who bears the risk of failure; without it the risk is shared reasonably (Art 858).",
		"技术开发合同应约定风险责任的承担；未约定的由当事人合理分担（第八百五十八条）。"},
	"PATENT_DETAILS_MISSING": {Blocker, EffectCorrection, "民法典 845 ¶3",
		"A patent or application is involved: state the title, applicant or patentee, filing date, application or patent number and validity (missing: %[1]s).",
		"涉及专利的，应注明发明创造名称、专利申请人和专利权人、申请日期、申请号或专利号及有效期限（缺：%[2]s）。"},
	"SECRET_CONFIDENTIALITY_MISSING": {Blocker, EffectCorrection, "技术转让/许可认定条件 (§1.3); 最高法技术合同解释 1",
		"A technology secret must be protected by confidentiality measures, but the contract has no confidentiality clause.",
		"技术秘密须采取保密措施，但合同未约定保密条款。"},
	"ROYALTY_AMOUNT_ESTIMATED": {Info, EffectNone, "技术合同认定规则 51 (§1.8)",
		"Royalty payment: the contract amount is an estimate; correct it before claiming tax relief or paying rewards.",
		"提成支付：合同成交额为预估数，申请税收优惠或发放奖酬前须核定更正。"},

	// Classification.
	"TYPE_MISMATCH": {Blocker, EffectCorrection, refRefusal + " (5)",
		"Declared as %[1]s, but the rights and duties are those of %[3]s.",
		"申报类型为%[2]s，但合同权利义务属于%[4]s。"},
	"SUBTYPE_MISMATCH": {Warning, EffectNone, "合同类型与子类 (§1.2)",
		"Declared sub-type %[1]s; the contract content points to %[2]s.", "申报子类为 %[1]s，合同内容指向 %[2]s。"},
	"NAME_TYPE_MISMATCH": {Blocker, EffectCorrection, refRefusal + " (5)",
		"The contract name says %[1]s, but its rights and duties are those of %[3]s; correct the name.",
		"合同名称为%[2]s，但权利义务属于%[4]s，应更正合同名称。"},
	"CLASSIFICATION_UNCERTAIN": {Warning, EffectNone, "技术合同认定条件 (§1.3)",
		"The contract states no technology deliverable and its text gives no clear type; the declared type is kept for the registrar to confirm.",
		"合同未列明技术性交付内容，文本也不足以判断类型；暂按申报类型，由登记员确认。"},
	"PUBLIC_DOMAIN_TRANSFER": {Blocker, EffectCorrection, "最高法技术合同解释 34 (§1.4)",
		"The technology is in the public domain (%[1]s): it cannot be transferred or licensed; the contract is a technical service and the fee a service fee.",
		"标的为公知技术（%[2]s），不能作为技术转让或许可；应认定为技术服务合同，费用为服务费。"},
	"TRANSFER_WITHOUT_EXISTING_RESULT": {Blocker, EffectCorrection, "最高法技术合同解释 22 (§1.4)",
		"A transfer or licence needs a result already held (patent, application, technology secret or other IP); none is named. File it as %[1]s.",
		"技术转让或许可须以已有技术成果（专利、专利申请、技术秘密或其他知识产权）为标的，本合同未列明；应按%[2]s申报。"},
	"CONSULTING_IS_SERVICE": {Blocker, EffectCorrection, "技术合同认定规则 37 (§1.4)",
		"An implementation plan delivered with service and guidance is not consulting; file it as a technical service.",
		"提供实施方案并进行服务指导的，不属于技术咨询，应按技术服务申报。"},
	"EQUITY_AS_TRANSFER": {Info, EffectNone, "技术入股按技术转让登记 (§1.4)",
		"Technology contributed as equity is registered as a technology transfer.", "技术作价入股按技术转让合同登记。"},
	"TRAINING_PART_OF_MAIN": {Info, EffectNone, "技术培训认定 (§1.3); 民法典 862",
		"Training or services that support a development, transfer or licence are part of that contract and are registered with it.",
		"为技术开发、转让、许可提供的培训或配套服务属于该合同的组成部分，随主合同登记。"},
	"LICENCE_ON_UNPUBLISHED_APPLICATION": {Info, EffectNone, "最高法技术合同解释 29",
		"A licence on an unpublished patent application is a technology-secret licence until publication.",
		"专利申请公开前的实施许可按技术秘密使用许可处理。"},

	// Not registrable (§1.4).
	"ORAL_CONTRACT": {Blocker, EffectRefusal, "技术合同认定登记管理办法 2000 (§1.4); 民法典 851, 863",
		"Oral contracts are not accepted for registration; a written (or electronic) contract is needed.",
		"口头合同不予受理登记，须为书面（或电子）合同。"},
	"NOT_TECHNOLOGY_CONTRACT": {Blocker, EffectRefusal, "技术合同认定规则 5; 修订规则 37 (§1.4); " + refRefusal + " (2)",
		"Not a technology contract: %[1]s.", "不属于技术合同：%[2]s。"},
	"NO_TECHNOLOGY_AMOUNT": {Blocker, EffectRefusal, refAmount + "; 认定规则 5 (§1.4)",
		"Every line item is non-technical: the technology amount is zero.", "各项费用均为非技术性费用，技术交易额为零。"},
	"DEVELOPMENT_NOT_INNOVATIVE": {Blocker, EffectRefusal, "最高法技术合同解释 17; 技术开发认定条件 (§1.3, §1.4)",
		"Not a development contract: %[1]s.", "不属于技术开发合同：%[2]s。"},
	"CONSULTING_NOT_TECHNICAL": {Blocker, EffectRefusal, "技术合同认定规则 38 (§1.4)",
		"Not technical consulting: %[1]s.", "不属于技术咨询：%[2]s。"},
	"TRAINING_NOT_TECHNICAL": {Blocker, EffectRefusal, "技术合同认定规则 46; 最高法技术合同解释 36 (§1.4)",
		"Not technical training: %[1]s.", "不属于技术培训：%[2]s。"},
	"SERVICE_ROUTINE_WORK": {Blocker, EffectRefusal, "民法典 878; 技术服务认定 (§1.4)",
		"Not a technical service: %[1]s.", "不属于技术服务：%[2]s。"},
	"MIXED_CONTRACT_AMOUNT_UNCLEAR": {Blocker, EffectCorrection, "修订认定规则 37 (§1.4)",
		"The contract mixes goods with technology but does not itemise the amounts; list the technical, non-technical and carrier items.",
		"合同包含货物与技术，但未分列金额；应分列技术性、非技术性和载体费用。"},
	"MIXED_CONTRACT_TECH_PART": {Info, EffectNone, "修订认定规则 37 (§1.4)",
		"A mixed contract: only its technology part is registered, at the itemised technology amount.",
		"混合合同：仅就技术部分按分列的技术交易额登记。"},

	// Monopolistic clauses (SPC 10; void under Civil Code 850).
	"MONOPOLY_R1": {Blocker, EffectRefusal, "§1.5 R1; 最高法技术合同解释 10(1); 民法典 850",
		"Clause %[1]d restricts further R&D or the use of improvements, or requires a non-reciprocal grant-back: %[2]q.",
		"第 %[1]d 条限制在合同标的技术基础上进行新的研究开发或使用改进技术，或要求非互惠回授：“%[2]s”。"},
	"MONOPOLY_R2": {Blocker, EffectRefusal, "§1.5 R2; 最高法技术合同解释 10(2); 民法典 850",
		"Clause %[1]d restricts obtaining similar or competing technology from elsewhere: %[2]q.",
		"第 %[1]d 条限制从其他来源获得与标的技术类似或竞争的技术：“%[2]s”。"},
	"MONOPOLY_R3": {Blocker, EffectRefusal, "§1.5 R3; 最高法技术合同解释 10(3); 民法典 850",
		"Clause %[1]d limits the quantity, variety, price, sales channel or export market of the receiver's products: %[2]q.",
		"第 %[1]d 条不合理限制受让方产品的数量、品种、价格、销售渠道或出口市场：“%[2]s”。"},
	"MONOPOLY_R4": {Blocker, EffectRefusal, "§1.5 R4; 最高法技术合同解释 10(4); 民法典 850",
		"Clause %[1]d ties in technology, materials, products, equipment, services or staff the receiver does not need: %[2]q.",
		"第 %[1]d 条要求接受非必需的附带技术、原材料、产品、设备、服务或人员：“%[2]s”。"},
	"MONOPOLY_R5": {Warning, EffectNone, "§1.5 R5 [M: wording not re-read]; 最高法技术合同解释 10(5)",
		"Clause %[1]d appears to restrict where the receiver buys raw materials, parts, products or equipment: %[2]q.",
		"第 %[1]d 条似限制受让方购买原材料、零部件、产品或设备的渠道或来源：“%[2]s”。"},
	"MONOPOLY_R6": {Warning, EffectNone, "§1.5 R6 [M: wording not re-read]; 最高法技术合同解释 10(6)",
		"Clause %[1]d appears to forbid challenging the validity of the IP: %[2]q.",
		"第 %[1]d 条似禁止对知识产权的有效性提出异议：“%[2]s”。"},

	// Effectiveness, validity and time limits.
	"NOT_YET_EFFECTIVE": {Blocker, EffectRefusal, refRefusal + " (1)",
		"The contract is not yet in effect (%[1]s); file again once it is.", "合同尚未生效（%[2]s），生效后再申请登记。"},
	"CONTRACT_EXPIRED": {Blocker, EffectRefusal, "MIIT 2024 征求意见稿: 在合同有效期内申请 (§1.7)",
		"The contract's validity ended on %[1]s; registration is applied for within the validity period.",
		"合同有效期已于 %[1]s 届满；应在合同有效期内申请登记。"},
	"APPROVAL_MISSING": {Blocker, EffectRefusal, refRefusal + " (4)",
		"The contract needs state approval, and no approval document is filed.", "合同依法须经批准，但未提交批准文件。"},
	"VALIDITY_ENDS_BEFORE_DECISION": {Warning, EffectNone, "认定登记时限 (§1.8)",
		"The contract's validity ends on %[1]s, before the registrar's decision is due on %[2]s.",
		"合同有效期于 %[1]s 届满，早于登记机构的办理期限 %[2]s。"},
	"DEADLINE_DUE": {Info, EffectNone, "认定登记时限 (§1.8)",
		"The registrar's decision is due by %[1]s (%[2]s).", "登记机构应于 %[1]s 前办结（%[3]s）。"},
	"DEADLINE_OVERDUE": {Warning, EffectNone, "认定登记时限 (§1.8)",
		"The registrar's decision was due by %[1]s and is overdue.", "登记机构应于 %[1]s 前办结，已超期。"},
	"CALENDAR_NOT_COVERED": {Warning, EffectNone, "工作日历 (workcal)",
		"The working-day calendar has no holiday schedule for part of the period; Monday–Friday was assumed.",
		"工作日历缺少该期间部分年份的节假日安排，已按周一至周五计算。"},
	"CALENDAR_PROVISIONAL": {Info, EffectNone, "工作日历 (workcal)",
		"Part of the period uses a holiday schedule not yet published by the State Council; the date may move.",
		"期间部分年份的节假日安排为推算，国务院尚未公布，日期可能变化。"},
	"PATENT_TRANSFER_NEEDS_CNIPA": {Info, EffectNone, "专利法 10 (§1.6)",
		"A patent or application transfer takes effect only when registered with CNIPA.",
		"专利权或专利申请权的转让自国务院专利行政部门登记之日起生效。"},

	// Licences and IP.
	"LICENCE_EXCLUSIVITY_DEFAULTED": {Info, EffectNone, "最高法技术合同解释 25 (§1.2)",
		"No licence type is agreed: the licence is an ordinary (non-exclusive) licence.", "未约定许可方式，视为普通许可。"},
	"LICENCE_TERM_UNSTATED": {Info, EffectNone, "最高法技术合同解释 28 (§1.2)",
		"No licence term is agreed: the licensee's use is not limited in time.", "未约定许可期限，被许可人实施不受期限限制。"},
	"LICENCE_OUTLASTS_PATENT": {Warning, EffectNone, "民法典 865 (§1.2)",
		"The licence runs to %[1]s, beyond the patent's expiry on %[2]s; a patent licence is valid only while the patent lasts.",
		"许可期限至 %[1]s，超过专利有效期 %[2]s；专利实施许可仅在专利权存续期间有效。"},
	"IP_HOLDER_NOT_SELLER": {Warning, EffectNone, "技术转让认定条件 (3) 权属清晰 (§1.3)",
		"IP item %[1]s is held by %[2]q, not by a seller-side party; check the chain of title.",
		"知识产权 %[1]s 的权利人为 %[2]q，不是卖方当事人；请核实权属。"},
	"IP_ITEMS_MISSING": {Blocker, EffectCorrection, "技术转让认定条件 (1) (§1.3); " + refCC845 + " ¶3",
		"A %[1]s is declared but no IP item is listed; list each patent, application, secret or other right.",
		"申报为%[2]s，但未列明知识产权；应逐项列明专利、专利申请、技术秘密或其他权利。"},

	// Registrant and cross-border.
	"REGISTRANT_NOT_SELLER": {Blocker, EffectCorrection, refRegistrant,
		"The seller side registers the contract (once, in its locality); it is filed by the %[1]s.",
		"技术合同由卖方在其所在地登记一次；本合同由%[2]s申请。"},
	"REGISTRANT_INTERMEDIARY": {Warning, EffectNone, refRegistrant + "; 北京市技术市场条例",
		"Filed by the intermediary: accepted in some localities (e.g. Beijing) but the seller normally registers; no double registration.",
		"由中介方申请：部分地区（如北京）允许，但通常由卖方登记；不得重复登记。"},
	"REGISTRANT_IMPORT_BUYER": {Blocker, EffectCorrection, "MIIT 2024 征求意见稿 (§1.7)",
		"A technology-import contract is registered by the domestic buyer; it is filed by the %[1]s.",
		"技术进口合同由境内买方登记；本合同由%[2]s申请。"},
	"REGISTRANT_LOCALITY": {Blocker, EffectCorrection, refRegistrant,
		"The registrant is in %[1]s, but this registry is in %[2]s; register in the registrant's locality.",
		"登记主体位于%[3]s，本登记机构位于%[4]s；应在登记主体所在地登记。"},
	"CROSS_BORDER_UNDECLARED": {Blocker, EffectCorrection, "技术进出口管理条例 (§1.11)",
		"%[1]s is outside mainland China, but the contract is not declared as an import or export.",
		"%[1]s 位于境外（含港澳台），但合同未申报为技术进口或出口。"},
	"CROSS_BORDER_COMMERCE": {Info, EffectNone, "技术进出口管理条例 (§1.11); 企业所得税优惠条件 (§2.2)",
		"Technology %[1]s: the contract also needs registration with the commerce authority; CIT relief needs the provincial commerce department's registration.",
		"技术%[2]s合同还须在商务主管部门办理合同登记；享受所得税优惠须经省级以上商务部门认定登记。"},

	// Documents.
	"ATTACHMENT_CONTRACT_TEXT_MISSING": {Blocker, EffectCorrection, refDocuments + " (1); " + refRefusal + " (7)",
		"The complete contract text and annexes are not attached.", "未提交完整的合同文本及附件。"},
	"ATTACHMENT_AUTHORISATION_MISSING": {Blocker, EffectCorrection, refDocuments + " (4); 最高法技术合同解释 7",
		"%[1]s is an internal unit signing for its legal person; attach the legal representative's authorisation.",
		"%[1]s 为法人内部机构，须提交法定代表人授权书。"},
	"ATTACHMENT_FUNDING_CONSENT_MISSING": {Blocker, EffectCorrection, refDocuments + " (5)",
		"A government-funded result: attach the funding department's consent, or the task book or award notice.",
		"政府资助项目成果：须提交主管部门同意文件，或任务书、中标通知书。"},
	"ATTACHMENT_CHINESE_VERSION_MISSING": {Blocker, EffectCorrection, refDocuments + " (7); 修订认定规则 36",
		"The contract is in a foreign language: attach the Chinese version and the consistency undertaking.",
		"外文合同须提交中文文本及一致性承诺。"},

	// Technology amount.
	"LINE_ITEMS_SUM_MISMATCH": {Blocker, EffectCorrection, refAmount + "; " + refRefusal + " (3)",
		"The line items add up to %[1]s yuan, but the contract amount is %[2]s yuan.",
		"明细合计 %[1]s 元，与合同成交额 %[2]s 元不符。"},
	"LINE_ITEMS_ABSENT": {Info, EffectNone, refAmount,
		"No line items: the technology amount is taken as the whole contract amount, for the registrar to confirm.",
		"未分列明细：技术交易额暂按合同成交额计，由登记员核定。"},
	"CARRIER_EXCESS_DEDUCTED": {Info, EffectNone, refAmount,
		"Line item %[1]d: %[2]d of %[3]d carriers are a reasonable quantity; %[4]s yuan for the rest is deducted.",
		"第 %[1]d 项：%[3]d 件载体中合理数量为 %[2]d 件，其余 %[4]s 元予以扣除。"},
	"CARRIER_QUANTITY_DEFAULTED": {Info, EffectNone, refAmount,
		"Line item %[1]d: complete equipment without a stated reasonable quantity; 2 sets are counted (guidance: generally 1–2 sets).",
		"第 %[1]d 项：成套设备未写明合理数量，按 2 套计（一般为 1–2 套）。"},
	"CARRIER_QUANTITY_UNSTATED": {Warning, EffectNone, refAmount,
		"Line item %[1]d: %[2]d carriers without a stated reasonable quantity are all counted; the registrar should confirm.",
		"第 %[1]d 项：%[2]d 件载体未写明合理数量，暂全部计入，由登记员确认。"},
	"TECH_AMOUNT_OVERRIDDEN": {Info, EffectNone, refAmount,
		"The registrar set the technology amount to %[1]s yuan (computed: %[2]s yuan): %[3]s",
		"登记员核定技术交易额为 %[1]s 元（计算值 %[2]s 元）：%[3]s"},

	// Duplicates and integrity signals.
	"DUPLICATE_REGISTRATION": {Blocker, EffectRefusal, refRegistrant + ": 登记一次，不得重复登记",
		"The same contract is already registered (filing %[1]s).", "同一合同已登记（登记申请 %[1]s）。"},
	"INTEGRITY_SAME_CONTRACT": {Warning, EffectNone, refIntegrity,
		"The same contract content is also in filing %[1]s (status %[2]s).", "相同合同内容亦见于登记申请 %[1]s（状态 %[2]s）。"},
	"INTEGRITY_CIRCULAR": {Warning, EffectNone, refIntegrity,
		"Circular contracts: %[1]s.", "循环合同：%[1]s。"},
	"INTEGRITY_SPLIT_BELOW_THRESHOLD": {Warning, EffectNone, refIntegrity,
		"%[1]d contracts between the same parties within %[2]d days are each just under %[3]s yuan and together reach %[4]s yuan.",
		"相同当事人在 %[2]d 天内的 %[1]d 份合同均略低于 %[3]s 元，合计达 %[4]s 元。"},
	"INTEGRITY_TECH_RATIO": {Warning, EffectNone, refIntegrity,
		"Unusual technology-amount ratio: %[1]s.", "技术交易额比例异常：%[2]s。"},
}
