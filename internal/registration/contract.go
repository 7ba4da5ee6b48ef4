package registration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Contract is a technology contract as filed for registration, in the JSON form
// of the REST API (POST /api/v1/registration/check) and of the CLI. It carries
// the fields of the registration form (技术合同登记表, domain-rules §1.10) plus
// the facts the checks need. Dates are "YYYY-MM-DD"; money is integer fen.
type Contract struct {
	// ID identifies the filing when it is stored; optional for a bare check.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"` // the contract's own title (合同名称)

	DeclaredType    string `json:"declared_type"`               // DEV | TRF | LIC | CON | SRV
	DeclaredSubType string `json:"declared_sub_type,omitempty"` // e.g. TRF_PATENT; see SubTypes

	Form     string `json:"form,omitempty"`     // written (default) | electronic | oral
	Language string `json:"language,omitempty"` // ISO 639-1 code of the signed text; "" means zh

	Parties []Party `json:"parties"`
	// FiledBy is the role of the party that files (registrant): seller, buyer or intermediary.
	FiledBy string `json:"filed_by"`

	AmountFen domain.Fen `json:"amount_fen"` // 合同成交额, the total contract price
	LineItems []LineItem `json:"line_items,omitempty"`

	TechField string   `json:"tech_field"` // domain.TechFields code
	IPType    string   `json:"ip_type"`    // domain.IPTypes code, or "none"
	IPItems   []IPItem `json:"ip_items,omitempty"`

	SigningDate string `json:"signing_date"`
	ValidFrom   string `json:"valid_from"`
	ValidUntil  string `json:"valid_until"`

	// Subject states the content, scope and requirements of the subject matter (标的).
	Subject string `json:"subject"`
	// Deliverables say what the seller owes the buyer: the rights and duties the
	// classification is judged on. Codes in DeliverableKinds.
	Deliverables []string `json:"deliverables,omitempty"`
	// DevelopmentMode applies to development contracts: commissioned | cooperative.
	DevelopmentMode string `json:"development_mode,omitempty"`

	Licence *Licence `json:"licence,omitempty"`
	Payment Payment  `json:"payment"`
	// Clauses are free-text contract terms; they are linted for monopolistic
	// restrictions and read by the classifier.
	Clauses []string `json:"clauses,omitempty"`

	CrossBorder string       `json:"cross_border,omitempty"` // "" or none | import | export
	Attachments []Attachment `json:"attachments,omitempty"`
	Content     Content      `json:"content"`

	// Facts declared by the filer that decide registrability or benefits.
	SubjectAlreadyMastered bool `json:"subject_already_mastered,omitempty"` // development subject already mastered or industrialised
	PublicDomain           bool `json:"public_domain,omitempty"`            // the technology is publicly known (公知技术)
	GovernmentFunded       bool `json:"government_funded,omitempty"`        // result of a government-funded project
	ApprovalRequired       bool `json:"approval_required,omitempty"`        // state approval needed for the contract to take effect
	ExportRestricted       bool `json:"export_restricted,omitempty"`        // technology on the prohibited or restricted export list
	Disputed               bool `json:"disputed,omitempty"`                 // the contract is in dispute (longer review time)

	// Registration-form and statistics fields (§1.10, §3.1); optional.
	ExpectedInvestmentFen  domain.Fen `json:"expected_investment_fen,omitempty"`
	ExpectedOutputValueFen domain.Fen `json:"expected_output_value_fen,omitempty"`
	ProgrammeType          string     `json:"programme_type,omitempty"` // ProgrammeTypes code
	SocioEconomicObjective string     `json:"socio_economic_objective,omitempty"`
}

// Party is one contracting party.
type Party struct {
	Role        string `json:"role"` // seller | buyer | intermediary | other
	Name        string `json:"name"`
	USCC        string `json:"uscc,omitempty"`         // 18-character unified social credit code
	EntityType  string `json:"entity_type,omitempty"`  // 3-digit registration-form code (EntityTypes)
	RegionCode  string `json:"region_code,omitempty"`  // 6-digit GB/T 2260 code, domestic parties
	CountryCode string `json:"country_code,omitempty"` // 3-digit customs or ISO alpha-3 code; "" means China
	// IndustryCode is the GB/T 4754 code of the party's industry (R&D super-deduction exclusions).
	IndustryCode string `json:"industry_code,omitempty"`
	// RelatedParty marks a party related to the other side (关联方).
	RelatedParty bool `json:"related_party,omitempty"`
	// RelatedHoldingPct is how much of one side the other holds, directly or
	// indirectly, in percent (100 excludes CIT relief).
	RelatedHoldingPct int `json:"related_holding_pct,omitempty"`
	// InternalUnit marks an internal department or research group (课题组) that
	// signs for its legal person and needs the legal representative's authorisation.
	InternalUnit bool `json:"internal_unit,omitempty"`
}

// LineItem is one priced part of the contract, used to compute the technology
// amount (§1.9).
type LineItem struct {
	Description string     `json:"description"`
	AmountFen   domain.Fen `json:"amount_fen"`
	Kind        string     `json:"kind"` // technical | non_technical | carrier
	// Quantity and ReasonableQuantity apply to carriers: only the reasonable
	// quantity counts towards the technology amount.
	Quantity           int    `json:"quantity,omitempty"`
	ReasonableQuantity int    `json:"reasonable_quantity,omitempty"`
	CarrierKind        string `json:"carrier_kind,omitempty"` // CarrierKinds code
}

// IPItem is one patent, application or other IP right the contract concerns.
type IPItem struct {
	Type       string `json:"type"` // domain.IPTypes code
	Number     string `json:"number,omitempty"`
	Title      string `json:"title,omitempty"`
	Holder     string `json:"holder,omitempty"` // patentee or applicant
	FilingDate string `json:"filing_date,omitempty"`
	Status     string `json:"status,omitempty"` // domain.IPStatuses code
	ValidUntil string `json:"valid_until,omitempty"`
	// Published applies to pending applications (SPC Art 29).
	Published bool `json:"published,omitempty"`
}

// Licence holds the terms of a licence contract.
type Licence struct {
	Exclusivity   string `json:"exclusivity,omitempty"` // exclusive | sole | ordinary
	TermMonths    int    `json:"term_months,omitempty"` // 0: not agreed
	Territory     string `json:"territory,omitempty"`   // global | china | other text
	Sublicensable bool   `json:"sublicensable,omitempty"`
}

// Payment holds the payment terms (Civil Code Art 846).
type Payment struct {
	Mode           string `json:"mode,omitempty"`         // PaymentModes code
	RoyaltyBase    string `json:"royalty_base,omitempty"` // RoyaltyBases code
	RoyaltyRate    string `json:"royalty_rate,omitempty"` // fixed | increasing | decreasing
	BookInspection bool   `json:"book_inspection,omitempty"`
}

// Attachment is one document filed with the contract.
type Attachment struct {
	Kind   string `json:"kind"` // AttachmentKinds code
	Name   string `json:"name,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// Content records which of the items of Civil Code Art 845 (and the general
// contract items of Art 470) the contract text contains.
type Content struct {
	SubjectScope       bool `json:"subject_scope"`       // 标的的内容、范围和要求
	PerformancePlan    bool `json:"performance_plan"`    // 履行的计划、地点和方式
	Confidentiality    bool `json:"confidentiality"`     // 技术信息和资料的保密
	RiskAllocation     bool `json:"risk_allocation"`     // 风险责任的承担 (Art 858)
	ResultsOwnership   bool `json:"results_ownership"`   // 技术成果的归属和收益的分配办法
	AcceptanceCriteria bool `json:"acceptance_criteria"` // 验收标准和方法
	PricePayment       bool `json:"price_payment"`       // 价款、报酬或者使用费及其支付方式 (Art 846)
	Liability          bool `json:"liability"`           // 违约责任 (Art 470)
	DisputeResolution  bool `json:"dispute_resolution"`  // 解决争议的方法 (Art 470)
	Terms              bool `json:"terms"`               // 名词和术语的解释
}

// DecodeContract reads one contract in the API's JSON form. Unknown fields are
// rejected so that a misspelt key is reported instead of silently ignored.
func DecodeContract(r io.Reader) (Contract, error) {
	const op = "registration.DecodeContract"
	var c Contract
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Contract{}, decodeError(op, err)
	}
	if dec.More() {
		return Contract{}, apperr.E(op, apperr.Invalid, "the input holds more than one JSON value")
	}
	return c, nil
}

// decodeError turns a JSON decoding error into an Invalid error that names the
// field when the decoder knows it.
func decodeError(op string, err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "$"
		}
		return apperr.Fields(op, apperr.Field(field, "wrong_type",
			fmt.Sprintf("must be a JSON %s", jsonKind(typeErr.Type.Kind().String())),
			fmt.Sprintf("类型错误，应为 %s", jsonKind(typeErr.Type.Kind().String()))))
	case errors.As(err, &syntaxErr):
		return apperr.E(op, apperr.Invalid, fmt.Sprintf("invalid JSON at byte %d: %v", syntaxErr.Offset, err))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Fields(op, apperr.Field(name, "unknown_field", "is not a field of the contract form", "不是合同登记表的字段"))
	case errors.Is(err, io.EOF):
		return apperr.E(op, apperr.Invalid, "the input is empty")
	}
	return apperr.E(op, apperr.Invalid, fmt.Sprintf("invalid JSON: %v", err))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return "number (integer)"
}

// Canonical returns the contract as indented JSON, for display and fixtures.
func (c Contract) Canonical() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(c) // a Contract always encodes
	return buf.Bytes()
}

// partiesWithRole returns the indexes of the parties that have role.
func (c *Contract) partiesWithRole(role string) []int {
	var out []int
	for i, p := range c.Parties {
		if p.Role == role {
			out = append(out, i)
		}
	}
	return out
}

// firstParty returns the first party with role, or nil.
func (c *Contract) firstParty(role string) *Party {
	for i := range c.Parties {
		if c.Parties[i].Role == role {
			return &c.Parties[i]
		}
	}
	return nil
}

// hasDeliverable reports whether the contract lists deliverable kind d.
func (c *Contract) hasDeliverable(d string) bool {
	for _, x := range c.Deliverables {
		if x == d {
			return true
		}
	}
	return false
}

// hasAttachment reports whether an attachment of kind k is filed.
func (c *Contract) hasAttachment(k string) bool {
	for _, a := range c.Attachments {
		if a.Kind == k {
			return true
		}
	}
	return false
}

// crossBorder returns the normalised cross-border flag: none, import or export.
func (c *Contract) crossBorder() string {
	if c.CrossBorder == "" {
		return CrossBorderNone
	}
	return c.CrossBorder
}

// IsDomestic reports whether the party is in mainland China: a Chinese (or
// absent) country code and no Hong Kong, Macao or Taiwan region code.
func (p Party) IsDomestic() bool {
	switch strings.ToUpper(p.CountryCode) {
	case "", "CHN", "156", "142":
	default:
		return false
	}
	if len(p.RegionCode) >= 2 {
		switch p.RegionCode[:2] {
		case "71", "81", "82":
			return false
		}
	}
	return true
}

// IsNaturalPerson reports whether the entity-type code is in the 4xx family
// (natural persons and others).
func (p Party) IsNaturalPerson() bool { return strings.HasPrefix(p.EntityType, "4") }

// key identifies a party across filings: its USCC, else its normalised name.
func (p Party) key() string {
	if p.USCC != "" {
		return "uscc:" + strings.ToUpper(p.USCC)
	}
	return "name:" + normaliseText(p.Name)
}
