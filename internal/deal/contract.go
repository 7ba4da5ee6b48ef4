package deal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// DraftContract stores a new version of the deal's contract from typed terms
// and generates its document. The deal must be agreed and, where a public
// notice is required (state-owned achievements always), the notice must have
// ended. The price and contract type must match what was agreed. A new draft
// replaces the previous one, whose signatures no longer count.
func (s *Service) DraftContract(ctx context.Context, actor domain.Actor, dealID string, t Terms) (ContractVersion, error) {
	const op = "deal.contract.draft"
	var cv ContractVersion
	_, err := s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if v.side == sideOperator || !v.canAct {
			return nil, apperr.E(op, apperr.Forbidden, "only the parties and brokers mandated to negotiate draft the contract")
		}
		if d.NoticeRequired && d.NoticeClearedAt == nil && (d.State == StateAgreed || d.State == StateNotice) {
			en, zh := "the agreed price must finish its public notice before the contract is drafted", "协议价格须公示期满后方可起草合同"
			if d.StateOwned {
				en, zh = "a state-owned achievement's agreed price must finish its public notice (at least 15 days) before the contract is drafted",
					"国有科技成果协议定价须经不少于15日的公示，期满后方可起草合同"
			}
			return nil, refused(op, apperr.Conflict, &rules.Refusal{Code: "notice_required", En: en, Zh: zh})
		}
		if err := fire(op, d, EvDraftContract); err != nil {
			return nil, err
		}
		rs, err := s.ruleSetOf(ctx, tx, d.Venue, d.RuleVersion)
		if err != nil {
			return nil, err
		}
		t = t.normalized()
		if err := t.Validate(rs); err != nil {
			return nil, err
		}
		if agreed := d.AgreedTerms; agreed != nil {
			var f apperr.FieldList
			if t.PriceFen != agreed.PriceFen {
				f.Add("price_fen", "differs_from_agreement", fmt.Sprintf("the agreed price is %s yuan", agreed.PriceFen.Yuan()),
					fmt.Sprintf("约定价格为%s元", agreed.PriceFen.Yuan()))
			}
			if agreed.ContractType != "" && t.ContractType != agreed.ContractType {
				f.Add("contract_type", "differs_from_agreement", "the agreed contract type is "+agreed.ContractType, "合同类型与约定不符")
			}
			if err := f.Err(op); err != nil {
				return nil, err
			}
		}
		doc, err := s.contractDoc(ctx, tx, *d, d.ContractVersion+1, t, now)
		if err != nil {
			return nil, err
		}
		html, err := renderContractHTML(doc)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(html)
		cv = ContractVersion{DealID: d.ID, Version: d.ContractVersion + 1, Terms: t, HTMLSHA256: hex.EncodeToString(sum[:]),
			CreatedBy: actorRef(actor), CreatedAt: now}
		terms, _ := json.Marshal(t) // plain data always marshals
		if _, err := tx.Exec(ctx, `INSERT INTO deal_contracts (deal_id, version, terms, html, html_sha256, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, cv.DealID, cv.Version, string(terms), string(html), cv.HTMLSHA256, cv.CreatedBy, cv.CreatedAt); err != nil {
			return nil, fmt.Errorf("insert contract: %w", err)
		}
		d.ContractVersion = cv.Version
		title := domain.Label{Zh: fmt.Sprintf("合同第%d稿待审阅签署：%s", cv.Version, d.ListingTitle.Zh),
			En: fmt.Sprintf("Contract draft %d is ready to review and sign: %s", cv.Version, d.ListingTitle.En)}
		other := d.OrgOf(otherSide(v.side))
		if err := s.notifyOrg(ctx, tx, other, fmt.Sprintf("deal.contract.%d", cv.Version), d.ID, title, dealLink(d.ID)); err != nil {
			return nil, err
		}
		return map[string]any{"version": cv.Version, "html_sha256": cv.HTMLSHA256, "contract_type": t.ContractType, "price_fen": t.PriceFen}, nil
	})
	if err != nil {
		return ContractVersion{}, err
	}
	return cv, nil
}

// normalized trims the free text of the terms.
func (t Terms) normalized() Terms {
	trim := strings.TrimSpace
	t.ContractType, t.SubType, t.Title, t.Subject = trim(t.ContractType), trim(t.SubType), trim(t.Title), trim(t.Subject)
	t.Improvements, t.Dispute.Method, t.Dispute.Forum = trim(t.Improvements), trim(t.Dispute.Method), trim(t.Dispute.Forum)
	return t
}

// Sign records the actor's signature of a contract version for its side: who
// (user and organisation), when, and the SHA-256 of the document they were
// shown, which must equal the stored document's. When both sides have signed
// the current version the deal is concluded: the venue's fees under the deal's
// rule set and the brokers' commissions are recorded.
func (s *Service) Sign(ctx context.Context, actor domain.Actor, dealID string, version int, documentSHA256 string) (Deal, error) {
	const op = "deal.contract.sign"
	concluded := false
	d, err := s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if !v.party {
			return nil, apperr.E(op, apperr.Forbidden, "a contract is signed by a member of the party itself, not by a broker or operator")
		}
		if err := fire(op, d, EvSign); err != nil {
			return nil, err
		}
		if version != d.ContractVersion {
			return nil, refused(op, apperr.Conflict, rules.Refuse("contract_outdated", "version %d is the current draft; review and sign it",
				"当前合同为第%d稿，请审阅后签署", d.ContractVersion).On("version"))
		}
		cv, err := getContract(ctx, tx, d.ID, version)
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(strings.TrimSpace(documentSHA256), cv.HTMLSHA256) {
			return nil, refused(op, apperr.Invalid, rules.Refuse("document_mismatch",
				"the document signed is not the stored contract document", "所签署的文件与合同文本不一致").On("document_sha256"))
		}
		for _, sg := range cv.Signatures {
			if sg.Side == v.side {
				return nil, refused(op, apperr.Conflict, rules.Refuse("already_signed", "your side already signed this version", "本方已签署该版本"))
			}
		}
		org := d.OrgOf(v.side)
		if _, err := tx.Exec(ctx, `INSERT INTO deal_signatures (deal_id, version, side, user_id, user_name, org_id, document_sha256, signed_at, ip)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, version, v.side, actorRef(actor), actor.Name, org, cv.HTMLSHA256, now, actor.IP); err != nil {
			return nil, fmt.Errorf("insert signature: %w", err)
		}
		detail := map[string]any{"version": version, "side": v.side, "document_sha256": cv.HTMLSHA256}
		if len(cv.Signatures) == 0 {
			title := domain.Label{Zh: "对方已签署合同，请签署：" + d.ListingTitle.Zh, En: "The other party signed; please sign: " + d.ListingTitle.En}
			return detail, s.notifyOrg(ctx, tx, d.OrgOf(otherSide(v.side)), fmt.Sprintf("deal.sign.%d", version), d.ID, title, dealLink(d.ID))
		}
		if err := fire(op, d, EvConclude); err != nil {
			return nil, err
		}
		if err := s.conclude(ctx, tx, d, cv.Terms.PriceFen, now); err != nil {
			return nil, err
		}
		concluded = true
		detail["concluded"] = true
		detail["buyer_fee_fen"], detail["seller_fee_fen"] = d.BuyerFeeFen, d.SellerFeeFen
		return detail, nil
	})
	if err != nil {
		return Deal{}, err
	}
	if concluded {
		for _, f := range s.onConcluded {
			f(d)
		}
	}
	return d, nil
}

// conclude records the fees and commissions of a concluded deal.
func (s *Service) conclude(ctx context.Context, q store.Querier, d *Deal, price domain.Fen, now time.Time) error {
	rs, err := s.ruleSetOf(ctx, q, d.Venue, d.RuleVersion)
	if err != nil {
		return err
	}
	fees := quoteFees(rs, price)
	d.ConcludedAt, d.BuyerFeeFen, d.SellerFeeFen = &now, &fees.BuyerFen, &fees.SellerFen
	if err := settleCommissions(ctx, q, d.ID, price, s.today()); err != nil {
		return err
	}
	title := domain.Label{Zh: "合同已由双方签署，交易成交：" + d.ListingTitle.Zh, En: "Both parties signed; the deal is concluded: " + d.ListingTitle.En}
	for _, org := range []string{d.SellerOrgID, d.BuyerOrgID} {
		if err := s.notifyOrg(ctx, q, org, "deal.concluded", d.ID, title, dealLink(d.ID)); err != nil {
			return err
		}
	}
	return nil
}

func getContract(ctx context.Context, q store.Querier, dealID string, version int) (ContractVersion, error) {
	cv := ContractVersion{DealID: dealID, Version: version}
	var terms string
	err := q.QueryRow(ctx, `SELECT terms, html_sha256, created_by, created_at FROM deal_contracts WHERE deal_id = ? AND version = ?`,
		dealID, version).Scan(&terms, &cv.HTMLSHA256, &cv.CreatedBy, store.Time(&cv.CreatedAt))
	if store.IsNoRows(err) {
		return cv, apperr.E("deal.contract", apperr.NotFound, "contract version not found")
	}
	if err != nil {
		return cv, fmt.Errorf("read contract: %w", err)
	}
	if err := json.Unmarshal([]byte(terms), &cv.Terms); err != nil {
		return cv, fmt.Errorf("decode contract terms: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT side, user_id, user_name, org_id, document_sha256, signed_at, ip FROM deal_signatures
		WHERE deal_id = ? AND version = ? ORDER BY signed_at, side`, dealID, version)
	if err != nil {
		return cv, fmt.Errorf("read signatures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sg Signature
		if err := rows.Scan(&sg.Side, &sg.UserID, &sg.UserName, &sg.OrgID, &sg.DocumentSHA256, store.Time(&sg.SignedAt), &sg.IP); err != nil {
			return cv, fmt.Errorf("read signatures: %w", err)
		}
		cv.Signatures = append(cv.Signatures, sg)
	}
	return cv, rows.Err()
}

// ContractDocument returns the stored HTML of a contract version (0: the
// current one) and its SHA-256, which is what a signature commits to.
func (s *Service) ContractDocument(ctx context.Context, actor domain.Actor, dealID string, version int) ([]byte, string, error) {
	d, err := getDeal(ctx, s.db, dealID, false)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.access(ctx, s.db, actor, d); err != nil {
		return nil, "", err
	}
	if version == 0 {
		version = d.ContractVersion
	}
	var html, sum string
	err = s.db.QueryRow(ctx, `SELECT html, html_sha256 FROM deal_contracts WHERE deal_id = ? AND version = ?`, dealID, version).Scan(&html, &sum)
	if store.IsNoRows(err) {
		return nil, "", apperr.E("deal.ContractDocument", apperr.NotFound, "contract version not found")
	}
	if err != nil {
		return nil, "", fmt.Errorf("read contract document: %w", err)
	}
	return []byte(html), sum, nil
}

// ContractPDF renders a contract version (0: the current one) as PDF with
// embedded CJK fonts. The PDF is a rendering of the same terms; the signed
// record is the HTML document and its hash, because PDF bytes carry creation
// metadata and are not reproducible.
func (s *Service) ContractPDF(ctx context.Context, actor domain.Actor, dealID string, version int) ([]byte, error) {
	d, err := getDeal(ctx, s.db, dealID, false)
	if err != nil {
		return nil, err
	}
	if _, err := s.access(ctx, s.db, actor, d); err != nil {
		return nil, err
	}
	if version == 0 {
		version = d.ContractVersion
	}
	cv, err := getContract(ctx, s.db, dealID, version)
	if err != nil {
		return nil, err
	}
	doc, err := s.contractDoc(ctx, s.db, d, version, cv.Terms, cv.CreatedAt)
	if err != nil {
		return nil, err
	}
	doc.SHA256, doc.Signatures = cv.HTMLSHA256, cv.Signatures
	return renderContractPDF(doc)
}
