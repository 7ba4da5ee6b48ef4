package deal

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
)

// InterestInput opens a deal room.
type InterestInput struct {
	ListingID string `json:"listing_id"`
	// OrgID is the counterparty: the buyer of an achievement or the solver of a
	// need. Empty picks the actor's first organisation with the right role.
	OrgID string `json:"org_id"`
	// Venue runs the deal; empty uses the venue of the listing's open sale or
	// challenge, else the platform's default venue.
	Venue   string `json:"venue"`
	Message string `json:"message"`
}

// ExpressInterest opens (or returns, or reopens after a withdrawal) the deal
// room of a listing for the actor's organisation.
func (s *Service) ExpressInterest(ctx context.Context, actor domain.Actor, in InterestInput) (Deal, error) {
	const op = "deal.interest"
	var id string
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.expressInterest(ctx, tx, actor, in)
		return err
	})
	if err != nil {
		return Deal{}, fmt.Errorf("%s: %w", op, err)
	}
	return getDeal(ctx, s.db, id, false)
}

func (s *Service) expressInterest(ctx context.Context, tx *store.Tx, actor domain.Actor, in InterestInput) (string, error) {
	const op = "deal.interest"
	now := s.clock()
	l, err := loadListingFacts(ctx, tx, in.ListingID)
	if err != nil {
		return "", err
	}
	if r := l.available(now); r != nil {
		return "", refused(op, apperr.Conflict, r)
	}
	side := SideBuyer // the counterparty's side
	if l.Kind == listing.KindNeed {
		side = SideSeller
	}
	org := in.OrgID
	if org == "" {
		org = defaultOrg(actor, sideRole(side))
	}
	if org == "" || !actor.HasRoleIn(org, sideRole(side)) {
		return "", apperr.E(op, apperr.Forbidden, fmt.Sprintf("expressing interest needs the %s role in your organisation", sideRole(side)))
	}
	if org == l.OwnerOrgID {
		return "", refused(op, apperr.Invalid, rules.Refuse("own_listing", "an organisation cannot deal on its own listing", "不能对本机构的发布信息发起交易").On("org_id"))
	}
	if existing, ok, err := dealFor(ctx, tx, l.ID, org, true); err != nil {
		return "", err
	} else if ok {
		if existing.State != StateWithdrawn {
			return existing.ID, nil // the room exists: opening it again is a no-op
		}
		from := existing.State
		if err := fire(op, &existing, EvReopen); err != nil {
			return "", err
		}
		existing.EndReason, existing.UpdatedAt = "", now
		if err := saveDeal(ctx, tx, existing); err != nil {
			return "", err
		}
		return existing.ID, s.audit(ctx, tx, actor, "deal.reopen", "deal", existing.ID, map[string]any{"from": from, "to": existing.State})
	}
	d := Deal{ID: domain.NewID(), ListingID: l.ID, CounterpartyOrgID: org, Method: rules.Agreement, State: StateInterest,
		StateOwned: l.StateOwned, CreatedBy: actorRef(actor), CreatedAt: now, UpdatedAt: now}
	d.SellerOrgID, d.BuyerOrgID = l.OwnerOrgID, org
	if side == SideSeller {
		d.SellerOrgID, d.BuyerOrgID = org, l.OwnerOrgID
	}
	// A room opened while a sale or challenge runs joins it, under its rule set.
	venue, version := in.Venue, 0
	if sale, ok, err := openSaleOf(ctx, tx, l.ID); err != nil {
		return "", err
	} else if ok {
		d.Method, d.SaleID = sale.Method, sale.ID
		if venue == "" || venue == sale.Venue {
			venue, version = sale.Venue, sale.RuleVersion
		}
	}
	if ch, ok, err := openChallengeOf(ctx, tx, l.ID); err != nil {
		return "", err
	} else if ok {
		d.Method, d.ChallengeID = rules.Challenge, ch.ID
		if venue == "" || venue == ch.Venue {
			venue, version = ch.Venue, ch.RuleVersion
		}
	}
	if venue == "" {
		venue = rules.DefaultVenue
	}
	rs, err := s.rules.Load(ctx, tx, venue, version)
	if err != nil {
		return "", err
	}
	d.Venue, d.RuleVersion = rs.Venue, rs.Version
	if r := rs.Permits(d.Method, l.assets(), l.StateOwned); r != nil {
		return "", refused(op, apperr.Invalid, r.On("venue"))
	}
	if err := insertDeal(ctx, tx, d); err != nil {
		return "", err
	}
	if err := s.attachMandates(ctx, tx, d, now); err != nil {
		return "", err
	}
	if msg := strings.TrimSpace(in.Message); msg != "" {
		if _, err := s.insertMessage(ctx, tx, actor, d, org, msg, now); err != nil {
			return "", err
		}
	}
	title := domain.Label{Zh: "收到新的交易意向：" + l.title().Zh, En: "New interest in your listing: " + l.title().En}
	if err := s.notifyOrg(ctx, tx, l.OwnerOrgID, "deal.interest", d.ID, title, dealLink(d.ID)); err != nil {
		return "", err
	}
	return d.ID, s.audit(ctx, tx, actor, "deal.interest", "deal", d.ID, map[string]any{"listing_id": l.ID, "org_id": org,
		"venue": d.Venue, "rule_version": d.RuleVersion, "method": d.Method})
}

func dealLink(id string) string { return "/deals/" + id }

// AcceptNDA records the counterparty's acceptance of the NDA text in force
// (version must be the version shown to the user) and unlocks the listing's
// confidential detail and data room for that organisation only.
func (s *Service) AcceptNDA(ctx context.Context, actor domain.Actor, dealID string, version int) (Deal, error) {
	const op = "deal.nda.accept"
	return s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if !v.party || d.OrgOf(v.side) != d.CounterpartyOrgID {
			return nil, apperr.E(op, apperr.Forbidden, "the NDA is accepted by a member of the interested organisation")
		}
		nda, err := currentNDA(ctx, tx)
		if err != nil {
			return nil, err
		}
		if version != nda.Version {
			return nil, refused(op, apperr.Conflict, rules.Refuse("nda_outdated",
				"the NDA text changed; read version %d and accept it", "保密协议文本已更新，请阅读第%d版后再签署", nda.Version).On("version"))
		}
		if d.NDA == nil && (d.State == StateAgreed || d.State == StateNotice || d.State == StateContracting) {
			// A challenge winner (or a sale's winner) reached agreement without
			// the room's NDA; accepting it now unlocks the detail and leaves the
			// deal where it is.
		} else if err := fire(op, d, EvAcceptNDA); err != nil {
			return nil, err
		}
		d.NDA = &NDAAcceptance{Version: nda.Version, SHA256: nda.SHA256, AcceptedBy: actorRef(actor), AcceptedAt: now}
		if err := s.listings.GrantAccess(ctx, tx, actor, d.ListingID, d.CounterpartyOrgID, fmt.Sprintf("nda v%d deal %s", nda.Version, d.ID)); err != nil {
			return nil, err
		}
		owner := d.SellerOrgID
		if owner == d.CounterpartyOrgID {
			owner = d.BuyerOrgID
		}
		title := domain.Label{Zh: "对方已签署保密协议：" + d.ListingTitle.Zh, En: "The NDA was accepted: " + d.ListingTitle.En}
		if err := s.notifyOrg(ctx, tx, owner, "deal.nda", d.ID, title, dealLink(d.ID)); err != nil {
			return nil, err
		}
		return map[string]any{"nda_version": nda.Version, "nda_sha256": nda.SHA256}, nil
	})
}

// PostMessage adds a message to a deal room.
func (s *Service) PostMessage(ctx context.Context, actor domain.Actor, dealID, body string) (Message, error) {
	const op = "deal.message"
	body = strings.TrimSpace(body)
	var f apperr.FieldList
	required(&f, "body", body, 5000)
	if err := f.Err(op); err != nil {
		return Message{}, err
	}
	var m Message
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		d, err := getDeal(ctx, tx, dealID, true)
		if err != nil {
			return err
		}
		v, err := s.access(ctx, tx, actor, d)
		if err != nil {
			return err
		}
		if !v.canAct && !v.operator {
			return apperr.E(op, apperr.Forbidden, "your mandate does not cover negotiating")
		}
		if d.State == StateWithdrawn || d.State == StateLost {
			return refused(op, apperr.Conflict, rules.Refuse("deal_closed", "the deal room is closed", "交易室已关闭"))
		}
		org := ""
		if v.side != sideOperator {
			org = d.OrgOf(v.side)
		}
		m, err = s.insertMessage(ctx, tx, actor, d, org, body, s.clock())
		if err != nil {
			return err
		}
		if v.side != sideOperator {
			other := d.OrgOf(otherSide(v.side))
			title := domain.Label{Zh: "交易室有新消息：" + d.ListingTitle.Zh, En: "New message in your deal room: " + d.ListingTitle.En}
			if err := s.notifyOrg(ctx, tx, other, "deal.message."+m.ID, d.ID, title, dealLink(d.ID)); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor, op, "deal", d.ID, map[string]any{"message_id": m.ID})
	})
	if err != nil {
		return Message{}, fmt.Errorf("%s: %w", op, err)
	}
	return m, nil
}

func otherSide(side string) string {
	if side == SideSeller {
		return SideBuyer
	}
	return SideSeller
}

func (s *Service) insertMessage(ctx context.Context, q store.Querier, actor domain.Actor, d Deal, org, body string, now time.Time) (Message, error) {
	m := Message{ID: domain.NewID(), DealID: d.ID, AuthorID: actorRef(actor), AuthorOrgID: org, Body: body, CreatedAt: now}
	_, err := q.Exec(ctx, `INSERT INTO deal_messages (id, deal_id, author_id, author_org_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ID, m.DealID, m.AuthorID, m.AuthorOrgID, m.Body, m.CreatedAt)
	if err != nil {
		return Message{}, fmt.Errorf("insert message: %w", err)
	}
	return m, nil
}

// OfferInput is an offer or counter-offer.
type OfferInput struct {
	Terms OfferTerms `json:"terms"`
	// ValidDays is how long the offer stands; 0 uses the venue's default.
	ValidDays int `json:"valid_days"`
}

// MakeOffer puts an offer on the table for the actor's side. An open offer from
// the other side becomes "countered"; the side's own earlier open offer is
// withdrawn. Offers need the NDA, an available listing and agreement pricing.
func (s *Service) MakeOffer(ctx context.Context, actor domain.Actor, dealID string, in OfferInput) (Offer, error) {
	const op = "deal.offer"
	var o Offer
	_, err := s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if v.side == sideOperator || !v.canAct {
			return nil, apperr.E(op, apperr.Forbidden, "only the parties and brokers mandated to negotiate make offers")
		}
		if err := s.negotiable(ctx, tx, op, *d, now); err != nil {
			return nil, err
		}
		if d.State == StateInterest {
			return nil, refused(op, apperr.Conflict, rules.Refuse("nda_required", "accept the NDA before making offers", "请先签署保密协议再报价"))
		}
		rs, err := s.ruleSetOf(ctx, tx, d.Venue, d.RuleVersion)
		if err != nil {
			return nil, err
		}
		var f apperr.FieldList
		in.Terms.validate(&f, "terms.", rs)
		days := in.ValidDays
		if days == 0 {
			days = rs.Offers.ValidityDays
		}
		if days < 1 || days > 90 {
			f.Add("valid_days", "out_of_range", "an offer stands 1–90 days", "报价有效期须为1至90日")
		}
		if err := f.Err(op); err != nil {
			return nil, err
		}
		if err := fire(op, d, EvMakeOffer); err != nil {
			return nil, err
		}
		// The other side's open offer is answered by this one; our own earlier one is replaced.
		if _, err := tx.Exec(ctx, `UPDATE deal_offers SET status = CASE WHEN from_side = ? THEN 'withdrawn' ELSE 'countered' END,
			responded_by = ?, responded_at = ? WHERE deal_id = ? AND status = 'open'`, v.side, actorRef(actor), now, d.ID); err != nil {
			return nil, fmt.Errorf("supersede offers: %w", err)
		}
		o = Offer{ID: domain.NewID(), DealID: d.ID, FromSide: v.side, Terms: in.Terms, Status: OfferOpen,
			ExpiresAt: now.AddDate(0, 0, days), Note: in.Terms.Note, CreatedBy: actorRef(actor), CreatedAt: now}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM deal_offers WHERE deal_id = ?`, d.ID).Scan(&o.Seq); err != nil {
			return nil, fmt.Errorf("next offer seq: %w", err)
		}
		terms, _ := json.Marshal(o.Terms) // plain data always marshals
		if _, err := tx.Exec(ctx, `INSERT INTO deal_offers (id, deal_id, seq, from_side, terms, price_fen, status, expires_at, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.DealID, o.Seq, o.FromSide, string(terms), int64(o.Terms.PriceFen),
			o.Status, o.ExpiresAt, o.Note, o.CreatedBy, o.CreatedAt); err != nil {
			return nil, fmt.Errorf("insert offer: %w", err)
		}
		title := domain.Label{Zh: fmt.Sprintf("收到报价 %s 元：%s", o.Terms.PriceFen.Yuan(), d.ListingTitle.Zh),
			En: fmt.Sprintf("New offer of %s yuan: %s", o.Terms.PriceFen.Yuan(), d.ListingTitle.En)}
		if err := s.notifyOrg(ctx, tx, d.OrgOf(otherSide(v.side)), "deal.offer."+o.ID, d.ID, title, dealLink(d.ID)); err != nil {
			return nil, err
		}
		return map[string]any{"offer_id": o.ID, "seq": o.Seq, "side": o.FromSide, "price_fen": o.Terms.PriceFen, "via_broker": v.broker}, nil
	})
	if err != nil {
		return Offer{}, err
	}
	return o, nil
}

// negotiable refuses negotiation on a listing that is off the market, priced by
// a running sale, or in a deal not priced by agreement.
func (s *Service) negotiable(ctx context.Context, q store.Querier, op string, d Deal, now time.Time) error {
	l, err := loadListingFacts(ctx, q, d.ListingID)
	if err != nil {
		return err
	}
	if r := l.available(now); r != nil {
		return refused(op, apperr.Conflict, r)
	}
	if _, ok, err := openSaleOf(ctx, q, d.ListingID); err != nil {
		return err
	} else if ok || d.Method != rules.Agreement {
		return refused(op, apperr.Conflict, rules.Refuse("priced_by_sale",
			"this listing is priced by a listing, auction or challenge; take part in it instead of negotiating",
			"该项目正以挂牌、拍卖或揭榜方式定价，请参与该交易，不能协议报价"))
	}
	return nil
}

// RespondOffer accepts or rejects the other side's open offer. Accepting agrees
// the deal; where the venue or state ownership requires it, the agreed price then
// goes under public notice and no contract can be drafted until it ends.
func (s *Service) RespondOffer(ctx context.Context, actor domain.Actor, dealID, offerID string, accept bool) (Deal, error) {
	op := "deal.offer.reject"
	if accept {
		op = "deal.offer.accept"
	}
	return s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if v.side == sideOperator || !v.canAct {
			return nil, apperr.E(op, apperr.Forbidden, "only the parties and brokers mandated to negotiate answer offers")
		}
		o, err := getOffer(ctx, tx, d.ID, offerID)
		if err != nil {
			return nil, err
		}
		if o.FromSide == v.side {
			return nil, refused(op, apperr.Conflict, rules.Refuse("own_offer", "you cannot answer your own offer", "不能答复本方的报价"))
		}
		if o.Status != OfferOpen {
			return nil, refused(op, apperr.Conflict, rules.Refuse("offer_not_open", "the offer is no longer open", "该报价已失效"))
		}
		if !now.Before(o.ExpiresAt) {
			return nil, refused(op, apperr.Conflict, rules.Refuse("offer_expired", "the offer expired on %s", "该报价已于%s过期",
				o.ExpiresAt.In(chinaZone).Format("2006-01-02 15:04")))
		}
		detail := map[string]any{"offer_id": o.ID, "price_fen": o.Terms.PriceFen, "via_broker": v.broker}
		status := OfferRejected
		if !accept {
			if err := fire(op, d, EvRejectOffer); err != nil {
				return nil, err
			}
		} else {
			if err := s.negotiable(ctx, tx, op, *d, now); err != nil {
				return nil, err
			}
			if err := fire(op, d, EvAcceptOffer); err != nil {
				return nil, err
			}
			status = OfferAccepted
			t := o.Terms
			d.AgreedTerms, d.AgreedAt = &t, &now
			if err := s.startNoticeIfRequired(ctx, tx, op, d, now); err != nil {
				return nil, err
			}
			if d.NoticeRequired {
				detail["notice_ends_at"] = d.NoticeEndsAt
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE deal_offers SET status = ?, responded_by = ?, responded_at = ? WHERE id = ?`,
			status, actorRef(actor), now, o.ID); err != nil {
			return nil, fmt.Errorf("answer offer: %w", err)
		}
		title := domain.Label{Zh: "您的报价已被拒绝：" + d.ListingTitle.Zh, En: "Your offer was rejected: " + d.ListingTitle.En}
		if accept {
			title = domain.Label{Zh: "您的报价已被接受：" + d.ListingTitle.Zh, En: "Your offer was accepted: " + d.ListingTitle.En}
		}
		return detail, s.notifyOrg(ctx, tx, d.OrgOf(o.FromSide), "deal.offer."+status+"."+o.ID, d.ID, title, dealLink(d.ID))
	})
}

// startNoticeIfRequired puts an agreed price under public notice when the
// venue's rules or state ownership require it (科技成果转化法 Art 18).
func (s *Service) startNoticeIfRequired(ctx context.Context, q store.Querier, op string, d *Deal, now time.Time) error {
	if d.Method != rules.Agreement {
		return nil // listings, auctions and challenges are public by themselves
	}
	rs, err := s.ruleSetOf(ctx, q, d.Venue, d.RuleVersion)
	if err != nil {
		return err
	}
	period, required := rs.AgreementNotice(d.StateOwned)
	if !required {
		return nil
	}
	if d.StateOwned && !period.Covers(rules.StateOwnedMinNotice) {
		// Validation keeps such rule sets out; refuse rather than notice too briefly.
		return refused(op, apperr.Conflict, rules.Refuse("notice_too_short",
			"a state-owned achievement's price must be noticed for at least 15 days", "国有科技成果协议定价须公示不少于15日"))
	}
	if err := fire(op, d, EvStartNotice); err != nil {
		return err
	}
	end, _ := period.End(now, s.cal)
	d.NoticeRequired, d.NoticeStartsAt, d.NoticeEndsAt, d.NoticeClearedAt = true, &now, &end, nil
	title := domain.Label{Zh: "协议价格进入公示期：" + d.ListingTitle.Zh, En: "The agreed price is under public notice: " + d.ListingTitle.En}
	for _, org := range []string{d.SellerOrgID, d.BuyerOrgID} {
		if err := s.notifyOrg(ctx, q, org, "deal.notice.start."+now.Format("20060102150405"), d.ID, title, dealLink(d.ID)); err != nil {
			return err
		}
	}
	return nil
}

var chinaZone = time.FixedZone("CST", 8*3600)

func getOffer(ctx context.Context, q store.Querier, dealID, offerID string) (Offer, error) {
	offers, err := listOffers(ctx, q, `deal_id = ? AND id = ?`, dealID, offerID)
	if err != nil {
		return Offer{}, err
	}
	if len(offers) == 0 {
		return Offer{}, apperr.E("deal.offer", apperr.NotFound, "offer not found")
	}
	return offers[0], nil
}

func listOffers(ctx context.Context, q store.Querier, where string, args ...any) ([]Offer, error) {
	rows, err := q.Query(ctx, `SELECT id, deal_id, seq, from_side, terms, status, expires_at, note, created_by, created_at,
		responded_by, responded_at FROM deal_offers WHERE `+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("list offers: %w", err)
	}
	defer rows.Close()
	var out []Offer
	for rows.Next() {
		var o Offer
		var terms string
		if err := rows.Scan(&o.ID, &o.DealID, &o.Seq, &o.FromSide, &terms, &o.Status, store.Time(&o.ExpiresAt), &o.Note,
			&o.CreatedBy, store.Time(&o.CreatedAt), &o.RespondedBy, store.NullTime(&o.RespondedAt)); err != nil {
			return nil, fmt.Errorf("list offers: %w", err)
		}
		if err := json.Unmarshal([]byte(terms), &o.Terms); err != nil {
			return nil, fmt.Errorf("offer %s: decode terms: %w", o.ID, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Withdraw takes the actor's side out of the deal. A bidder registered in a
// running sale is bound by its bids and cannot withdraw until the sale closes.
func (s *Service) Withdraw(ctx context.Context, actor domain.Actor, dealID, reason string) (Deal, error) {
	const op = "deal.withdraw"
	reason = strings.TrimSpace(reason)
	var f apperr.FieldList
	textLimit(&f, "reason", reason, 1000)
	if err := f.Err(op); err != nil {
		return Deal{}, err
	}
	return s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if !v.party {
			return nil, apperr.E(op, apperr.Forbidden, "only a party withdraws from a deal")
		}
		if d.SaleID != "" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deal_sale_bidders b JOIN deal_sales s ON s.id = b.sale_id
				WHERE b.sale_id = ? AND b.org_id = ? AND s.state = 'open'`, d.SaleID, d.CounterpartyOrgID).Scan(&n); err != nil {
				return nil, fmt.Errorf("check sale registration: %w", err)
			}
			if n > 0 {
				return nil, refused(op, apperr.Conflict, rules.Refuse("in_running_sale",
					"the bidder is registered in a running sale and bound by its bids until it closes", "竞买人已报名正在进行的竞价，结束前不得退出"))
			}
		}
		if err := fire(op, d, EvWithdraw); err != nil {
			return nil, err
		}
		d.EndReason = "withdrawn by the " + v.side
		if reason != "" {
			d.EndReason += ": " + reason
		}
		if _, err := tx.Exec(ctx, `UPDATE deal_offers SET status = 'withdrawn', responded_by = ?, responded_at = ? WHERE deal_id = ? AND status = 'open'`,
			actorRef(actor), now, d.ID); err != nil {
			return nil, fmt.Errorf("close offers: %w", err)
		}
		title := domain.Label{Zh: "对方已退出交易：" + d.ListingTitle.Zh, En: "The other party withdrew: " + d.ListingTitle.En}
		return map[string]any{"side": v.side, "reason": reason},
			s.notifyOrg(ctx, tx, d.OrgOf(otherSide(v.side)), "deal.withdrawn", d.ID, title, dealLink(d.ID))
	})
}

// Get returns a deal room as the actor sees it. The listing's confidential
// detail is included for the seller side, operators, and the buyer side (with
// its brokers) once its NDA is accepted.
func (s *Service) Get(ctx context.Context, actor domain.Actor, dealID string) (Room, error) {
	const op = "deal.Get"
	d, err := getDeal(ctx, s.db, dealID, false)
	if err != nil {
		return Room{}, fmt.Errorf("%s: %w", op, err)
	}
	v, err := s.access(ctx, s.db, actor, d)
	if err != nil {
		return Room{}, fmt.Errorf("%s: %w", op, err)
	}
	room := Room{Deal: d, ViewerSide: v.side, ViaBroker: v.broker}
	// The service decided access above; the listing is read as the system so that
	// a broker sees exactly what the mandating party sees.
	room.Listing, err = s.listings.Get(ctx, domain.SystemActor("deal-room"), d.ListingID)
	if err != nil {
		return Room{}, fmt.Errorf("%s: %w", op, err)
	}
	ownerSide := SideSeller
	if d.ListingKind == listing.KindNeed {
		ownerSide = SideBuyer
	}
	if v.side != ownerSide && v.side != sideOperator && d.NDA == nil {
		room.Listing.DetailWithheld = room.Listing.DetailZh != "" || room.Listing.DetailEn != ""
		room.Listing.DetailZh, room.Listing.DetailEn = "", ""
	}
	room.Listing.RejectReason = ""
	if room.Messages, err = listMessages(ctx, s.db, d.ID); err != nil {
		return Room{}, err
	}
	if room.Offers, err = listOffers(ctx, s.db, `deal_id = ?`, d.ID); err != nil {
		return Room{}, err
	}
	now := s.clock()
	for i := range room.Offers {
		if room.Offers[i].Status == OfferOpen && !now.Before(room.Offers[i].ExpiresAt) {
			room.Offers[i].Status = OfferExpired
		}
	}
	if room.Objections, err = listObjections(ctx, s.db, d.ID); err != nil {
		return Room{}, err
	}
	if room.Brokers, err = dealBrokers(ctx, s.db, d.ID); err != nil {
		return Room{}, err
	}
	if d.ContractVersion > 0 {
		cv, err := getContract(ctx, s.db, d.ID, d.ContractVersion)
		if err != nil {
			return Room{}, err
		}
		room.Contract = &cv
	}
	if d.AgreedTerms != nil {
		rs, err := s.ruleSetOf(ctx, s.db, d.Venue, d.RuleVersion)
		if err != nil {
			return Room{}, err
		}
		q := quoteFees(rs, d.AgreedTerms.PriceFen)
		room.Fees = &q
	}
	return room, nil
}

func quoteFees(rs rules.RuleSet, price domain.Fen) FeeQuote {
	return FeeQuote{PriceFen: price, BuyerFen: rs.Fees.Buyer.Of(price), SellerFen: rs.Fees.Seller.Of(price)}
}

func listMessages(ctx context.Context, q store.Querier, dealID string) ([]Message, error) {
	rows, err := q.Query(ctx, `SELECT id, deal_id, author_id, author_org_id, body, created_at FROM deal_messages
		WHERE deal_id = ? ORDER BY created_at, id`, dealID)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.DealID, &m.AuthorID, &m.AuthorOrgID, &m.Body, store.Time(&m.CreatedAt)); err != nil {
			return nil, fmt.Errorf("list messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Mine lists the deals of the actor's organisations (for the roles they hold)
// and the deals the actor brokers.
func (s *Service) Mine(ctx context.Context, actor domain.Actor) ([]Deal, error) {
	var sellerOrgs, buyerOrgs []any
	for _, r := range actor.Roles {
		switch r.Role {
		case domain.RoleSeller:
			sellerOrgs = append(sellerOrgs, r.OrgID)
		case domain.RoleBuyer:
			buyerOrgs = append(buyerOrgs, r.OrgID)
		case domain.RoleAdmin:
			sellerOrgs, buyerOrgs = append(sellerOrgs, r.OrgID), append(buyerOrgs, r.OrgID)
		}
	}
	where := []string{"d.id IN (SELECT deal_id FROM deal_brokers WHERE broker_user_id = ?)"}
	args := []any{actor.UserID}
	if len(sellerOrgs) > 0 {
		where = append(where, "d.seller_org_id IN ("+store.Placeholders(len(sellerOrgs))+")")
		args = append(args, sellerOrgs...)
	}
	if len(buyerOrgs) > 0 {
		where = append(where, "d.buyer_org_id IN ("+store.Placeholders(len(buyerOrgs))+")")
		args = append(args, buyerOrgs...)
	}
	return listDeals(ctx, s.db, strings.Join(where, " OR "), args...)
}

// ForListing lists a listing's deal rooms for its owner and operators.
func (s *Service) ForListing(ctx context.Context, actor domain.Actor, listingID string) ([]Deal, error) {
	const op = "deal.ForListing"
	l, err := loadListingFacts(ctx, s.db, listingID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !actor.MemberOf(l.OwnerOrgID) && !actor.HasRole(domain.RoleOperator) {
		return nil, apperr.E(op, apperr.Forbidden, "only the listing's owner sees its deal rooms")
	}
	return listDeals(ctx, s.db, "d.listing_id = ?", listingID)
}
