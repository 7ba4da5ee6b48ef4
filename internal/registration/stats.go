package registration

import (
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// Dimensions are the statistics dimensions of a registered contract, as the
// national technology-market statistics publish them (domain-rules §3.1). The
// statistics module aggregates these; they are derived here so that the
// registration and the statistics agree on every code.
type Dimensions struct {
	Year                int        `json:"year,omitempty"` // signing year
	Type                string     `json:"type"`
	SubType             string     `json:"sub_type,omitempty"`
	TechField           string     `json:"tech_field,omitempty"`
	SellerActor         string     `json:"seller_actor"` // output (输出) side
	BuyerActor          string     `json:"buyer_actor"`  // absorption (吸纳) side
	SellerProvince      string     `json:"seller_province,omitempty"`
	BuyerProvince       string     `json:"buyer_province,omitempty"`
	Flow                string     `json:"flow"`
	IPType              string     `json:"ip_type,omitempty"`
	WithIP              bool       `json:"with_ip"`
	ProgrammeType       string     `json:"programme_type,omitempty"`
	AmountFen           domain.Fen `json:"amount_fen"`
	TechnologyAmountFen domain.Fen `json:"technology_amount_fen"`
}

// Actor categories (§3.1).
const (
	ActorDomesticEnterprise = "domestic_enterprise"
	ActorHMTEnterprise      = "hmt_enterprise" // HK/Macao/Taiwan-invested
	ActorForeignEnterprise  = "foreign_enterprise"
	ActorResearchInstitute  = "research_institute"
	ActorUniversity         = "university"
	ActorMedical            = "medical_institution"
	ActorGovernment         = "government"
	ActorPerson             = "natural_person_or_other"
	ActorOther              = "other"
)

// Flows between seller and buyer.
const (
	FlowIntraProvince = "intra_province"
	FlowInterProvince = "inter_province"
	FlowImport        = "import"   // seller abroad
	FlowExport        = "export"   // buyer abroad
	FlowFromHMT       = "from_hmt" // seller in Hong Kong, Macao or Taiwan
	FlowToHMT         = "to_hmt"   // buyer in Hong Kong, Macao or Taiwan
	FlowUnknown       = "unknown"
)

// Dimensions derives the statistics dimensions from the contract, its
// classification and its technology amount.
func (c *Contract) Dimensions(cl Classification, amount AmountBreakdown) Dimensions {
	d := Dimensions{Type: cl.Type, SubType: cl.SubType, TechField: c.TechField, ProgrammeType: c.ProgrammeType,
		AmountFen: c.AmountFen, TechnologyAmountFen: amount.CertifiedFen}
	if t, ok := parseDate(c.SigningDate); ok {
		d.Year = t.Year()
	}
	types := contractIPTypes(c)
	if len(types) > 0 {
		d.IPType, d.WithIP = types[0], true
	}
	seller, buyer := c.firstParty(RoleSeller), c.firstParty(RoleBuyer)
	d.SellerActor, d.BuyerActor = actorOf(seller), actorOf(buyer)
	if seller != nil && seller.IsDomestic() {
		d.SellerProvince = provinceCode(seller.RegionCode)
	}
	if buyer != nil && buyer.IsDomestic() {
		d.BuyerProvince = provinceCode(buyer.RegionCode)
	}
	d.Flow = flowOf(seller, buyer, d.SellerProvince, d.BuyerProvince)
	return d
}

func provinceCode(region string) string {
	if p, ok := domain.ProvinceOf(region); ok {
		return p.Code
	}
	return ""
}

func actorOf(p *Party) string {
	if p == nil {
		return ActorOther
	}
	code := p.EntityType
	switch {
	case code == "021":
		return ActorResearchInstitute
	case code == "022":
		return ActorUniversity
	case code == "023":
		return ActorMedical
	case code == "010":
		return ActorGovernment
	case strings.HasPrefix(code, "1"):
		return ActorDomesticEnterprise
	case strings.HasPrefix(code, "2"):
		return ActorHMTEnterprise
	case strings.HasPrefix(code, "3"):
		return ActorForeignEnterprise
	case strings.HasPrefix(code, "4"):
		return ActorPerson
	}
	return ActorOther
}

// isHMT reports whether a non-domestic party is in Hong Kong, Macao or Taiwan.
func isHMT(p *Party) bool {
	switch strings.ToUpper(p.CountryCode) {
	case "110", "121", "143", "HKG", "MAC", "TWN":
		return true
	}
	return len(p.RegionCode) >= 2 && (p.RegionCode[:2] == "71" || p.RegionCode[:2] == "81" || p.RegionCode[:2] == "82")
}

func flowOf(seller, buyer *Party, sellerProv, buyerProv string) string {
	switch {
	case seller == nil || buyer == nil:
		return FlowUnknown
	case !seller.IsDomestic() && isHMT(seller):
		return FlowFromHMT
	case !seller.IsDomestic():
		return FlowImport
	case !buyer.IsDomestic() && isHMT(buyer):
		return FlowToHMT
	case !buyer.IsDomestic():
		return FlowExport
	case sellerProv == "" || buyerProv == "":
		return FlowUnknown
	case sellerProv == buyerProv:
		return FlowIntraProvince
	}
	return FlowInterProvince
}
