package web

import "fmt"

// Messages of the typed contract form in the deal room (deal_contract.go).
var dealContractMessages = map[string]message{
	"deal.ct.draft":           {"起草合同条款", "Draft the contract terms"},
	"deal.ct.hint":            {"已按达成一致的条款或当前草稿预填；金额以元为单位。表格末尾的空白行提交时忽略，提交后会再提供空白行。", "Pre-filled from the agreed terms or the current draft; amounts in yuan. Blank rows at the end of each table are ignored; new blank rows appear after each submission."},
	"deal.ct.errors":          {"合同条款有误，请按提示修改：", "Please correct the contract terms:"},
	"deal.ct.general":         {"合同概况", "The contract"},
	"deal.ct.title":           {"合同名称", "Title"},
	"deal.ct.subject":         {"标的内容、范围和要求", "Subject: content, scope and requirements"},
	"deal.ct.price_yuan":      {"合同金额（元）", "Contract price (yuan)"},
	"deal.ct.valid_from":      {"有效期自", "Valid from"},
	"deal.ct.valid_until":     {"有效期至", "Valid until"},
	"deal.ct.ip_items":        {"所涉知识产权", "IP items"},
	"deal.ct.ip_type":         {"类型", "Type"},
	"deal.ct.ip_number":       {"专利号或登记号", "Patent or registration number"},
	"deal.ct.ip_title":        {"名称", "Title"},
	"deal.ct.ip_holder":       {"权利人", "Holder"},
	"deal.ct.licence":         {"许可范围（仅许可合同）", "Licence scope (licences only)"},
	"deal.ct.field":           {"实施领域", "Field of use"},
	"deal.ct.term_months":     {"许可期限（月，留空为不限）", "Term (months, empty: no limit)"},
	"deal.ct.sublicense":      {"允许分许可", "Sublicensing allowed"},
	"deal.ct.payment":         {"价款及支付方式", "Price and payment"},
	"deal.ct.royalty_base":    {"提成基数", "Royalty base"},
	"deal.ct.royalty_rate":    {"提成比例方式", "Royalty rate"},
	"deal.ct.royalty_by_year": {"各合同年度提成比例（%）", "Royalty per contract year (%)"},
	"deal.ct.year":            {"第 %d 年", "Year %d"},
	"deal.ct.rate_pct":        {"比例（%）", "Rate (%)"},
	"deal.ct.book_inspection": {"受让方账目可供查阅", "The licensee's books may be inspected"},
	"deal.ct.milestones":      {"里程碑与验收", "Milestones and acceptance"},
	"deal.ct.ms_name":         {"名称", "Name"},
	"deal.ct.deliverables":    {"交付物（每行一项）", "Deliverables (one per line)"},
	"deal.ct.acceptance":      {"验收标准", "Acceptance criteria"},
	"deal.ct.amount_yuan":     {"金额（元）", "Amount (yuan)"},
	"deal.ct.due_date":        {"到期日", "Due date"},
	"deal.ct.line_items":      {"费用明细", "Line items"},
	"deal.ct.description":     {"内容", "Description"},
	"deal.ct.kind":            {"类别", "Kind"},
	"deal.ct.other":           {"保密、后续改进与争议解决", "Confidentiality, improvements and disputes"},
	"deal.ct.conf_years":      {"保密期限（年）", "Confidentiality (years)"},
	"deal.ct.conf_scope":      {"保密范围", "Confidentiality scope"},
	"deal.ct.improvements":    {"后续改进成果归属", "Ownership of improvements"},
	"deal.ct.dispute_method":  {"争议解决方式", "Dispute resolution"},
	"deal.ct.dispute_forum":   {"仲裁机构或法院", "Arbitration commission or court"},
	"deal.ct.advanced":        {"高级：以 JSON 编辑合同条款", "Advanced: edit the terms as JSON"},
}

func init() {
	for id, m := range dealContractMessages {
		if _, dup := catalog[id]; dup {
			panic(fmt.Sprintf("web: message %q defined twice", id))
		}
		catalog[id] = m
	}
}
