package deal

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/pdf"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// contractDoc is everything a contract document shows.
type contractDoc struct {
	DealID      string
	Version     int
	Drafted     string // China date
	Venue       string
	RuleVersion int
	Method      domain.Label
	Seller      partyInfo
	Buyer       partyInfo
	Brokers     []Broker
	Terms       Terms
	// For the PDF rendering only: the signed hash and the signatures so far.
	SHA256     string
	Signatures []Signature
}

type partyInfo struct {
	Name   string
	USCC   string
	Region string
}

func (s *Service) contractDoc(ctx context.Context, q store.Querier, d Deal, version int, t Terms, drafted time.Time) (contractDoc, error) {
	doc := contractDoc{DealID: d.ID, Version: version, Drafted: drafted.In(chinaZone).Format(time.DateOnly), RuleVersion: d.RuleVersion,
		Method: rules.Methods.Label(string(d.Method)), Terms: t}
	v, err := rules.GetVenue(ctx, q, d.Venue, false)
	if err != nil {
		return doc, err
	}
	doc.Venue = v.Name.Zh
	for _, p := range []struct {
		org string
		dst *partyInfo
	}{{d.SellerOrgID, &doc.Seller}, {d.BuyerOrgID, &doc.Buyer}} {
		if err := q.QueryRow(ctx, `SELECT name_zh, COALESCE(uscc, ''), region_code FROM organizations WHERE id = ?`, p.org).
			Scan(&p.dst.Name, &p.dst.USCC, &p.dst.Region); err != nil {
			return doc, fmt.Errorf("read party %s: %w", p.org, err)
		}
	}
	doc.Brokers, err = dealBrokers(ctx, q, d.ID)
	return doc, err
}

// typeTitle is the contract's heading: "技术转让合同（专利权转让）".
func (doc contractDoc) typeTitle() domain.Label {
	t := registration.ContractTypes.Label(doc.Terms.ContractType)
	out := domain.Label{Zh: t.Zh + "合同", En: t.En + " contract"}
	if doc.Terms.SubType != "" {
		sub := registration.SubTypes[doc.Terms.ContractType].Label(doc.Terms.SubType)
		out.Zh += "（" + sub.Zh + "）"
		out.En += " (" + sub.En + ")"
	}
	return out
}

// sections lists the contract's clauses as (heading, lines), shared by the
// HTML and PDF renderings so both say the same thing.
func (doc contractDoc) sections() []section {
	t := doc.Terms
	var out []section
	out = append(out, section{"第一条 标的 / Subject", []string{t.Subject}})
	if len(t.IPItems) > 0 {
		var lines []string
		for _, it := range t.IPItems {
			l := domain.IPTypes.Label(it.Type)
			line := l.Zh + " / " + l.En
			for _, part := range []string{it.Number, it.Title, it.Holder} {
				if part != "" {
					line += "；" + part
				}
			}
			lines = append(lines, line)
		}
		out = append(out, section{"第二条 知识产权 / Intellectual property", lines})
	}
	if lic := t.Licence; lic != nil {
		ex := registration.Exclusivities.Label(lic.Exclusivity)
		term := "不限期（在专利有效期内）/ no time limit (within the patent's life)"
		if lic.TermMonths > 0 {
			term = fmt.Sprintf("%d个月 / %d months", lic.TermMonths, lic.TermMonths)
		}
		lines := []string{"许可方式 / Exclusivity：" + ex.Zh + " / " + ex.En, "地域 / Territory：" + lic.Territory, "期限 / Term：" + term}
		if lic.Field != "" {
			lines = append(lines, "领域 / Field of use："+lic.Field)
		}
		sub := "不得分许可 / no sublicensing"
		if lic.Sublicense {
			sub = "可以分许可（普通许可）/ sublicensing permitted (ordinary)"
		}
		out = append(out, section{"第三条 许可范围 / Licence scope", append(lines, sub)})
	}
	out = append(out, section{"第四条 价款及支付 / Price and payment", doc.paymentLines()})
	if len(t.Milestones) > 0 {
		var lines []string
		for i, m := range t.Milestones {
			line := fmt.Sprintf("%d. %s：交付 / deliverables %s；验收标准 / acceptance: %s；金额 / amount %s 元", i+1, m.Name,
				strings.Join(m.Deliverables, "、"), m.AcceptanceCriteria, m.AmountFen.Yuan())
			if m.DueDate != "" {
				line += "；期限 / due " + m.DueDate
			}
			lines = append(lines, line)
		}
		out = append(out, section{"第五条 里程碑与验收 / Milestones and acceptance", lines})
	}
	if len(t.LineItems) > 0 {
		var lines []string
		for _, li := range t.LineItems {
			k := registration.LineItemKinds.Label(li.Kind)
			lines = append(lines, fmt.Sprintf("%s（%s / %s）：%s 元", li.Description, k.Zh, k.En, li.AmountFen.Yuan()))
		}
		out = append(out, section{"第六条 费用构成 / Price breakdown", lines})
	}
	conf := fmt.Sprintf("保密期限 / term：%d年 / years", t.Confidentiality.Years)
	if t.Confidentiality.Scope != "" {
		conf += "；范围 / scope：" + t.Confidentiality.Scope
	}
	imp := ImprovementRules.Label(t.Improvements)
	dm := DisputeMethods.Label(t.Dispute.Method)
	out = append(out,
		section{"第七条 保密 / Confidentiality", []string{conf}},
		section{"第八条 后续改进 / Improvements", []string{imp.Zh + " / " + imp.En}},
		section{"第九条 争议解决 / Disputes", []string{dm.Zh + " / " + dm.En + "：" + t.Dispute.Forum}})
	if t.ValidFrom != "" || t.ValidUntil != "" {
		out = append(out, section{"第十条 有效期 / Term of contract", []string{t.ValidFrom + " — " + t.ValidUntil}})
	}
	if len(doc.Brokers) > 0 {
		var lines []string
		for _, b := range doc.Brokers {
			side := "卖方 / seller"
			if b.Side == SideBuyer {
				side = "买方 / buyer"
			}
			lines = append(lines, fmt.Sprintf("技术经理人 / Technology manager：%s（受%s委托 / mandated by the %s）", b.Name, side, b.Side))
		}
		out = append(out, section{"第十一条 中介方 / Intermediary", lines})
	}
	return out
}

type section struct {
	Heading string
	Lines   []string
}

func (doc contractDoc) paymentLines() []string {
	p := doc.Terms.Payment
	mode := registration.PaymentModes.Label(p.Mode)
	lines := []string{fmt.Sprintf("合同金额 / Contract price：人民币 %s 元 / RMB %s", doc.Terms.PriceFen.Yuan(), doc.Terms.PriceFen.Yuan()),
		"支付方式 / Payment：" + mode.Zh + " / " + mode.En}
	if p.EntryFeeFen > 0 {
		lines = append(lines, fmt.Sprintf("入门费 / Entry fee：%s 元", p.EntryFeeFen.Yuan()))
	}
	if p.RoyaltyBase != "" {
		base, rate := registration.RoyaltyBases.Label(p.RoyaltyBase), registration.RoyaltyRates.Label(p.RoyaltyRate)
		var rates []string
		for _, bp := range p.RoyaltyBPByYear {
			rates = append(rates, fmt.Sprintf("%d.%02d%%", bp/100, bp%100))
		}
		lines = append(lines, fmt.Sprintf("提成 / Royalty：以%s为基数，%s（%s）/ on %s, %s (%s)", base.Zh, rate.Zh, strings.Join(rates, " → "),
			strings.ToLower(base.En), strings.ToLower(rate.En), strings.Join(rates, " → ")))
	}
	if p.FreeUseMonths > 0 {
		lines = append(lines, fmt.Sprintf("先使用后付费 / Use first, pay later：免费使用期%d个月 / %d free months", p.FreeUseMonths, p.FreeUseMonths))
	}
	if p.BookInspection {
		lines = append(lines, "许可方有权查阅与提成有关的会计账目 / The licensor may inspect the books relevant to royalties")
	}
	return lines
}

var contractTemplate = template.Must(template.New("contract").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{{.Title.Zh}}</title>
<style>body{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;max-width:46em;margin:2em auto;line-height:1.6;color:#1f2937}
h1{font-size:1.5em;text-align:center}h2{font-size:1.05em;margin-top:1.4em}.meta{color:#6b7280;font-size:.9em}
table.parties td{padding:.2em .8em .2em 0;vertical-align:top}.sign{margin-top:3em;display:flex;gap:4em}</style></head>
<body>
<h1>{{.Title.Zh}}<br><small>{{.Title.En}}</small></h1>
<p class="meta">合同名称 / Title：{{.Doc.Terms.Title}}<br>
交易编号 / Deal：{{.Doc.DealID}} · 第{{.Doc.Version}}稿 / draft {{.Doc.Version}} · {{.Doc.Drafted}}<br>
交易场所 / Venue：{{.Doc.Venue}}（规则第{{.Doc.RuleVersion}}版 / rules v{{.Doc.RuleVersion}}）· 交易方式 / Method：{{.Doc.Method.Zh}} / {{.Doc.Method.En}}</p>
<table class="parties">
<tr><td>卖方（让与方、许可方、研究开发方、服务方）<br>Seller</td><td>{{.Doc.Seller.Name}}<br>统一社会信用代码 / USCC：{{.Doc.Seller.USCC}} · 行政区划 / Region：{{.Doc.Seller.Region}}</td></tr>
<tr><td>买方（受让方、被许可方、委托方）<br>Buyer</td><td>{{.Doc.Buyer.Name}}<br>统一社会信用代码 / USCC：{{.Doc.Buyer.USCC}} · 行政区划 / Region：{{.Doc.Buyer.Region}}</td></tr>
</table>
{{range .Sections}}<h2>{{.Heading}}</h2>
{{range .Lines}}<p>{{.}}</p>
{{end}}{{end}}
<div class="sign"><div>卖方（签章）/ Seller：</div><div>买方（签章）/ Buyer：</div></div>
</body></html>
`))

// renderContractHTML renders the document. The output depends only on doc, so
// the stored bytes and their hash identify exactly what was drafted.
func renderContractHTML(doc contractDoc) ([]byte, error) {
	var buf bytes.Buffer
	err := contractTemplate.Execute(&buf, map[string]any{"Title": doc.typeTitle(), "Doc": doc, "Sections": doc.sections()})
	if err != nil {
		return nil, fmt.Errorf("render contract: %w", err)
	}
	return buf.Bytes(), nil
}

// renderContractPDF renders the same clauses as PDF, with the document hash
// and the signatures recorded so far.
func renderContractPDF(doc contractDoc) ([]byte, error) {
	title := doc.typeTitle()
	d, err := pdf.New(pdf.Options{Title: title.Zh, Author: "techmarket", Subject: doc.Terms.Title,
		Footer: fmt.Sprintf("%s · v%d · SHA-256 %s", doc.DealID, doc.Version, shortHash(doc.SHA256))})
	if err != nil {
		return nil, err
	}
	steps := []func() error{
		func() error { return d.Heading(title.Zh+" / "+title.En, 16) },
		func() error { return d.Paragraph("合同名称 / Title："+doc.Terms.Title, 10, pdf.Black) },
		func() error {
			return d.Paragraph(fmt.Sprintf("交易编号 / Deal %s · 第%d稿 / draft %d · %s · %s（规则第%d版）", doc.DealID, doc.Version, doc.Version,
				doc.Drafted, doc.Venue, doc.RuleVersion), 9, pdf.Gray)
		},
		func() error {
			return d.Table(pdf.Table{Columns: []pdf.Column{{Title: "当事人 / Party", Width: 0.3}, {Title: "名称 / Name", Width: 0.4},
				{Title: "统一社会信用代码 / USCC", Width: 0.3}}, Rows: [][]string{
				{"卖方 / Seller", doc.Seller.Name, doc.Seller.USCC}, {"买方 / Buyer", doc.Buyer.Name, doc.Buyer.USCC}}})
		},
	}
	for _, sec := range doc.sections() {
		sec := sec
		steps = append(steps, func() error { return d.Heading(sec.Heading, 11) })
		for _, line := range sec.Lines {
			line := line
			steps = append(steps, func() error { return d.Paragraph(line, 10, pdf.Black) })
		}
	}
	steps = append(steps, func() error { return d.Heading("签署 / Signatures", 11) })
	if len(doc.Signatures) == 0 {
		steps = append(steps, func() error { return d.Paragraph("尚未签署 / Not signed yet", 10, pdf.Gray) })
	}
	for _, sg := range doc.Signatures {
		line := fmt.Sprintf("%s：%s（%s）于 %s 签署，文件 SHA-256 %s", sg.Side, sg.UserName, sg.UserID,
			sg.SignedAt.In(chinaZone).Format("2006-01-02 15:04:05"), sg.DocumentSHA256)
		steps = append(steps, func() error { return d.Paragraph(line, 9, pdf.Black) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("render contract PDF: %w", err)
		}
	}
	return d.Bytes()
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}
