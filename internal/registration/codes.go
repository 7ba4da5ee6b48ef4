package registration

import "github.com/techmarket-org/techmarket/internal/domain"

// Contract types (domain-rules §1.2; the codes are ours).
const (
	TypeDevelopment = "DEV" // 技术开发, Civil Code Art 851
	TypeTransfer    = "TRF" // 技术转让, Arts 862–863
	TypeLicence     = "LIC" // 技术许可, Arts 862–863
	TypeConsulting  = "CON" // 技术咨询, Art 878
	TypeService     = "SRV" // 技术服务 (with training and intermediary), Arts 878, 887
)

// Sub-types.
const (
	SubDevCommissioned = "DEV_COMMISSIONED"
	SubDevCooperative  = "DEV_COOPERATIVE"
	SubTrfPatent       = "TRF_PATENT"
	SubTrfPatentApp    = "TRF_PATENT_APP"
	SubTrfTechSecret   = "TRF_TECH_SECRET"
	SubTrfOtherIP      = "TRF_OTHER_IP"
	SubLicPatent       = "LIC_PATENT"
	SubLicTechSecret   = "LIC_TECH_SECRET"
	SubLicOtherIP      = "LIC_OTHER_IP"
	SubSrvGeneral      = "SRV_GENERAL"
	SubSrvTraining     = "SRV_TRAINING"
	SubSrvIntermediary = "SRV_INTERMEDIARY"
)

// ContractTypes lists the five legal types.
var ContractTypes = domain.CodeList{
	{Code: TypeDevelopment, Label: domain.Label{Zh: "技术开发", En: "Technology development"}},
	{Code: TypeTransfer, Label: domain.Label{Zh: "技术转让", En: "Technology transfer"}},
	{Code: TypeLicence, Label: domain.Label{Zh: "技术许可", En: "Technology licence"}},
	{Code: TypeConsulting, Label: domain.Label{Zh: "技术咨询", En: "Technology consulting"}},
	{Code: TypeService, Label: domain.Label{Zh: "技术服务", En: "Technology service"}},
}

// SubTypes lists the sub-types of each type; consulting has none.
var SubTypes = map[string]domain.CodeList{
	TypeDevelopment: {
		{Code: SubDevCommissioned, Label: domain.Label{Zh: "委托开发", En: "Commissioned development"}},
		{Code: SubDevCooperative, Label: domain.Label{Zh: "合作开发", En: "Cooperative development"}},
	},
	TypeTransfer: {
		{Code: SubTrfPatent, Label: domain.Label{Zh: "专利权转让", En: "Patent transfer"}},
		{Code: SubTrfPatentApp, Label: domain.Label{Zh: "专利申请权转让", En: "Patent-application transfer"}},
		{Code: SubTrfTechSecret, Label: domain.Label{Zh: "技术秘密转让", En: "Technology-secret transfer"}},
		{Code: SubTrfOtherIP, Label: domain.Label{Zh: "其他知识产权转让", En: "Other IP transfer"}},
	},
	TypeLicence: {
		{Code: SubLicPatent, Label: domain.Label{Zh: "专利实施许可", En: "Patent licence"}},
		{Code: SubLicTechSecret, Label: domain.Label{Zh: "技术秘密使用许可", En: "Technology-secret licence"}},
		{Code: SubLicOtherIP, Label: domain.Label{Zh: "其他知识产权许可", En: "Other IP licence"}},
	},
	TypeConsulting: {},
	TypeService: {
		{Code: SubSrvGeneral, Label: domain.Label{Zh: "技术服务", En: "General technical service"}},
		{Code: SubSrvTraining, Label: domain.Label{Zh: "技术培训", En: "Technical training"}},
		{Code: SubSrvIntermediary, Label: domain.Label{Zh: "技术中介", En: "Technology intermediary"}},
	},
}

// typeOfSubType maps a sub-type to its type.
func typeOfSubType(sub string) string {
	for t, list := range SubTypes {
		if list.Has(sub) {
			return t
		}
	}
	return ""
}

// Party roles.
const (
	RoleSeller       = "seller"
	RoleBuyer        = "buyer"
	RoleIntermediary = "intermediary"
	RoleOther        = "other"
)

// PartyRoles lists the roles a party can have in a contract.
var PartyRoles = domain.CodeList{
	{Code: RoleSeller, Label: domain.Label{Zh: "卖方（研究开发方、让与方、许可方、顾问方、服务方、培训方）", En: "Seller (R&D party, transferor, licensor, consultant, service provider, trainer)"}},
	{Code: RoleBuyer, Label: domain.Label{Zh: "买方（委托方、受让方、被许可方）", En: "Buyer (client, transferee, licensee)"}},
	{Code: RoleIntermediary, Label: domain.Label{Zh: "中介方", En: "Intermediary"}},
	{Code: RoleOther, Label: domain.Label{Zh: "其他", En: "Other"}},
}

// EntityTypes are the entity-type codes of the registration form (§1.10). The
// 4xx family (natural persons and others) is truncated in the source; any 4xx
// code is accepted.
var EntityTypes = domain.CodeList{
	{Code: "010", Label: domain.Label{Zh: "机关法人", En: "Government body"}},
	{Code: "020", Label: domain.Label{Zh: "事业法人", En: "Public institution"}},
	{Code: "021", Label: domain.Label{Zh: "科研机构", En: "Research institute"}},
	{Code: "022", Label: domain.Label{Zh: "高等院校", En: "University"}},
	{Code: "023", Label: domain.Label{Zh: "医疗卫生机构", En: "Medical institution"}},
	{Code: "024", Label: domain.Label{Zh: "其他事业单位", En: "Other public institution"}},
	{Code: "030", Label: domain.Label{Zh: "社团法人", En: "Social organisation"}},
	{Code: "100", Label: domain.Label{Zh: "内资企业", En: "Domestic enterprise"}},
	{Code: "110", Label: domain.Label{Zh: "国有企业", En: "State-owned enterprise"}},
	{Code: "120", Label: domain.Label{Zh: "集体企业", En: "Collective enterprise"}},
	{Code: "130", Label: domain.Label{Zh: "股份合作企业", En: "Joint-stock cooperative"}},
	{Code: "140", Label: domain.Label{Zh: "联营企业", En: "Joint operation"}},
	{Code: "150", Label: domain.Label{Zh: "有限责任公司", En: "Limited liability company"}},
	{Code: "160", Label: domain.Label{Zh: "股份有限公司", En: "Joint-stock limited company"}},
	{Code: "170", Label: domain.Label{Zh: "私营企业", En: "Private enterprise"}},
	{Code: "180", Label: domain.Label{Zh: "其他内资企业", En: "Other domestic enterprise"}},
	{Code: "200", Label: domain.Label{Zh: "港澳台商投资企业", En: "HK/Macao/Taiwan-invested enterprise"}},
	{Code: "210", Label: domain.Label{Zh: "合资经营企业（港澳台资）", En: "Equity joint venture (HK/Macao/Taiwan)"}},
	{Code: "220", Label: domain.Label{Zh: "合作经营企业（港澳台资）", En: "Contractual joint venture (HK/Macao/Taiwan)"}},
	{Code: "230", Label: domain.Label{Zh: "港澳台商独资经营企业", En: "Wholly HK/Macao/Taiwan-owned enterprise"}},
	{Code: "240", Label: domain.Label{Zh: "港澳台商投资股份有限公司", En: "HK/Macao/Taiwan-invested joint-stock company"}},
	{Code: "300", Label: domain.Label{Zh: "外商投资企业", En: "Foreign-invested enterprise"}},
	{Code: "310", Label: domain.Label{Zh: "中外合资经营企业", En: "Sino-foreign equity joint venture"}},
	{Code: "320", Label: domain.Label{Zh: "中外合作经营企业", En: "Sino-foreign contractual joint venture"}},
	{Code: "330", Label: domain.Label{Zh: "外资企业", En: "Wholly foreign-owned enterprise"}},
	{Code: "340", Label: domain.Label{Zh: "外商投资股份有限公司", En: "Foreign-invested joint-stock company"}},
	{Code: "400", Label: domain.Label{Zh: "自然人及其他", En: "Natural person and other"}},
}

// validEntityType accepts the listed codes and any 4xx code.
func validEntityType(code string) bool {
	if EntityTypes.Has(code) {
		return true
	}
	return len(code) == 3 && code[0] == '4' && isDigits(code)
}

// Deliverable kinds: what the seller owes, in terms of rights and duties.
const (
	DeliverRDResults        = "rd_results"        // new technical results from R&D the parties had not mastered
	DeliverIPOwnership      = "ip_ownership"      // ownership of an existing patent, application, secret or other IP
	DeliverIPLicence        = "ip_licence"        // the right to use an existing patent, secret or other IP
	DeliverEquity           = "equity"            // technology contributed as equity (技术入股)
	DeliverConsultingReport = "consulting_report" // a report or opinion (analysis, feasibility, evaluation, forecast)
	DeliverTechnicalService = "technical_service" // work that solves a specific technical problem
	DeliverTraining         = "training"          // teaching specialised knowledge to designated staff
	DeliverIntermediary     = "intermediary"      // bringing about and performing a contract with a third party
	DeliverGoods            = "goods"             // equipment, products or materials sold
	DeliverProcessing       = "processing"        // processing, custom-making or repair work (承揽)
	DeliverConstruction     = "construction"      // construction survey, design, build or supervision
)

// DeliverableKinds lists the deliverable codes.
var DeliverableKinds = domain.CodeList{
	{Code: DeliverRDResults, Label: domain.Label{Zh: "研究开发成果", En: "R&D results"}},
	{Code: DeliverIPOwnership, Label: domain.Label{Zh: "技术成果的权属", En: "Ownership of existing IP"}},
	{Code: DeliverIPLicence, Label: domain.Label{Zh: "技术成果的实施/使用权", En: "Right to use existing IP"}},
	{Code: DeliverEquity, Label: domain.Label{Zh: "技术入股", En: "Technology as equity"}},
	{Code: DeliverConsultingReport, Label: domain.Label{Zh: "咨询报告或意见", En: "Consulting report or opinion"}},
	{Code: DeliverTechnicalService, Label: domain.Label{Zh: "解决特定技术问题", En: "Solving a specific technical problem"}},
	{Code: DeliverTraining, Label: domain.Label{Zh: "技术培训", En: "Technical training"}},
	{Code: DeliverIntermediary, Label: domain.Label{Zh: "技术中介服务", En: "Intermediary service"}},
	{Code: DeliverGoods, Label: domain.Label{Zh: "货物、设备", En: "Goods or equipment"}},
	{Code: DeliverProcessing, Label: domain.Label{Zh: "加工承揽", En: "Processing work"}},
	{Code: DeliverConstruction, Label: domain.Label{Zh: "建设工程", En: "Construction work"}},
}

// Line-item kinds (§1.9).
const (
	ItemTechnical    = "technical"
	ItemNonTechnical = "non_technical"
	ItemCarrier      = "carrier"
)

// LineItemKinds lists the line-item kinds.
var LineItemKinds = domain.CodeList{
	{Code: ItemTechnical, Label: domain.Label{Zh: "技术性费用", En: "Technical"}},
	{Code: ItemNonTechnical, Label: domain.Label{Zh: "非技术性费用（设备、仪器、零部件、原材料等）", En: "Non-technical (equipment, instruments, parts, raw materials)"}},
	{Code: ItemCarrier, Label: domain.Label{Zh: "技术载体", En: "Technology carrier"}},
}

// Carrier kinds, each with its reasonable-quantity guidance (§1.9).
const (
	CarrierDocument          = "document"           // copies needed for archiving
	CarrierSoftwareMedia     = "software_media"     // quantity needed for trials and mastery
	CarrierBiological        = "biological"         // varieties, strains: as above
	CarrierHardware          = "hardware"           // hardware carriers: as above
	CarrierCompleteEquipment = "complete_equipment" // complete equipment or test installations: generally 1–2 sets
)

// CarrierKinds lists the carrier kinds.
var CarrierKinds = domain.CodeList{
	{Code: CarrierDocument, Label: domain.Label{Zh: "文件资料（方案、设计、图纸、检测报告）", En: "Documents (plans, designs, drawings, test reports)"}},
	{Code: CarrierSoftwareMedia, Label: domain.Label{Zh: "软件载体", En: "Software media"}},
	{Code: CarrierBiological, Label: domain.Label{Zh: "动植物新品种、菌种", En: "New varieties, strains"}},
	{Code: CarrierHardware, Label: domain.Label{Zh: "硬件载体", En: "Hardware carriers"}},
	{Code: CarrierCompleteEquipment, Label: domain.Label{Zh: "成套设备、试验装置", En: "Complete equipment, test installations"}},
}

// defaultCompleteEquipmentSets is the reasonable quantity of complete equipment
// when none is stated: "generally 1–2 sets" (§1.9); the upper bound is taken
// and reported so that the registrar can lower it.
const defaultCompleteEquipmentSets = 2

// Payment modes (Civil Code Art 846) plus equity contribution.
var PaymentModes = domain.CodeList{
	{Code: "LUMP_SUM_ONE_PAYMENT", Label: domain.Label{Zh: "一次总算、一次总付", En: "Lump sum, paid at once"}},
	{Code: "LUMP_SUM_INSTALMENTS", Label: domain.Label{Zh: "一次总算、分期支付", En: "Lump sum, paid in instalments"}},
	{Code: "ROYALTY", Label: domain.Label{Zh: "提成支付", En: "Royalty"}},
	{Code: "ROYALTY_PLUS_ENTRY_FEE", Label: domain.Label{Zh: "提成支付附加预付入门费", En: "Royalty plus entry fee"}},
	{Code: "EQUITY", Label: domain.Label{Zh: "技术作价入股", En: "Equity contribution"}},
}

// RoyaltyBases lists what a royalty is computed on (Art 846).
var RoyaltyBases = domain.CodeList{
	{Code: "product_price", Label: domain.Label{Zh: "产品价格", En: "Product price"}},
	{Code: "new_output_value", Label: domain.Label{Zh: "新增产值", En: "New output value"}},
	{Code: "profit", Label: domain.Label{Zh: "利润", En: "Profit"}},
	{Code: "sales", Label: domain.Label{Zh: "产品销售额", En: "Sales"}},
}

// RoyaltyRates lists how a royalty rate moves (Art 846).
var RoyaltyRates = domain.CodeList{
	{Code: "fixed", Label: domain.Label{Zh: "固定比例", En: "Fixed"}},
	{Code: "increasing", Label: domain.Label{Zh: "逐年递增", En: "Increasing"}},
	{Code: "decreasing", Label: domain.Label{Zh: "逐年递减", En: "Decreasing"}},
}

// Licence exclusivity (SPC Art 25).
const (
	ExclusivityExclusive = "exclusive" // 独占
	ExclusivitySole      = "sole"      // 排他
	ExclusivityOrdinary  = "ordinary"  // 普通
)

// Exclusivities lists the licence kinds.
var Exclusivities = domain.CodeList{
	{Code: ExclusivityExclusive, Label: domain.Label{Zh: "独占许可", En: "Exclusive"}},
	{Code: ExclusivitySole, Label: domain.Label{Zh: "排他许可", En: "Sole"}},
	{Code: ExclusivityOrdinary, Label: domain.Label{Zh: "普通许可", En: "Ordinary"}},
}

// Attachment kinds (§1.7 documents).
const (
	AttachContractText   = "contract_text"     // the signed contract and annexes
	AttachForm           = "registration_form" // 技术合同登记表
	AttachAuthorisation  = "authorisation"     // legal representative's authorisation (internal units)
	AttachFundingConsent = "funding_consent"   // competent department's consent, task book or award notice
	AttachApproval       = "approval"          // production licence or state approval
	AttachChineseVersion = "chinese_version"   // Chinese text and consistency undertaking
	AttachIPCertificate  = "ip_certificate"    // patent certificate or register extract
	AttachOther          = "other"
)

// AttachmentKinds lists the attachment kinds.
var AttachmentKinds = domain.CodeList{
	{Code: AttachContractText, Label: domain.Label{Zh: "合同文本及附件", En: "Contract text and annexes"}},
	{Code: AttachForm, Label: domain.Label{Zh: "技术合同登记表", En: "Registration form"}},
	{Code: AttachAuthorisation, Label: domain.Label{Zh: "法定代表人授权书", En: "Legal representative's authorisation"}},
	{Code: AttachFundingConsent, Label: domain.Label{Zh: "主管部门同意文件、任务书或中标通知书", En: "Funding department's consent, task book or award notice"}},
	{Code: AttachApproval, Label: domain.Label{Zh: "审批或许可文件", En: "State approval or licence"}},
	{Code: AttachChineseVersion, Label: domain.Label{Zh: "中文文本及一致性承诺", En: "Chinese version and consistency undertaking"}},
	{Code: AttachIPCertificate, Label: domain.Label{Zh: "知识产权证书", En: "IP certificate"}},
	{Code: AttachOther, Label: domain.Label{Zh: "其他", En: "Other"}},
}

// Contract forms.
const (
	FormWritten    = "written"
	FormElectronic = "electronic"
	FormOral       = "oral"
)

// Forms lists the contract forms.
var Forms = domain.CodeList{
	{Code: FormWritten, Label: domain.Label{Zh: "书面", En: "Written"}},
	{Code: FormElectronic, Label: domain.Label{Zh: "电子合同", En: "Electronic"}},
	{Code: FormOral, Label: domain.Label{Zh: "口头", En: "Oral"}},
}

// Cross-border flags.
const (
	CrossBorderNone   = "none"
	CrossBorderImport = "import"
	CrossBorderExport = "export"
)

// CrossBorders lists the cross-border flags.
var CrossBorders = domain.CodeList{
	{Code: CrossBorderNone, Label: domain.Label{Zh: "境内", En: "Domestic"}},
	{Code: CrossBorderImport, Label: domain.Label{Zh: "技术进口", En: "Technology import"}},
	{Code: CrossBorderExport, Label: domain.Label{Zh: "技术出口", En: "Technology export"}},
}

// DevelopmentModes lists the development sub-modes.
var DevelopmentModes = domain.CodeList{
	{Code: "commissioned", Label: domain.Label{Zh: "委托开发", En: "Commissioned"}},
	{Code: "cooperative", Label: domain.Label{Zh: "合作开发", En: "Cooperative"}},
}

// ProgrammeTypes lists the government programme levels of contract statistics (§3.1).
var ProgrammeTypes = domain.CodeList{
	{Code: "national", Label: domain.Label{Zh: "国家计划", En: "National programme"}},
	{Code: "ministry", Label: domain.Label{Zh: "部门计划", En: "Ministry programme"}},
	{Code: "provincial", Label: domain.Label{Zh: "省级计划", En: "Provincial programme"}},
	{Code: "municipal", Label: domain.Label{Zh: "地市级计划", En: "Municipal programme"}},
	{Code: "none", Label: domain.Label{Zh: "非计划项目", En: "No programme"}},
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
