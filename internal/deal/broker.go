package deal

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Commission kinds. Following SPC Arts 38–40 (技术合同纠纷司法解释): the
// commission is due only if the deal is concluded; an unagreed commission is set
// by the work done and paid by the client; the broker bears its own activity
// costs unless agreed otherwise; necessary expenses stay payable when the deal
// fails unless agreed otherwise.
const (
	CommissionPercent  = "percent"
	CommissionFixed    = "fixed"
	CommissionUnagreed = "unagreed"
)

// Commission is what the mandating party pays its broker on conclusion.
type Commission struct {
	Kind     string     `json:"kind"`
	BP       int64      `json:"bp,omitempty"`        // percent: basis points of the price
	FixedFen domain.Fen `json:"fixed_fen,omitempty"` // fixed: the amount
}

// MandateInput is a party's mandate to a technology manager.
type MandateInput struct {
	PartyOrgID   string `json:"party_org_id"`
	BrokerUserID string `json:"broker_user_id"`
	Side         string `json:"side"` // seller | buyer: the side the party takes
	// ListingID limits the mandate to one listing; empty covers all the party's deals on that side.
	ListingID    string     `json:"listing_id,omitempty"`
	CanNegotiate bool       `json:"can_negotiate"`
	Commission   Commission `json:"commission"`
	// ExpensesBorneBy is "broker" (the default, SPC 38) or "client".
	ExpensesBorneBy string `json:"expenses_borne_by,omitempty"`
	// ExpensesIfFailed: necessary expenses are payable even if no deal is
	// concluded (the default, SPC 40); false waives them.
	ExpensesIfFailed *bool  `json:"expenses_if_failed,omitempty"`
	StartsOn         string `json:"starts_on"` // YYYY-MM-DD, China dates, inclusive
	EndsOn           string `json:"ends_on"`
}

// Mandate is a stored mandate.
type Mandate struct {
	ID               string     `json:"id"`
	BrokerUserID     string     `json:"broker_user_id"`
	BrokerName       string     `json:"broker_name"`
	PartyOrgID       string     `json:"party_org_id"`
	Side             string     `json:"side"`
	ListingID        string     `json:"listing_id,omitempty"`
	CanNegotiate     bool       `json:"can_negotiate"`
	Commission       Commission `json:"commission"`
	ExpensesBorneBy  string     `json:"expenses_borne_by"`
	ExpensesIfFailed bool       `json:"expenses_if_failed"`
	StartsOn         string     `json:"starts_on"`
	EndsOn           string     `json:"ends_on"`
	State            State      `json:"state"`
	CreatedBy        string     `json:"created_by"`
	CreatedAt        time.Time  `json:"created_at"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
}

// ProposeMandate records a party's mandate to a broker; it takes effect when
// the broker accepts it.
func (s *Service) ProposeMandate(ctx context.Context, actor domain.Actor, in MandateInput) (Mandate, error) {
	const op = "deal.mandate.propose"
	in.ExpensesBorneBy = strings.TrimSpace(in.ExpensesBorneBy)
	if in.ExpensesBorneBy == "" {
		in.ExpensesBorneBy = "broker"
	}
	expensesIfFailed := in.ExpensesIfFailed == nil || *in.ExpensesIfFailed
	var f apperr.FieldList
	if in.Side != SideSeller && in.Side != SideBuyer {
		f.Add("side", "invalid", "side must be seller or buyer", "委托方须为卖方或买方")
	}
	switch in.Commission.Kind {
	case CommissionPercent:
		if in.Commission.BP <= 0 || in.Commission.BP > 10000 {
			f.Add("commission.bp", "out_of_range", "a percentage commission is 1–10000 basis points", "佣金比例须为1至10000个基点")
		}
	case CommissionFixed:
		if in.Commission.FixedFen <= 0 || in.Commission.FixedFen > maxMoney {
			f.Add("commission.fixed_fen", "out_of_range", "a fixed commission must be positive", "固定佣金须大于零")
		}
	case CommissionUnagreed:
	default:
		f.Add("commission.kind", "invalid", "commission must be percent, fixed or unagreed", "佣金方式须为比例、固定金额或未约定")
	}
	if in.ExpensesBorneBy != "broker" && in.ExpensesBorneBy != "client" {
		f.Add("expenses_borne_by", "invalid", "expenses are borne by the broker or the client", "活动费用须由技术经理人或委托人承担")
	}
	if !validDate(in.StartsOn) {
		f.Add("starts_on", "invalid", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")
	}
	if !validDate(in.EndsOn) {
		f.Add("ends_on", "invalid", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")
	} else if in.EndsOn < in.StartsOn || in.EndsOn < s.today() {
		f.Add("ends_on", "out_of_range", "the term must end on or after its start and not in the past", "委托期限的终止日期不得早于起始日期或今天")
	}
	if err := f.Err(op); err != nil {
		return Mandate{}, err
	}
	if !actor.HasRoleIn(in.PartyOrgID, sideRole(in.Side)) {
		return Mandate{}, apperr.E(op, apperr.Forbidden, fmt.Sprintf("a %s mandate is given by a member with the %s role", in.Side, sideRole(in.Side)))
	}
	m := Mandate{ID: domain.NewID(), BrokerUserID: in.BrokerUserID, PartyOrgID: in.PartyOrgID, Side: in.Side, ListingID: in.ListingID,
		CanNegotiate: in.CanNegotiate, Commission: in.Commission, ExpensesBorneBy: in.ExpensesBorneBy, ExpensesIfFailed: expensesIfFailed,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, State: MandateProposed, CreatedBy: actorRef(actor), CreatedAt: s.clock()}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `SELECT u.name FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE u.id = ? AND m.role = ? AND u.disabled = ? LIMIT 1`, in.BrokerUserID, domain.RoleBroker, false).Scan(&m.BrokerName)
		if store.IsNoRows(err) {
			return apperr.Fields(op, apperr.Field("broker_user_id", "not_a_broker", "no active user with the technology-manager role", "该用户不是技术经理人"))
		}
		if err != nil {
			return fmt.Errorf("find broker: %w", err)
		}
		if in.ListingID != "" {
			if _, err := loadListingFacts(ctx, tx, in.ListingID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deal_mandates (id, broker_user_id, broker_name, party_org_id, side, listing_id, can_negotiate,
			commission_kind, commission_bp, commission_fixed_fen, expenses_borne_by, expenses_if_failed, starts_on, ends_on, state, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.BrokerUserID, m.BrokerName, m.PartyOrgID, m.Side, store.NullString(m.ListingID), m.CanNegotiate, m.Commission.Kind,
			m.Commission.BP, int64(m.Commission.FixedFen), m.ExpensesBorneBy, m.ExpensesIfFailed, m.StartsOn, m.EndsOn, string(m.State),
			m.CreatedBy, m.CreatedAt); err != nil {
			return fmt.Errorf("insert mandate: %w", err)
		}
		if s.notifier != nil {
			title := domain.Label{Zh: "您收到一项技术经理人委托", En: "You received a broker mandate"}
			if err := s.notifier.NotifyUser(ctx, tx, m.BrokerUserID, "deal.mandate", m.ID, title, "/mandates/"+m.ID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor, op, "mandate", m.ID, map[string]any{"broker_user_id": m.BrokerUserID, "party_org_id": m.PartyOrgID,
			"side": m.Side, "commission": m.Commission})
	})
	if err != nil {
		return Mandate{}, fmt.Errorf("%s: %w", op, err)
	}
	return m, nil
}

// RespondMandate lets the broker accept or decline a proposed mandate. On
// acceptance the broker is attached to the party's open deals within scope.
func (s *Service) RespondMandate(ctx context.Context, actor domain.Actor, mandateID string, accept bool) (Mandate, error) {
	ev := EvDeclineMandate
	if accept {
		ev = EvAcceptMandate
	}
	return s.changeMandate(ctx, "deal.mandate."+string(ev), actor, mandateID, ev, func(tx *store.Tx, m *Mandate, now time.Time) error {
		if actor.UserID != m.BrokerUserID {
			return apperr.E("deal.mandate", apperr.Forbidden, "only the named broker answers a mandate")
		}
		m.DecidedAt = &now
		if !accept {
			return nil
		}
		deals, err := listDeals(ctx, tx, "d."+m.Side+"_org_id = ? AND d.state NOT IN ('concluded', 'withdrawn', 'lost')", m.PartyOrgID)
		if err != nil {
			return err
		}
		for _, d := range deals {
			if m.ListingID == "" || m.ListingID == d.ListingID {
				if err := attachBroker(ctx, tx, d.ID, *m, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// RevokeMandate ends a mandate, by the party or the broker. The broker stays in
// the deal's history; no commission is due on deals concluded after revocation.
func (s *Service) RevokeMandate(ctx context.Context, actor domain.Actor, mandateID string) (Mandate, error) {
	return s.changeMandate(ctx, "deal.mandate.revoke", actor, mandateID, EvRevokeMandate, func(tx *store.Tx, m *Mandate, now time.Time) error {
		if actor.UserID != m.BrokerUserID && !actor.HasRoleIn(m.PartyOrgID, sideRole(m.Side)) {
			return apperr.E("deal.mandate", apperr.Forbidden, "only the party or the broker revokes a mandate")
		}
		m.RevokedAt = &now
		return nil
	})
}

func (s *Service) changeMandate(ctx context.Context, op string, actor domain.Actor, id string, ev Event,
	step func(tx *store.Tx, m *Mandate, now time.Time) error) (Mandate, error) {
	var out Mandate
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		ms, err := listMandates(ctx, tx, "id = ?", true, id)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return apperr.E(op, apperr.NotFound, "mandate not found")
		}
		m := ms[0]
		from := m.State
		to, r := mandateMachine.step(m.State, ev)
		if r != nil {
			return refused(op, apperr.Conflict, r)
		}
		now := s.clock()
		if err := step(tx, &m, now); err != nil {
			return err
		}
		m.State = to
		if _, err := tx.Exec(ctx, `UPDATE deal_mandates SET state = ?, decided_at = ?, revoked_at = ? WHERE id = ?`,
			string(m.State), m.DecidedAt, m.RevokedAt, m.ID); err != nil {
			return fmt.Errorf("update mandate: %w", err)
		}
		out = m
		return s.audit(ctx, tx, actor, op, "mandate", m.ID, map[string]any{"from": from, "to": m.State})
	})
	if err != nil {
		return Mandate{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// Mandates lists the mandates the actor holds as a broker or that its
// organisations gave.
func (s *Service) Mandates(ctx context.Context, actor domain.Actor) ([]Mandate, error) {
	where, args := "broker_user_id = ?", []any{actor.UserID}
	if orgs := actor.OrgIDs(); len(orgs) > 0 {
		where += " OR party_org_id IN (" + store.Placeholders(len(orgs)) + ")"
		for _, o := range orgs {
			args = append(args, o)
		}
	}
	return listMandates(ctx, s.db, where, false, args...)
}

func forUpdate(q store.Querier) string {
	if q.Dialect() == store.Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// listMandates reads mandates matching where; lock takes their row locks on PostgreSQL.
func listMandates(ctx context.Context, q store.Querier, where string, lock bool, args ...any) ([]Mandate, error) {
	query := `SELECT id, broker_user_id, broker_name, party_org_id, side, COALESCE(listing_id, ''), can_negotiate, commission_kind,
		commission_bp, commission_fixed_fen, expenses_borne_by, expenses_if_failed, starts_on, ends_on, state, created_by, created_at,
		decided_at, revoked_at FROM deal_mandates WHERE ` + where + ` ORDER BY created_at DESC, id`
	if lock {
		query += forUpdate(q)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list mandates: %w", err)
	}
	defer rows.Close()
	var out []Mandate
	for rows.Next() {
		var m Mandate
		var fixed int64
		if err := rows.Scan(&m.ID, &m.BrokerUserID, &m.BrokerName, &m.PartyOrgID, &m.Side, &m.ListingID, &m.CanNegotiate, &m.Commission.Kind,
			&m.Commission.BP, &fixed, &m.ExpensesBorneBy, &m.ExpensesIfFailed, store.Date(&m.StartsOn), store.Date(&m.EndsOn), &m.State,
			&m.CreatedBy, store.Time(&m.CreatedAt), store.NullTime(&m.DecidedAt), store.NullTime(&m.RevokedAt)); err != nil {
			return nil, fmt.Errorf("list mandates: %w", err)
		}
		m.Commission.FixedFen = domain.Fen(fixed)
		out = append(out, m)
	}
	return out, rows.Err()
}

// activeMandates are the broker's mandates in force today from any of orgs,
// covering listingID.
func activeMandates(ctx context.Context, q store.Querier, brokerUserID string, orgs []string, listingID, today string) ([]Mandate, error) {
	args := []any{brokerUserID, today, today, listingID}
	for _, o := range orgs {
		args = append(args, o)
	}
	return listMandates(ctx, q, `broker_user_id = ? AND state = 'active' AND starts_on <= ? AND ends_on >= ?
		AND (listing_id IS NULL OR listing_id = ?) AND party_org_id IN (`+store.Placeholders(len(orgs))+`)`, false, args...)
}

// attachMandates puts the brokers mandated by either party on a new deal.
func (s *Service) attachMandates(ctx context.Context, q store.Querier, d Deal, now time.Time) error {
	today := s.today()
	ms, err := listMandates(ctx, q, `state = 'active' AND starts_on <= ? AND ends_on >= ? AND (listing_id IS NULL OR listing_id = ?)
		AND ((party_org_id = ? AND side = 'seller') OR (party_org_id = ? AND side = 'buyer'))`,
		false, today, today, d.ListingID, d.SellerOrgID, d.BuyerOrgID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := attachBroker(ctx, q, d.ID, m, now); err != nil {
			return err
		}
	}
	return nil
}

func attachBroker(ctx context.Context, q store.Querier, dealID string, m Mandate, now time.Time) error {
	if _, err := q.Exec(ctx, `INSERT INTO deal_brokers (deal_id, mandate_id, broker_user_id, side, attached_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (deal_id, mandate_id) DO NOTHING`, dealID, m.ID, m.BrokerUserID, m.Side, now); err != nil {
		return fmt.Errorf("attach broker: %w", err)
	}
	return nil
}

func dealBrokers(ctx context.Context, q store.Querier, dealID string) ([]Broker, error) {
	rows, err := q.Query(ctx, `SELECT b.mandate_id, b.broker_user_id, m.broker_name, b.side, b.attached_at, b.commission_due_fen, b.commission_basis
		FROM deal_brokers b JOIN deal_mandates m ON m.id = b.mandate_id WHERE b.deal_id = ? ORDER BY b.attached_at, b.mandate_id`, dealID)
	if err != nil {
		return nil, fmt.Errorf("deal brokers: %w", err)
	}
	defer rows.Close()
	var out []Broker
	for rows.Next() {
		var b Broker
		var due sql.NullInt64
		if err := rows.Scan(&b.MandateID, &b.UserID, &b.Name, &b.Side, store.Time(&b.AttachedAt), &due, &b.CommissionBasis); err != nil {
			return nil, fmt.Errorf("deal brokers: %w", err)
		}
		b.CommissionDueFen = fenPtr(due)
		out = append(out, b)
	}
	return out, rows.Err()
}

// settleCommissions records each broker's commission when the deal concludes
// at price: due under a mandate in force that day, nothing otherwise (SPC 40).
func settleCommissions(ctx context.Context, q store.Querier, dealID string, price domain.Fen, today string) error {
	rows, err := q.Query(ctx, `SELECT b.mandate_id, m.state, m.starts_on, m.ends_on, m.commission_kind, m.commission_bp, m.commission_fixed_fen
		FROM deal_brokers b JOIN deal_mandates m ON m.id = b.mandate_id WHERE b.deal_id = ?`, dealID)
	if err != nil {
		return fmt.Errorf("read commissions: %w", err)
	}
	type due struct {
		mandate string
		amount  *domain.Fen
		basis   string
	}
	var dues []due
	for rows.Next() {
		var id, state, starts, ends, kind string
		var bp, fixed int64
		if err := rows.Scan(&id, &state, store.Date(&starts), store.Date(&ends), &kind, &bp, &fixed); err != nil {
			rows.Close()
			return fmt.Errorf("read commissions: %w", err)
		}
		d := due{mandate: id}
		switch {
		case state != string(MandateActive) || today < starts || today > ends:
			zero := domain.Fen(0)
			d.amount, d.basis = &zero, "mandate not in force at conclusion: nothing due"
		case kind == CommissionPercent:
			v := rules.MulBP(price, bp)
			d.amount, d.basis = &v, fmt.Sprintf("%d.%02d%% of %s yuan", bp/100, bp%100, price.Yuan())
		case kind == CommissionFixed:
			v := domain.Fen(fixed)
			d.amount, d.basis = &v, "fixed"
		default:
			d.basis = "unagreed: set by the work done and paid by the client (SPC Art 38)"
		}
		dues = append(dues, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range dues {
		if _, err := q.Exec(ctx, `UPDATE deal_brokers SET commission_due_fen = ?, commission_basis = ? WHERE deal_id = ? AND mandate_id = ?`,
			fenArg(d.amount), d.basis, dealID, d.mandate); err != nil {
			return fmt.Errorf("record commission: %w", err)
		}
	}
	return nil
}
