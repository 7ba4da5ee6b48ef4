package filing

import (
	"context"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/pdf"
	"github.com/techmarket-org/techmarket/internal/registration"
)

// Refusal reason codes a registrar chooses from (§1.5). The rule-based ones
// repeat the refusal findings of the check so that a refusal and the check that
// led to it use the same words; the last three are the registrar's own findings.
const (
	RefuseNotCorrected = "NOT_CORRECTED"
	RefuseFalseInfo    = "FALSE_INFORMATION"
	RefuseOther        = "OTHER"
)

// RefusalReasons are the coded reasons of a refusal (未予登记).
var RefusalReasons = domain.CodeList{
	{Code: "NOT_TECHNOLOGY_CONTRACT", Label: domain.Label{Zh: "不属于技术合同", En: "Not a technology contract"}},
	{Code: "ORAL_CONTRACT", Label: domain.Label{Zh: "口头合同", En: "Oral contract"}},
	{Code: "NO_TECHNOLOGY_AMOUNT", Label: domain.Label{Zh: "无技术交易额", En: "No technology amount"}},
	{Code: "DEVELOPMENT_NOT_INNOVATIVE", Label: domain.Label{Zh: "开发标的不具创新性", En: "Development subject not innovative"}},
	{Code: "CONSULTING_NOT_TECHNICAL", Label: domain.Label{Zh: "非技术性咨询", En: "Consulting not technical"}},
	{Code: "TRAINING_NOT_TECHNICAL", Label: domain.Label{Zh: "非技术性培训", En: "Training not technical"}},
	{Code: "SERVICE_ROUTINE_WORK", Label: domain.Label{Zh: "常规性服务", En: "Routine work, not a technical service"}},
	{Code: "PARTIES_IDENTICAL", Label: domain.Label{Zh: "当事人为同一法人", En: "Parties are the same legal person"}},
	{Code: "MONOPOLY_CLAUSE", Label: domain.Label{Zh: "含非法垄断技术条款", En: "Clause monopolising technology"}},
	{Code: "APPROVAL_MISSING", Label: domain.Label{Zh: "未取得法定批准", En: "Required state approval missing"}},
	{Code: "NOT_YET_EFFECTIVE", Label: domain.Label{Zh: "合同尚未生效", En: "Contract not yet effective"}},
	{Code: "CONTRACT_EXPIRED", Label: domain.Label{Zh: "合同有效期已满", En: "Contract validity ended"}},
	{Code: "DUPLICATE_REGISTRATION", Label: domain.Label{Zh: "重复登记", En: "Already registered"}},
	{Code: RefuseNotCorrected, Label: domain.Label{Zh: "未按要求补正", En: "Not corrected when asked"}},
	{Code: RefuseFalseInfo, Label: domain.Label{Zh: "提供虚假材料", En: "False information"}},
	{Code: RefuseOther, Label: domain.Label{Zh: "其他（见说明）", En: "Other (see note)"}},
}

// Certificate is what the registration certificate (技术合同登记证明) states.
type Certificate struct {
	FilingID            string     `json:"filing_id"`
	RegistrationNumber  string     `json:"registration_number"`
	RegistryName        string     `json:"registry_name"`
	ContractName        string     `json:"contract_name"`
	Type                string     `json:"type"`
	SubType             string     `json:"sub_type,omitempty"`
	Seller              string     `json:"seller"`
	Buyer               string     `json:"buyer"`
	SigningDate         string     `json:"signing_date"`
	AmountFen           domain.Fen `json:"amount_fen"`
	TechnologyAmountFen domain.Fen `json:"technology_amount_fen"`
	Overridden          bool       `json:"overridden"`
	RegisteredAt        time.Time  `json:"registered_at"`
	Version             int        `json:"version"`
}

// Certificate returns the certificate data of a registered filing.
func (s *Service) Certificate(ctx context.Context, actor domain.Actor, id string) (Certificate, error) {
	f, err := s.Get(ctx, actor, id)
	if err != nil {
		return Certificate{}, err
	}
	if f.Status != registration.StatusRegistered || f.RegisteredAt == nil {
		return Certificate{}, apperr.E("filing.Certificate", apperr.Conflict, "only a registered filing has a certificate")
	}
	reg, err := loadRegistry(ctx, s.db, f.RegistryOrgID)
	if err != nil {
		return Certificate{}, err
	}
	c := Certificate{FilingID: f.ID, RegistrationNumber: f.RegistrationNumber, RegistryName: reg.NameZh,
		ContractName: f.Contract.Name, SigningDate: f.Contract.SigningDate, AmountFen: f.AmountFen,
		TechnologyAmountFen: f.TechnologyAmountFen, Overridden: f.Override != nil, RegisteredAt: *f.RegisteredAt, Version: f.Version}
	if f.Result != nil {
		c.Type, c.SubType = f.Result.Classification, f.Result.SubType
	}
	for _, p := range f.Contract.Parties {
		switch {
		case p.Role == registration.RoleSeller && c.Seller == "":
			c.Seller = p.Name
		case p.Role == registration.RoleBuyer && c.Buyer == "":
			c.Buyer = p.Name
		}
	}
	return c, nil
}

// PDF renders the certificate, bilingual, on one A4 page.
func (c Certificate) PDF() ([]byte, error) {
	doc, err := pdf.New(pdf.Options{Title: "技术合同登记证明 " + c.RegistrationNumber, Author: c.RegistryName,
		Subject: "Technology contract registration certificate", Footer: "techmarket · " + c.FilingID})
	if err != nil {
		return nil, fmt.Errorf("certificate pdf: %w", err)
	}
	if err := doc.Heading("技术合同登记证明 / Technology Contract Registration Certificate", 16); err != nil {
		return nil, fmt.Errorf("certificate pdf: %w", err)
	}
	doc.Space(8)
	typeLabel := registration.ContractTypes.Label(c.Type)
	amountNote := ""
	if c.Overridden {
		amountNote = "（登记机构核定 / certified by the registry）"
	}
	lines := [][2]string{
		{"登记编号 Registration number", c.RegistrationNumber},
		{"登记机构 Registry", c.RegistryName},
		{"合同名称 Contract", c.ContractName},
		{"合同类别 Type", typeLabel.Zh + " / " + typeLabel.En},
		{"卖方 Seller", c.Seller},
		{"买方 Buyer", c.Buyer},
		{"签订日期 Signed", c.SigningDate},
		{"合同成交额 Contract amount", "¥" + c.AmountFen.Yuan()},
		{"技术交易额 Technology amount", "¥" + c.TechnologyAmountFen.Yuan() + amountNote},
		{"登记日期 Registered", c.RegisteredAt.In(chinaZone).Format(time.DateOnly)},
		{"版本 Version", fmt.Sprint(c.Version)},
	}
	for _, l := range lines {
		if err := doc.Paragraph(l[0]+"：  "+l[1], 11, pdf.Black); err != nil {
			return nil, fmt.Errorf("certificate pdf: %w", err)
		}
		doc.Space(2)
	}
	return doc.Bytes()
}
