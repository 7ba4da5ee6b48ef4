package registration

import (
	"fmt"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// formFieldLabels name the registration-form fields (§1.10) in findings.
var formFieldLabels = map[string]domain.Label{
	"tech_field":   {Zh: "技术领域", En: "the technology field"},
	"ip_type":      {Zh: "知识产权类型（无则填 none）", En: "the IP type (none if there is none)"},
	"signing_date": {Zh: "签订日期", En: "the signing date"},
	"valid_from":   {Zh: "合同有效期起始日", En: "the start of the validity period"},
	"valid_until":  {Zh: "合同有效期截止日", En: "the end of the validity period"},
	"filed_by":     {Zh: "登记申请方", En: "the filing party (filed_by)"},
	"entity_type":  {Zh: "单位性质代码", En: "the entity-type code"},
	"region_code":  {Zh: "所在地行政区划代码", En: "the region code"},
}

func (ck *checker) missingField(path, labelKey, who string) {
	l := formFieldLabels[labelKey]
	en, zh := l.En, l.Zh
	if who != "" {
		en, zh = en+" of "+who, who+"的"+zh
	}
	ck.add(newFinding("FORM_FIELD_MISSING", path, en, zh))
}

// checkForm reports the form itself: oral contracts and missing form fields.
func (ck *checker) checkForm() {
	c := ck.c
	if c.Form == FormOral {
		ck.add(newFinding("ORAL_CONTRACT", "form"))
	}
	for _, f := range []struct{ path, value string }{
		{"tech_field", c.TechField}, {"ip_type", c.IPType}, {"signing_date", c.SigningDate},
		{"valid_from", c.ValidFrom}, {"valid_until", c.ValidUntil}, {"filed_by", c.FiledBy},
	} {
		if f.value == "" {
			ck.missingField(f.path, f.path, "")
		}
	}
}

// sellerSide reports whether a party is on the seller side. In an intermediary
// contract the intermediary is the one providing the service.
func (ck *checker) sellerSide(p Party) bool {
	return p.Role == RoleSeller || (p.Role == RoleIntermediary && ck.cl.SubType == SubSrvIntermediary)
}

// checkParties reports missing or unclear parties.
func (ck *checker) checkParties() {
	c := ck.c
	var seller, buyer *Party
	for i := range c.Parties {
		p := &c.Parties[i]
		if ck.sellerSide(*p) && seller == nil {
			seller = p
		}
		if p.Role == RoleBuyer && buyer == nil {
			buyer = p
		}
	}
	if seller == nil {
		ck.add(newFinding("PARTY_MISSING_SELLER", "parties"))
	}
	if buyer == nil {
		ck.add(newFinding("PARTY_MISSING_BUYER", "parties"))
	}
	if seller != nil && buyer != nil && seller.key() == buyer.key() {
		ck.add(newFinding("PARTIES_IDENTICAL", "parties"))
	}
	for i, p := range c.Parties {
		if p.Role == RoleOther {
			continue
		}
		// Entity-type and region codes are Chinese code lists; a party outside
		// mainland China is identified by its country code instead.
		if !p.IsDomestic() {
			continue
		}
		path := fmt.Sprintf("parties[%d]", i)
		if p.EntityType == "" {
			ck.missingField(path+".entity_type", "entity_type", p.Name)
		}
		if p.RegionCode == "" {
			ck.missingField(path+".region_code", "region_code", p.Name)
		}
		if p.USCC == "" && p.EntityType != "" && !p.IsNaturalPerson() {
			ck.add(newFinding("PARTY_ID_MISSING", path+".uscc", p.Name))
		}
	}
}

func (c *Contract) isRoyalty() bool {
	return c.Payment.Mode == "ROYALTY" || c.Payment.Mode == "ROYALTY_PLUS_ENTRY_FEE"
}

// involvesSecret reports whether a technology secret is the subject.
func (ck *checker) involvesSecret() bool {
	if ck.cl.SubType == SubTrfTechSecret || ck.cl.SubType == SubLicTechSecret {
		return true
	}
	if ck.cl.Type != TypeTransfer && ck.cl.Type != TypeLicence {
		return false
	}
	for _, t := range contractIPTypes(ck.c) {
		if t == "technology_secret" {
			return true
		}
	}
	return false
}

// checkContent reports missing contract content (Civil Code 845, 846, 470),
// weighted by type: development needs acceptance criteria (§1.3) and says who
// bears the risk (Art 858); a technology secret needs confidentiality (§1.3).
func (ck *checker) checkContent() {
	c, typ := ck.c, ck.cl.Type
	ct := c.Content
	if !ct.SubjectScope && strings.TrimSpace(c.Subject) == "" {
		ck.add(newFinding("CONTENT_SUBJECT_MISSING", "subject"))
	}
	switch {
	case c.AmountFen == 0 && !c.isRoyalty():
		ck.add(newFinding("CONTENT_PRICE_MISSING", "amount_fen"))
	case !ct.PricePayment && c.Payment.Mode == "":
		ck.add(newFinding("CONTENT_PRICE_MISSING", "content.price_payment"))
	case c.isRoyalty() && c.Payment.RoyaltyBase == "":
		ck.add(newFinding("CONTENT_PRICE_MISSING", "payment.royalty_base"))
	}
	if c.isRoyalty() {
		ck.add(newFinding("ROYALTY_AMOUNT_ESTIMATED", "amount_fen"))
	}
	if !ct.PerformancePlan {
		ck.add(newFinding("CONTENT_PERFORMANCE_MISSING", "content.performance_plan"))
	}
	if !ct.Confidentiality {
		if ck.involvesSecret() {
			ck.add(newFinding("SECRET_CONFIDENTIALITY_MISSING", "content.confidentiality"))
		} else {
			ck.add(newFinding("CONTENT_CONFIDENTIALITY_MISSING", "content.confidentiality"))
		}
	}
	if !ct.ResultsOwnership && (typ == TypeDevelopment || typ == TypeTransfer || typ == TypeLicence) {
		ck.add(newFinding("CONTENT_OWNERSHIP_MISSING", "content.results_ownership"))
	}
	if !ct.AcceptanceCriteria {
		f := newFinding("CONTENT_ACCEPTANCE_MISSING", "content.acceptance_criteria")
		if typ == TypeDevelopment {
			f = f.withSeverity(Blocker, EffectCorrection)
		}
		ck.add(f)
	}
	if !ct.Liability {
		ck.add(newFinding("CONTENT_LIABILITY_MISSING", "content.liability"))
	}
	if !ct.DisputeResolution {
		ck.add(newFinding("CONTENT_DISPUTE_MISSING", "content.dispute_resolution"))
	}
	if !ct.Terms {
		ck.add(newFinding("CONTENT_TERMS_MISSING", "content.terms"))
	}
	if typ == TypeDevelopment && !ct.RiskAllocation {
		ck.add(newFinding("CONTENT_RISK_MISSING", "content.risk_allocation"))
	}
}

// checkClassification compares the suggested type with the declared type and
// with the contract's name (§1.5 (5): a name that does not match the rights
// and duties).
func (ck *checker) checkClassification() {
	c, cl := ck.c, ck.cl
	ck.add(cl.adjustments...)
	reclassified := len(cl.adjustments) > 0
	label := func(t string) domain.Label { return ContractTypes.Label(t) }
	strong := cl.Basis == BasisRightsDuties

	if !reclassified && cl.Basis != BasisDeclared && cl.Type != c.DeclaredType {
		f := newFinding("TYPE_MISMATCH", "declared_type",
			label(c.DeclaredType).En, label(c.DeclaredType).Zh, label(cl.Type).En, label(cl.Type).Zh)
		if !strong {
			f = f.withSeverity(Warning, EffectNone)
		}
		ck.add(f)
	}
	if c.DeclaredSubType != "" && cl.Type == c.DeclaredType && cl.SubType != "" && cl.SubType != c.DeclaredSubType {
		ck.add(newFinding("SUBTYPE_MISMATCH", "declared_sub_type", c.DeclaredSubType, cl.SubType))
	}
	if !reclassified && cl.NameType != "" && cl.NameType != cl.Type {
		f := newFinding("NAME_TYPE_MISMATCH", "name",
			label(cl.NameType).En, label(cl.NameType).Zh, label(cl.Type).En, label(cl.Type).Zh)
		if !strong {
			f = f.withSeverity(Warning, EffectNone)
		}
		ck.add(f)
	}
	if cl.Basis == BasisDeclared {
		ck.add(newFinding("CLASSIFICATION_UNCERTAIN", "deliverables"))
	}
	if cl.Type == TypeTransfer && (c.hasDeliverable(DeliverEquity) || c.Payment.Mode == "EQUITY") {
		ck.add(newFinding("EQUITY_AS_TRANSFER", "deliverables"))
	}
	if cl.Type == TypeDevelopment || cl.Type == TypeTransfer || cl.Type == TypeLicence {
		for _, d := range c.Deliverables {
			if dt, ok := deliverableType[d]; ok && !dt.main {
				ck.add(newFinding("TRAINING_PART_OF_MAIN", "deliverables"))
				break
			}
		}
	}
	if cl.SubType == SubLicTechSecret {
		for i, ip := range c.IPItems {
			if (ip.Type == "patent_application" || ip.Status == "pending") && !ip.Published {
				ck.add(newFinding("LICENCE_ON_UNPUBLISHED_APPLICATION", fmt.Sprintf("ip_items[%d]", i)))
				break
			}
		}
	}
}
