package filing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// prefillActor is who the history and the audit log name for drafts made from
// platform deals.
var prefillActor = domain.SystemActor("registration-prefill")

// PrefillFromDeal creates the seller organisation's draft filing from a
// concluded platform deal: the parties as the platform knows them (names,
// USCCs, entity types from the organisation types, region codes), the signed
// contract's type, sub-type, price, line items, IP items, licence and payment
// terms, validity and clauses, the listing's technology field, and the signing
// date of the last signature. The seller then edits and submits it as usual.
//
// It is idempotent: a deal gets at most one filing (created is false when one
// exists, whoever made it), so a replayed conclusion hook does nothing. The
// registry is the one in the seller's locality (same district, else city, else
// province); without one no draft is made and NotFound says why.
func (s *Service) PrefillFromDeal(ctx context.Context, room deal.Room) (f Filing, created bool, err error) {
	const op = "filing.PrefillFromDeal"
	d := room.Deal
	if d.State != deal.StateConcluded || d.ConcludedAt == nil || room.Contract == nil {
		return Filing{}, false, apperr.E(op, apperr.Conflict, "only a concluded deal with a signed contract is pre-filled")
	}
	if f, ok, err := s.filingOfDeal(ctx, s.db, d.ID); err != nil || ok {
		return f, false, err
	}
	seller, err := loadParty(ctx, s.db, d.SellerOrgID, registration.RoleSeller)
	if err != nil {
		return Filing{}, false, err
	}
	buyer, err := loadParty(ctx, s.db, d.BuyerOrgID, registration.RoleBuyer)
	if err != nil {
		return Filing{}, false, err
	}
	registryID, err := localRegistry(ctx, s.db, seller.RegionCode)
	if err != nil {
		return Filing{}, false, err
	}
	c := contractFromDeal(room, seller, buyer)
	if err := c.Validate(); err != nil {
		return Filing{}, false, fmt.Errorf("%s: deal %s gives an invalid contract: %w", op, d.ID, err)
	}
	filer := ""
	for _, sg := range room.Contract.Signatures {
		if sg.Side == deal.SideSeller {
			filer = sg.UserID
		}
	}
	now := s.clock()
	f = Filing{ID: domain.NewID(), RegistryOrgID: registryID, FilerOrgID: d.SellerOrgID, FilerUserID: filer,
		Status: registration.StatusDraft, SourceDealID: d.ID, SourceDealLink: "/deals/" + d.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		reg, err := loadRegistry(ctx, tx, registryID)
		if err != nil {
			return err
		}
		summary, err := s.refresh(ctx, tx, &f, c, reg, nil)
		if err != nil {
			return err
		}
		if err := insertFiling(ctx, tx, f, summary); err != nil {
			return err
		}
		if err := record(ctx, tx, prefillActor, f, "create", "", nil, "deal "+d.ID, now); err != nil {
			return err
		}
		if s.notifier == nil || filer == "" {
			return nil
		}
		return s.notifier.NotifyUser(ctx, tx, filer, "registration.prefilled", f.ID, domain.Label{
			Zh: "已根据成交合同生成技术合同登记草稿，请核对后提交：" + c.Name,
			En: "A registration draft was made from your concluded contract; check it and submit: " + c.Name}, "/registration/filings/"+f.ID)
	})
	if err != nil {
		// A concurrent replay of the hook may have won the unique source_deal_id.
		if existing, ok, lookErr := s.filingOfDeal(ctx, s.db, d.ID); lookErr == nil && ok {
			return existing, false, nil
		}
		return Filing{}, false, err
	}
	return f, true, nil
}

func (s *Service) filingOfDeal(ctx context.Context, q store.Querier, dealID string) (Filing, bool, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT id FROM registration_filings WHERE source_deal_id = ?`, dealID).Scan(&id)
	if store.IsNoRows(err) {
		return Filing{}, false, nil
	}
	if err != nil {
		return Filing{}, false, fmt.Errorf("filing of deal %s: %w", dealID, err)
	}
	f, err := loadFiling(ctx, q, id)
	return f, err == nil, err
}

// loadParty describes a platform organisation as a contracting party.
func loadParty(ctx context.Context, q store.Querier, orgID, role string) (registration.Party, error) {
	var name, typ, region string
	var uscc sql.NullString
	if err := q.QueryRow(ctx, `SELECT name_zh, type, uscc, region_code FROM organizations WHERE id = ?`, orgID).
		Scan(&name, &typ, &uscc, &region); err != nil {
		return registration.Party{}, fmt.Errorf("organisation %s: %w", orgID, err)
	}
	return registration.Party{Role: role, Name: name, USCC: uscc.String, EntityType: EntityTypeOf(typ), RegionCode: region}, nil
}

// EntityTypeOf maps a platform organisation type to the registration form's
// entity-type code (§1.10). Enterprises get the generic domestic-enterprise
// code: the platform does not know the legal form, which the filer refines.
func EntityTypeOf(orgType string) string {
	switch orgType {
	case "university":
		return "022"
	case "research_institute":
		return "021"
	case "government", RegistryOrgType:
		return "010"
	}
	return "100"
}

// localRegistry picks the registry of the seller's locality: the same
// district, else the same city, else the same province.
func localRegistry(ctx context.Context, q store.Querier, region string) (string, error) {
	rows, err := q.Query(ctx, `SELECT o.id, COALESCE(r.region_code, o.region_code) FROM organizations o
		LEFT JOIN registration_registries r ON r.org_id = o.id WHERE o.type = ? ORDER BY o.name_zh, o.id`, RegistryOrgType)
	if err != nil {
		return "", fmt.Errorf("registries: %w", err)
	}
	defer rows.Close()
	best, bestLen := "", 0
	for rows.Next() {
		var id, code string
		if err := rows.Scan(&id, &code); err != nil {
			return "", fmt.Errorf("registries: %w", err)
		}
		for _, n := range []int{6, 4, 2} {
			if n > bestLen && len(code) >= n && len(region) >= n && code[:n] == region[:n] {
				best, bestLen = id, n
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("registries: %w", err)
	}
	if best == "" {
		return "", apperr.E("filing.PrefillFromDeal", apperr.NotFound, "no contract registry in the seller's province "+region)
	}
	return best, nil
}

// contractFromDeal fills the registration form from the signed contract.
func contractFromDeal(room deal.Room, seller, buyer registration.Party) registration.Contract {
	t := room.Contract.Terms
	signed := room.Deal.ConcludedAt.In(chinaZone).Format("2006-01-02")
	c := registration.Contract{
		Name: t.Title, DeclaredType: t.ContractType, DeclaredSubType: t.SubType, Form: registration.FormElectronic,
		Parties: []registration.Party{seller, buyer}, FiledBy: registration.RoleSeller,
		AmountFen: t.PriceFen, TechField: room.Listing.Field, IPType: "none",
		SigningDate: signed, ValidFrom: t.ValidFrom, ValidUntil: t.ValidUntil, Subject: t.Subject,
		Deliverables: deliverablesOf(t.ContractType, t.SubType),
		Payment: registration.Payment{Mode: t.Payment.Mode, RoyaltyBase: t.Payment.RoyaltyBase, RoyaltyRate: t.Payment.RoyaltyRate,
			BookInspection: t.Payment.BookInspection},
		Attachments: []registration.Attachment{{Kind: registration.AttachContractText,
			Name: fmt.Sprintf("platform contract v%d (deal %s)", room.Contract.Version, room.Deal.ID), SHA256: room.Contract.HTMLSHA256}},
	}
	if c.ValidFrom == "" {
		c.ValidFrom = signed
	}
	switch t.SubType {
	case registration.SubDevCommissioned:
		c.DevelopmentMode = "commissioned"
	case registration.SubDevCooperative:
		c.DevelopmentMode = "cooperative"
	}
	for _, li := range t.LineItems {
		c.LineItems = append(c.LineItems, registration.LineItem{Description: li.Description, AmountFen: li.AmountFen, Kind: li.Kind})
	}
	for _, ip := range t.IPItems {
		c.IPItems = append(c.IPItems, registration.IPItem{Type: ip.Type, Number: ip.Number, Title: ip.Title, Holder: ip.Holder})
	}
	if len(c.IPItems) > 0 {
		c.IPType = c.IPItems[0].Type
	} else if len(room.Listing.IPItems) > 0 {
		c.IPType = room.Listing.IPItems[0].Type
	}
	if l := t.Licence; l != nil {
		c.Licence = &registration.Licence{Exclusivity: l.Exclusivity, TermMonths: l.TermMonths, Territory: l.Territory, Sublicensable: l.Sublicense}
	}
	// The platform's contract document is generated from these terms, so what
	// it contains is known (deal/document.go): subject, price and payment,
	// milestones with acceptance, confidentiality, improvements and disputes.
	// It has no liability, risk or definitions article; the filer adds them.
	c.Content = registration.Content{SubjectScope: t.Subject != "", PricePayment: t.Payment.Mode != "",
		Confidentiality: t.Confidentiality.Years > 0, ResultsOwnership: t.Improvements != "",
		DisputeResolution: t.Dispute.Method != "", PerformancePlan: len(t.Milestones) > 0}
	for _, m := range t.Milestones {
		c.Content.AcceptanceCriteria = c.Content.AcceptanceCriteria || strings.TrimSpace(m.AcceptanceCriteria) != ""
	}
	if t.Confidentiality.Years > 0 {
		c.Clauses = append(c.Clauses, fmt.Sprintf("双方对本合同涉及的技术资料负有保密义务，保密期限%d年。%s", t.Confidentiality.Years, t.Confidentiality.Scope))
	}
	if t.Improvements != "" {
		c.Clauses = append(c.Clauses, deal.ImprovementRules.Label(t.Improvements).Zh+"。")
	}
	if t.Dispute.Method != "" {
		c.Clauses = append(c.Clauses, "争议解决："+deal.DisputeMethods.Label(t.Dispute.Method).Zh+"，"+t.Dispute.Forum+"。")
	}
	return c
}

// deliverablesOf states what the seller owes for a contract type, the rights
// and duties the classification is judged on.
func deliverablesOf(typ, sub string) []string {
	switch typ {
	case registration.TypeDevelopment:
		return []string{registration.DeliverRDResults}
	case registration.TypeTransfer:
		return []string{registration.DeliverIPOwnership}
	case registration.TypeLicence:
		return []string{registration.DeliverIPLicence}
	case registration.TypeConsulting:
		return []string{registration.DeliverConsultingReport}
	case registration.TypeService:
		switch sub {
		case registration.SubSrvTraining:
			return []string{registration.DeliverTraining}
		case registration.SubSrvIntermediary:
			return []string{registration.DeliverIntermediary}
		}
		return []string{registration.DeliverTechnicalService}
	}
	return nil
}
