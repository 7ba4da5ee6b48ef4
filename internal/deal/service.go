// Package deal runs deals from the first expression of interest to a signed
// contract: deal rooms (NDA, confidential detail, messages, offers and
// counter-offers), the trading methods that set a price (agreement with public
// notice, fixed-price listing, English and sealed-bid auctions, challenges),
// brokers' mandates and commissions, and typed contract terms with a generated
// document that both parties sign.
//
// Every step is an event of an explicit state machine (machine.go); a step that
// the table, the venue's rules or the clock does not allow is refused with a
// reason code and English and Chinese messages, and changes nothing. Every
// change is audited in its own transaction. Deals and sales record the venue
// rule-set version they run under (package rules).
package deal

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/workcal"
)

// Listings is what deals need from the listing service: *listing.Service.
type Listings interface {
	Get(ctx context.Context, actor domain.Actor, id string) (listing.Listing, error)
	GrantAccess(ctx context.Context, q store.Querier, actor domain.Actor, listingID, orgID, reason string) error
}

// Notifier tells users about deal events inside the deal's transaction:
// *notify.Service.
type Notifier interface {
	NotifyOrg(ctx context.Context, q store.Querier, orgID, kind, subjectID string, title domain.Label, link string) error
	NotifyUser(ctx context.Context, q store.Querier, userID, kind, subjectID string, title domain.Label, link string) error
}

// DepositChecker answers whether a bidder's deposit (保证金) for a sale is held.
// The app wires it to the ledger (account ledger.AuctionDeposit(saleID, orgID));
// without one, only deposits confirmed by an operator count.
type DepositChecker interface {
	DepositHeld(ctx context.Context, q store.Querier, saleID, orgID string, required domain.Fen) (bool, error)
}

// Service is the deal use cases over one database.
type Service struct {
	db       *store.DB
	listings Listings
	notifier Notifier
	deposits DepositChecker
	cal      *workcal.Calendar
	rules    rules.Cache
	now      func() time.Time

	onSaleClosed []func(SaleResult)
	onConcluded  []func(Deal)
}

// New returns the deal service. notifier may be nil.
func New(db *store.DB, listings Listings, notifier Notifier) *Service {
	return &Service{db: db, listings: listings, notifier: notifier, cal: workcal.Default(), now: time.Now}
}

// SetClock replaces the clock, for tests, demo data and benchmarks. Every
// deadline is decided by this server-side clock against stored times; clients
// never supply the time.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// SetDepositChecker wires the ledger's view of deposits.
func (s *Service) SetDepositChecker(c DepositChecker) { s.deposits = c }

// SetCalendar replaces the working-day calendar (tests).
func (s *Service) SetCalendar(c *workcal.Calendar) { s.cal = c }

// OnSaleClosed registers a hook called after a sale closes (commit done), e.g.
// for the ledger to return, forfeit or apply deposits.
func (s *Service) OnSaleClosed(f func(SaleResult)) { s.onSaleClosed = append(s.onSaleClosed, f) }

// OnConcluded registers a hook called after both parties signed (commit done),
// e.g. to pre-fill the registration filing and open escrow.
func (s *Service) OnConcluded(f func(Deal)) { s.onConcluded = append(s.onConcluded, f) }

// clock is the current time in UTC at the precision both databases store, so
// that a time kept in memory equals the same time read back.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// EnsureSeed installs the seed venues with their version-1 rules and the
// built-in NDA text where missing. It is idempotent; the app calls it at start.
func (s *Service) EnsureSeed(ctx context.Context) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		now := s.clock()
		if _, err := rules.EnsureSeed(ctx, tx, now); err != nil {
			return err
		}
		return ensureNDA(ctx, tx, now)
	})
}

// Venues lists the venues.
func (s *Service) Venues(ctx context.Context) ([]rules.Venue, error) {
	return rules.ListVenues(ctx, s.db)
}

// Venue returns one venue.
func (s *Service) Venue(ctx context.Context, code string) (rules.Venue, error) {
	return rules.GetVenue(ctx, s.db, code, false)
}

// RuleSet returns a version of a venue's rules; version 0 is the current one.
func (s *Service) RuleSet(ctx context.Context, venue string, version int) (rules.RuleSet, error) {
	return s.rules.Load(ctx, s.db, venue, version)
}

// RuleSetVersions lists the stored versions of a venue's rules.
func (s *Service) RuleSetVersions(ctx context.Context, venue string) ([]rules.VersionInfo, error) {
	return rules.Versions(ctx, s.db, venue)
}

// PublishRuleSet stores rs as the venue's next version (venue operators and
// administrators). Deals and sales already running keep their version.
func (s *Service) PublishRuleSet(ctx context.Context, actor domain.Actor, venue string, rs rules.RuleSet, note string) (rules.RuleSet, error) {
	const op = "deal.PublishRuleSet"
	var out rules.RuleSet
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		v, err := rules.GetVenue(ctx, tx, venue, false)
		if err != nil {
			return err
		}
		if !operates(actor, v) {
			return apperr.E(op, apperr.Forbidden, "only the venue's operators change its rules")
		}
		out, err = rules.Publish(ctx, tx, venue, rs, note, actorRef(actor), s.clock())
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "deal.rules.publish", "venue", venue, map[string]any{"version": out.Version, "sha256": out.Hash(), "note": note})
	})
	if err != nil {
		return rules.RuleSet{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// SetVenueOperator hands a venue to an exchange organisation (administrators).
func (s *Service) SetVenueOperator(ctx context.Context, actor domain.Actor, venue, orgID string) error {
	const op = "deal.SetVenueOperator"
	if !actor.IsAdmin() {
		return apperr.E(op, apperr.Forbidden, "only administrators assign venues")
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := rules.SetOperator(ctx, tx, venue, orgID, s.clock()); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "deal.venue.operator", "venue", venue, map[string]any{"org_id": orgID})
	})
}

// operates reports whether actor runs venue v: an operator of its exchange
// organisation, any operator when it has none, or an administrator.
func operates(actor domain.Actor, v rules.Venue) bool {
	if actor.IsAdmin() {
		return true
	}
	if v.OperatorOrgID == "" {
		return actor.HasRole(domain.RoleOperator)
	}
	return actor.HasRoleIn(v.OperatorOrgID, domain.RoleOperator)
}

// sideRole is the role that acts for a side of a deal.
func sideRole(side string) string {
	if side == SideSeller {
		return domain.RoleSeller
	}
	return domain.RoleBuyer
}

// viewer is how an actor relates to a deal.
type viewer struct {
	side     string // SideSeller, SideBuyer, or "operator"
	party    bool   // a member of the side's organisation with the side's role
	broker   bool   // a broker holding an active mandate from the side
	canAct   bool   // may make offers, messages and drafts for the side
	operator bool
}

const sideOperator = "operator"

// access decides how actor sees deal d. Only the parties, their mandated
// brokers and the venue's operators see a deal room; anyone else gets NotFound,
// so that a room's existence does not leak.
func (s *Service) access(ctx context.Context, q store.Querier, actor domain.Actor, d Deal) (viewer, error) {
	if actor.System {
		return viewer{side: sideOperator, operator: true, canAct: true}, nil
	}
	for _, side := range []string{SideSeller, SideBuyer} {
		if actor.HasRoleIn(d.OrgOf(side), sideRole(side)) {
			return viewer{side: side, party: true, canAct: true}, nil
		}
	}
	if actor.UserID != "" {
		ms, err := activeMandates(ctx, q, actor.UserID, []string{d.SellerOrgID, d.BuyerOrgID}, d.ListingID, s.today())
		if err != nil {
			return viewer{}, err
		}
		for _, m := range ms {
			if m.PartyOrgID == d.OrgOf(m.Side) {
				return viewer{side: m.Side, broker: true, canAct: m.CanNegotiate}, nil
			}
		}
	}
	v, err := rules.GetVenue(ctx, q, d.Venue, false)
	if err != nil {
		return viewer{}, err
	}
	if operates(actor, v) {
		return viewer{side: sideOperator, operator: true}, nil
	}
	return viewer{}, apperr.E("deal.access", apperr.NotFound, "deal not found")
}

// today is the current date in China, for mandate terms.
func (s *Service) today() string { return workcal.ChinaDate(s.clock()).Format(time.DateOnly) }

// actorRef is how an actor is written into records: the user id, or
// "system:<name>" for jobs and admin commands.
func actorRef(a domain.Actor) string {
	if a.System {
		return "system:" + a.Name
	}
	return a.UserID
}

// defaultOrg picks the actor's first organisation holding role.
func defaultOrg(actor domain.Actor, role string) string {
	for _, r := range actor.Roles {
		if r.Role == role {
			return r.OrgID
		}
	}
	return ""
}

func (s *Service) audit(ctx context.Context, q store.Querier, actor domain.Actor, action, objectType, objectID string, detail map[string]any) error {
	return audit.Record(ctx, q, actor, action, objectType, objectID, detail)
}

func (s *Service) notifyOrg(ctx context.Context, q store.Querier, orgID, kind, subject string, title domain.Label, link string) error {
	if s.notifier == nil || orgID == "" {
		return nil
	}
	return s.notifier.NotifyOrg(ctx, q, orgID, kind, subject, title, link)
}

// listingFacts are the listing's fields the trading rules depend on, read in
// the deal's transaction (the listing service offers no transactional read).
type listingFacts struct {
	ID         string
	Kind       string
	Status     string
	OwnerOrgID string
	StateOwned bool
	TitleZh    string
	TitleEn    string
	ExpiresAt  *time.Time
	IPTypes    []string
}

func (l listingFacts) title() domain.Label {
	t := domain.Label{Zh: l.TitleZh, En: l.TitleEn}
	if t.Zh == "" {
		t.Zh = t.En
	}
	if t.En == "" {
		t.En = t.Zh
	}
	return t
}

// available reports whether the listing can be traded at now: published and
// not past its expiry.
func (l listingFacts) available(now time.Time) *rules.Refusal {
	if l.Status != listing.StatusPublished || (l.ExpiresAt != nil && !now.Before(*l.ExpiresAt)) {
		return rules.Refuse("listing_not_available", "the listing is not on the market (expired, withdrawn or unpublished)",
			"该发布信息已不在市场上（已过期、撤回或未发布）")
	}
	return nil
}

func (l listingFacts) assets() []string { return rules.AssetTypes(l.Kind, l.IPTypes) }

func loadListingFacts(ctx context.Context, q store.Querier, id string) (listingFacts, error) {
	var l listingFacts
	err := q.QueryRow(ctx, `SELECT id, kind, status, owner_org_id, state_owned, title_zh, title_en, expires_at
		FROM listings WHERE id = ?`, id).Scan(&l.ID, &l.Kind, &l.Status, &l.OwnerOrgID, &l.StateOwned, &l.TitleZh, &l.TitleEn, store.NullTime(&l.ExpiresAt))
	if store.IsNoRows(err) {
		return l, apperr.E("deal.listing", apperr.NotFound, "listing not found")
	}
	if err != nil {
		return l, fmt.Errorf("read listing %s: %w", id, err)
	}
	rows, err := q.Query(ctx, `SELECT type FROM listing_ip_items WHERE listing_id = ? ORDER BY seq`, id)
	if err != nil {
		return l, fmt.Errorf("read listing IP items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return l, err
		}
		if !slices.Contains(l.IPTypes, t) {
			l.IPTypes = append(l.IPTypes, t)
		}
	}
	return l, rows.Err()
}

// Tick advances everything that time moves: it closes sales past their close
// time and ends public notices that ran out without an open objection. It is
// idempotent; the server runs it every minute.
func (s *Service) Tick(ctx context.Context) (salesClosed, noticesEnded int, err error) {
	system := domain.SystemActor("deal-clock")
	now := s.clock()
	ids, err := idList(ctx, s.db, `SELECT id FROM deal_sales WHERE state = 'open' AND ends_at <= ? ORDER BY ends_at LIMIT 500`, now)
	if err != nil {
		return 0, 0, err
	}
	for _, id := range ids {
		if _, err := s.CloseSale(ctx, system, id); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				continue // closed meanwhile by someone else
			}
			return salesClosed, noticesEnded, err
		}
		salesClosed++
	}
	ids, err = idList(ctx, s.db, `SELECT id FROM deals WHERE state = 'notice' AND notice_ends_at <= ? ORDER BY notice_ends_at LIMIT 500`, now)
	if err != nil {
		return salesClosed, 0, err
	}
	for _, id := range ids {
		if _, err := s.EndNotice(ctx, system, id); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				continue // an objection is open, or the state moved on
			}
			return salesClosed, noticesEnded, err
		}
		noticesEnded++
	}
	return salesClosed, noticesEnded, nil
}

func idList(ctx context.Context, q store.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list ids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
