// Package domain holds the value types and code lists shared by every capability:
// technology fields, TRL, transfer modes, organisation types, roles, regions,
// unified social credit codes and money. It depends on nothing else in the project.
package domain

// Label is a bilingual display name.
type Label struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the label in a language ("zh" or "en").
func (l Label) In(lang string) string {
	if lang == "zh" {
		return l.Zh
	}
	return l.En
}

// Code is one entry of a code list.
type Code struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
}

// CodeList is an ordered list of codes with lookup.
type CodeList []Code

// Has reports whether c is in the list.
func (l CodeList) Has(c string) bool {
	for _, x := range l {
		if x.Code == c {
			return true
		}
	}
	return false
}

// Label returns the label of c, or c itself in both languages when unknown.
func (l CodeList) Label(c string) Label {
	for _, x := range l {
		if x.Code == c {
			return x.Label
		}
	}
	return Label{Zh: c, En: c}
}

// Codes returns the bare codes, in order.
func (l CodeList) Codes() []string {
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = x.Code
	}
	return out
}

// TechFields are the 11 technology fields of the national contract statistics
// (domain-rules §8.3).
var TechFields = CodeList{
	{"EI", Label{"电子信息", "Electronic information"}},
	{"AS", Label{"航空航天", "Aerospace"}},
	{"AM", Label{"先进制造", "Advanced manufacturing"}},
	{"BIO", Label{"生物、医药和医疗器械", "Biology, medicine and medical devices"}},
	{"NM", Label{"新材料及其应用", "New materials"}},
	{"NE", Label{"新能源与高效节能", "New energy and energy efficiency"}},
	{"ENV", Label{"环境保护与资源综合利用", "Environment and resource use"}},
	{"NUC", Label{"核应用技术", "Nuclear applications"}},
	{"AGR", Label{"农业技术", "Agriculture"}},
	{"TRN", Label{"现代交通", "Modern transport"}},
	{"URB", Label{"城市建设与社会发展", "Urban construction and social development"}},
}

// TransferModes are the ways a technology changes hands (PRODUCT.md §1).
var TransferModes = CodeList{
	{"transfer", Label{"转让", "Transfer of ownership"}},
	{"licence_exclusive", Label{"独占许可", "Exclusive licence"}},
	{"licence_sole", Label{"排他许可", "Sole licence"}},
	{"licence_ordinary", Label{"普通许可", "Ordinary licence"}},
	{"equity", Label{"作价入股", "Equity contribution"}},
	{"joint_development", Label{"合作开发", "Joint development"}},
	{"service", Label{"技术服务", "Technical service"}},
}

// PriceTypes say how firm a listed price is.
var PriceTypes = CodeList{
	{"negotiable", Label{"面议", "Negotiable"}},
	{"indicative", Label{"参考价", "Indicative"}},
	{"floor", Label{"底价", "Floor price"}},
	{"firm", Label{"一口价", "Firm price"}},
}

// IPTypes are the kinds of IP item a listing or contract can carry (domain-rules §8.4).
var IPTypes = CodeList{
	{"invention_patent", Label{"发明专利", "Invention patent"}},
	{"utility_model", Label{"实用新型专利", "Utility model"}},
	{"design_patent", Label{"外观设计专利", "Design patent"}},
	{"patent_application", Label{"专利申请", "Patent application"}},
	{"technology_secret", Label{"技术秘密", "Technology secret"}},
	{"software_copyright", Label{"计算机软件著作权", "Software copyright"}},
	{"ic_layout", Label{"集成电路布图设计", "IC layout design"}},
	{"plant_variety", Label{"植物新品种", "Plant variety"}},
	{"biomedicine_variety", Label{"生物医药新品种", "New biomedicine variety"}},
	{"other", Label{"其他", "Other"}},
}

// IPStatuses are the legal states of an IP item.
var IPStatuses = CodeList{
	{"pending", Label{"审查中", "Pending"}},
	{"granted", Label{"已授权", "Granted"}},
	{"lapsed", Label{"已失效", "Lapsed"}},
	{"invalidated", Label{"已宣告无效", "Invalidated"}},
	{"expired", Label{"期满终止", "Expired"}},
}

// OrgTypes are the kinds of organisation on the platform.
var OrgTypes = CodeList{
	{"university", Label{"高等院校", "University"}},
	{"research_institute", Label{"科研院所", "Research institute"}},
	{"enterprise", Label{"企业", "Enterprise"}},
	{"exchange", Label{"技术交易机构", "Technology exchange"}},
	{"contract_registry", Label{"技术合同登记机构", "Contract registry"}},
	{"bank", Label{"银行", "Bank"}},
	{"government", Label{"政府部门", "Government"}},
	{"service_agency", Label{"服务机构/孵化器", "Service agency / incubator"}},
}

// Roles a user can hold in an organisation.
var Roles = CodeList{
	{"seller", Label{"卖方", "Seller"}},
	{"buyer", Label{"买方", "Buyer"}},
	{"broker", Label{"技术经理人", "Technology manager"}},
	{"operator", Label{"交易机构运营", "Exchange operator"}},
	{"registrar", Label{"登记员", "Registrar"}},
	{"bank_officer", Label{"银行业务员", "Bank officer"}},
	{"admin", Label{"管理员", "Administrator"}},
}

// Role names as constants for access checks.
const (
	RoleSeller      = "seller"
	RoleBuyer       = "buyer"
	RoleBroker      = "broker"
	RoleOperator    = "operator"
	RoleRegistrar   = "registrar"
	RoleBankOfficer = "bank_officer"
	RoleAdmin       = "admin"
)

// ListingKinds: achievements are supply, needs are demand.
var ListingKinds = CodeList{
	{"achievement", Label{"科技成果", "Technology"}},
	{"need", Label{"技术需求", "Technology need"}},
}

// ListingStatuses is the listing lifecycle.
var ListingStatuses = CodeList{
	{"draft", Label{"草稿", "Draft"}},
	{"submitted", Label{"待审核", "Submitted"}},
	{"published", Label{"已发布", "Published"}},
	{"rejected", Label{"已驳回", "Rejected"}},
	{"expired", Label{"已过期", "Expired"}},
	{"withdrawn", Label{"已撤回", "Withdrawn"}},
}

// TRLs are the nine technology readiness levels (domain-rules §4.4).
var TRLs = []Label{
	{"观察到基本原理并形成报告", "Basic principles observed and reported"},
	{"形成技术概念或应用方案", "Technology concept or application formulated"},
	{"关键功能经分析或实验室验证", "Key function proven analytically or in the lab"},
	{"部件或模块实验室验证（样机）", "Component validated in the lab (lab prototype)"},
	{"部件或模块在相关环境中验证", "Component validated in a relevant environment"},
	{"系统或分系统原型在相关环境中演示（中试）", "System prototype shown in a relevant environment (pilot)"},
	{"系统原型在实际运行环境中演示", "System prototype shown in the real operating environment"},
	{"实际系统完成并定型", "Actual system completed and qualified"},
	{"实际系统经运行验证，批量生产或广泛应用", "Actual system proven in operation; batch production"},
}

// TRLLabel returns the definition of TRL n (1–9).
func TRLLabel(n int) Label {
	if n < 1 || n > 9 {
		return Label{}
	}
	return TRLs[n-1]
}
