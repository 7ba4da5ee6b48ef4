package listing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Notifier tells users about events; the app wires in the notification store.
type Notifier interface {
	NotifyOrg(ctx context.Context, q store.Querier, orgID, kind, subjectID string, title domain.Label, link string) error
}

// Changed is told after a listing's public state changes (commit done), so that
// indexes outside the database can follow.
type Changed func(l Listing)

// Service is the listing use cases.
type Service struct {
	db       *store.DB
	notifier Notifier
	changed  []Changed
	text     TextIndex // nil: text search uses the database's token index
	now      func() time.Time
	// ReminderLead is how long before expiry the owner is reminded.
	ReminderLead time.Duration
}

// New returns the listing service.
func New(db *store.DB, n Notifier) *Service {
	return &Service{db: db, notifier: n, now: time.Now, ReminderLead: 30 * 24 * time.Hour}
}

// OnChange registers a hook called after a listing is published, changed or removed.
func (s *Service) OnChange(f Changed) { s.changed = append(s.changed, f) }

// SetClock replaces the clock, for tests and demo data.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func (s *Service) fire(l Listing) {
	for _, f := range s.changed {
		f(l)
	}
}

// requiredRole is the role that may publish a kind of listing in an organisation.
func requiredRole(kind string) string {
	if kind == KindNeed {
		return domain.RoleBuyer
	}
	return domain.RoleSeller
}

// Create saves a new listing as a draft of orgID, or submits it for review at once.
func (s *Service) Create(ctx context.Context, actor domain.Actor, orgID string, in Input, submit bool) (Listing, error) {
	const op = "listing.Create"
	in.normalize()
	if orgID == "" {
		orgID = defaultOrg(actor, requiredRole(in.Kind))
	}
	if !actor.HasRoleIn(orgID, requiredRole(in.Kind)) {
		return Listing{}, apperr.E(op, apperr.Forbidden, fmt.Sprintf("publishing a %s needs the %s role in the owning organisation", in.Kind, requiredRole(in.Kind)))
	}
	if err := in.Validate(); err != nil {
		return Listing{}, err
	}
	now := s.now().UTC()
	l := Listing{ID: domain.NewID(), Status: StatusDraft, OwnerOrgID: orgID, CreatedBy: actor.UserID, Input: in,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if actor.System {
		l.CreatedBy = ""
	}
	if submit {
		l.Status, l.SubmittedAt = StatusSubmitted, &now
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if l.CreatedBy == "" {
			// System-created listings (demo data, imports) are attributed to a member.
			if err := tx.QueryRow(ctx, `SELECT user_id FROM memberships WHERE org_id = ? ORDER BY created_at LIMIT 1`, orgID).Scan(&l.CreatedBy); err != nil {
				return apperr.E(op, apperr.Invalid, "the organisation has no members")
			}
		}
		if err := insertListing(ctx, tx, &l); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "listing.create", "listing", l.ID, map[string]any{"status": l.Status, "kind": l.Kind})
	})
	if err != nil {
		return Listing{}, fmt.Errorf("%s: %w", op, err)
	}
	return s.Get(ctx, actor, l.ID)
}

func defaultOrg(actor domain.Actor, role string) string {
	for _, r := range actor.Roles {
		if r.Role == role {
			return r.OrgID
		}
	}
	return ""
}

// Update edits a listing's content. Editing a published listing sends it back to
// review, so the market only ever shows reviewed text.
func (s *Service) Update(ctx context.Context, actor domain.Actor, id string, version int, in Input, submit bool) (Listing, error) {
	const op = "listing.Update"
	in.normalize()
	var out Listing
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		cur, err := getListing(ctx, tx, id, true)
		if store.IsNoRows(err) {
			return apperr.E(op, apperr.NotFound, "listing not found")
		}
		if err != nil {
			return err
		}
		if !actor.HasRoleIn(cur.OwnerOrgID, requiredRole(cur.Kind)) {
			return apperr.E(op, apperr.Forbidden, "only the owning organisation can edit this listing")
		}
		if cur.Status == StatusWithdrawn {
			return apperr.E(op, apperr.Conflict, "a withdrawn listing cannot be edited")
		}
		in.Kind = cur.Kind // the kind never changes
		if err := in.Validate(); err != nil {
			return err
		}
		now := s.now().UTC()
		next := cur
		next.Input = in
		next.UpdatedAt = now
		if submit || cur.Status == StatusPublished || cur.Status == StatusSubmitted {
			next.Status, next.SubmittedAt = StatusSubmitted, &now
		} else if cur.Status == StatusRejected {
			next.Status = StatusDraft
		}
		ok, err := updateContent(ctx, tx, &next, version)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.E(op, apperr.Conflict, "the listing was changed by someone else; reload and try again")
		}
		out = next
		return audit.Record(ctx, tx, actor, "listing.update", "listing", id, map[string]any{"from": cur.Status, "to": next.Status})
	})
	if err != nil {
		return Listing{}, fmt.Errorf("%s: %w", op, err)
	}
	s.fire(out)
	return s.Get(ctx, actor, id)
}

// transition applies one lifecycle step under a row lock, with its audit entry.
func (s *Service) transition(ctx context.Context, op string, actor domain.Actor, id string,
	check func(cur Listing) error, apply func(tx *store.Tx, cur Listing, now time.Time) (string, map[string]any, error)) (Listing, error) {
	var after Listing
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		cur, err := getListing(ctx, tx, id, true)
		if store.IsNoRows(err) {
			return apperr.E(op, apperr.NotFound, "listing not found")
		}
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		now := s.now().UTC()
		status, sets, err := apply(tx, cur, now)
		if err != nil {
			return err
		}
		if err := setStatus(ctx, tx, id, status, sets, now); err != nil {
			return err
		}
		detail := map[string]any{"from": cur.Status, "to": status}
		if r, ok := sets["reject_reason"]; ok && r != "" {
			detail["reason"] = r
		}
		if err := audit.Record(ctx, tx, actor, op, "listing", id, detail); err != nil {
			return err
		}
		after, err = getListing(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return Listing{}, fmt.Errorf("%s: %w", op, err)
	}
	s.fire(after)
	return after, nil
}

func (s *Service) ownerCheck(op string, actor domain.Actor, from ...string) func(Listing) error {
	return func(cur Listing) error {
		if !actor.HasRoleIn(cur.OwnerOrgID, requiredRole(cur.Kind)) {
			return apperr.E(op, apperr.Forbidden, "only the owning organisation can do this")
		}
		for _, f := range from {
			if cur.Status == f {
				return nil
			}
		}
		return apperr.E(op, apperr.Conflict, fmt.Sprintf("not possible while the listing is %s", cur.Status))
	}
}

// Submit sends a draft or rejected listing to review.
func (s *Service) Submit(ctx context.Context, actor domain.Actor, id string) (Listing, error) {
	return s.transition(ctx, "listing.submit", actor, id, s.ownerCheck("listing.submit", actor, StatusDraft, StatusRejected),
		func(_ *store.Tx, _ Listing, now time.Time) (string, map[string]any, error) {
			return StatusSubmitted, map[string]any{"submitted_at": now, "reject_reason": ""}, nil
		})
}

// Review approves (publishes) or rejects a submitted listing. Rejection needs a reason.
func (s *Service) Review(ctx context.Context, actor domain.Actor, id string, approve bool, reason string) (Listing, error) {
	const op = "listing.review"
	reason = strings.TrimSpace(reason)
	if !actor.HasRole(domain.RoleOperator) {
		return Listing{}, apperr.E(op, apperr.Forbidden, "only exchange operators review listings")
	}
	if !approve && reason == "" {
		return Listing{}, apperr.Fields(op, apperr.Field("reason", "required", "a rejection needs a reason the owner can act on", "驳回须填写理由"))
	}
	return s.transition(ctx, op, actor, id,
		func(cur Listing) error {
			if cur.Status != StatusSubmitted {
				return apperr.E(op, apperr.Conflict, fmt.Sprintf("only submitted listings can be reviewed; this one is %s", cur.Status))
			}
			return nil
		},
		func(tx *store.Tx, cur Listing, now time.Time) (string, map[string]any, error) {
			sets := map[string]any{"reviewed_by": store.NullString(actor.UserID), "reviewed_at": now}
			status := StatusRejected
			title := domain.Label{Zh: "您的发布被驳回：" + cur.Title("zh"), En: "Your listing was rejected: " + cur.Title("en")}
			if approve {
				status = StatusPublished
				sets["published_at"] = now
				sets["expires_at"] = now.AddDate(0, cur.ValidityMonths, 0)
				sets["reject_reason"] = ""
				sets["reminded_at"] = nil
				title = domain.Label{Zh: "您的发布已通过审核：" + cur.Title("zh"), En: "Your listing is published: " + cur.Title("en")}
			} else {
				sets["reject_reason"] = reason
			}
			if s.notifier != nil {
				if err := s.notifier.NotifyOrg(ctx, tx, cur.OwnerOrgID, "listing."+status+"."+now.Format("20060102150405"), cur.ID, title, "/listings/"+cur.ID); err != nil {
					return "", nil, err
				}
			}
			return status, sets, nil
		})
}

// Withdraw takes a listing off the market for good.
func (s *Service) Withdraw(ctx context.Context, actor domain.Actor, id string) (Listing, error) {
	return s.transition(ctx, "listing.withdraw", actor, id,
		s.ownerCheck("listing.withdraw", actor, StatusDraft, StatusSubmitted, StatusPublished, StatusRejected, StatusExpired),
		func(_ *store.Tx, _ Listing, _ time.Time) (string, map[string]any, error) {
			return StatusWithdrawn, nil, nil
		})
}

// Renew extends a published or expired listing by its validity period from now.
// Content is unchanged, so no new review is needed.
func (s *Service) Renew(ctx context.Context, actor domain.Actor, id string) (Listing, error) {
	return s.transition(ctx, "listing.renew", actor, id, s.ownerCheck("listing.renew", actor, StatusPublished, StatusExpired),
		func(_ *store.Tx, cur Listing, now time.Time) (string, map[string]any, error) {
			sets := map[string]any{"expires_at": now.AddDate(0, cur.ValidityMonths, 0), "reminded_at": nil}
			if cur.PublishedAt == nil {
				sets["published_at"] = now
			}
			return StatusPublished, sets, nil
		})
}

// Get returns a listing as the actor may see it: unpublished listings only for the
// owner and operators, the confidential detail only for the owner, operators and
// organisations granted access (after an NDA).
func (s *Service) Get(ctx context.Context, actor domain.Actor, id string) (Listing, error) {
	const op = "listing.Get"
	l, err := getListing(ctx, s.db, id, false)
	if store.IsNoRows(err) {
		return Listing{}, apperr.E(op, apperr.NotFound, "listing not found")
	}
	if err != nil {
		return Listing{}, fmt.Errorf("%s: %w", op, err)
	}
	privileged := actor.MemberOf(l.OwnerOrgID) || actor.HasRole(domain.RoleOperator)
	if !privileged && l.Status != StatusPublished && l.Status != StatusExpired {
		return Listing{}, apperr.E(op, apperr.NotFound, "listing not found")
	}
	if !privileged {
		granted, err := hasAccessGrant(ctx, s.db, id, actor.OrgIDs())
		if err != nil {
			return Listing{}, fmt.Errorf("%s: %w", op, err)
		}
		if !granted {
			redact(&l)
		}
	}
	return l, nil
}

// redact removes everything confidential from a listing view.
func redact(l *Listing) {
	l.DetailWithheld = l.DetailZh != "" || l.DetailEn != ""
	l.DetailZh, l.DetailEn = "", ""
	l.RejectReason = ""
}

// GrantAccess lets an organisation see the confidential detail (after its NDA).
func (s *Service) GrantAccess(ctx context.Context, q store.Querier, actor domain.Actor, listingID, orgID, reason string) error {
	if _, err := q.Exec(ctx, `INSERT INTO listing_access (listing_id, org_id, granted_at, reason) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		listingID, orgID, s.now(), reason); err != nil {
		return fmt.Errorf("grant access: %w", err)
	}
	return audit.Record(ctx, q, actor, "listing.access.grant", "listing", listingID, map[string]any{"org_id": orgID, "reason": reason})
}

// MaxQueryText bounds the search box: longer texts are documents, not queries
// (matching a whole listing goes through the matching pages).
const MaxQueryText = 500

// Search queries the published market. Results never carry confidential detail.
func (s *Service) Search(ctx context.Context, q Query) (Page, error) {
	q.normalize()
	if utf8.RuneCountInString(q.Text) > MaxQueryText {
		return Page{}, apperr.Fields("listing.search", apperr.Field("q", "too_long",
			fmt.Sprintf("the search text is limited to %d characters", MaxQueryText),
			fmt.Sprintf("搜索内容不超过%d个字", MaxQueryText)))
	}
	var p Page
	ok := false
	var err error
	if q.Text != "" && s.text != nil {
		p, ok, err = s.searchByIndex(ctx, q)
	}
	if err == nil && !ok {
		p, err = searchListings(ctx, s.db, q)
	}
	if err != nil {
		return Page{}, err
	}
	for i := range p.Items {
		redact(&p.Items[i])
	}
	return p, nil
}

// ByOrg lists an organisation's listings in every state, for its members.
func (s *Service) ByOrg(ctx context.Context, actor domain.Actor, orgID string) ([]Listing, error) {
	if !actor.MemberOf(orgID) && !actor.HasRole(domain.RoleOperator) {
		return nil, apperr.E("listing.ByOrg", apperr.Forbidden, "not a member of this organisation")
	}
	return listWhere(ctx, s.db, "l.owner_org_id = ?", []any{orgID}, 500)
}

// Mine lists the listings of every organisation the actor belongs to.
func (s *Service) Mine(ctx context.Context, actor domain.Actor) ([]Listing, error) {
	orgs := actor.OrgIDs()
	if len(orgs) == 0 {
		return nil, nil
	}
	ph := store.Placeholders(len(orgs))
	args := make([]any, len(orgs))
	for i, o := range orgs {
		args[i] = o
	}
	return listWhere(ctx, s.db, "l.owner_org_id IN ("+ph+")", args, 500)
}

// ReviewQueue lists submitted listings, oldest submission first, for operators.
func (s *Service) ReviewQueue(ctx context.Context, actor domain.Actor) ([]Listing, error) {
	if !actor.HasRole(domain.RoleOperator) {
		return nil, apperr.E("listing.ReviewQueue", apperr.Forbidden, "only exchange operators review listings")
	}
	rows, err := s.db.Query(ctx, `SELECT `+listingColumns+` FROM listings l JOIN organizations o ON o.id = l.owner_org_id
		WHERE l.status = 'submitted' ORDER BY l.submitted_at, l.id LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	defer rows.Close()
	var out []Listing
	for rows.Next() {
		l, err := scanListing(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Stats are the market counts on the home page.
type Stats struct {
	Achievements int            `json:"achievements"`
	Needs        int            `json:"needs"`
	ByField      map[string]int `json:"by_field"`
}

// MarketStats counts published listings by kind and field.
func (s *Service) MarketStats(ctx context.Context) (Stats, error) {
	st := Stats{ByField: map[string]int{}}
	rows, err := s.db.Query(ctx, `SELECT kind, field, COUNT(*) FROM listings WHERE status = 'published' GROUP BY kind, field`)
	if err != nil {
		return st, fmt.Errorf("market stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, field string
		var n int
		if err := rows.Scan(&kind, &field, &n); err != nil {
			return st, err
		}
		if kind == KindNeed {
			st.Needs += n
		} else {
			st.Achievements += n
		}
		st.ByField[field] += n
	}
	return st, rows.Err()
}

// ExpireDue expires listings past their validity and reminds owners of those
// expiring within ReminderLead. It is idempotent; the server runs it periodically.
func (s *Service) ExpireDue(ctx context.Context) (expired, reminded int, err error) {
	now := s.now().UTC()
	system := domain.SystemActor("expiry")
	ids, err := strings1(ctx, s.db, `SELECT id FROM listings WHERE status = 'published' AND expires_at <= ? LIMIT 1000`, now)
	if err != nil {
		return 0, 0, err
	}
	for _, id := range ids {
		_, err := s.transition(ctx, "listing.expire", system, id,
			func(cur Listing) error {
				if cur.Status != StatusPublished {
					return apperr.E("listing.expire", apperr.Conflict, "no longer published")
				}
				return nil
			},
			func(tx *store.Tx, cur Listing, now time.Time) (string, map[string]any, error) {
				if s.notifier != nil {
					title := domain.Label{Zh: "您的发布已过期，可续期：" + cur.Title("zh"), En: "Your listing expired and can be renewed: " + cur.Title("en")}
					if err := s.notifier.NotifyOrg(ctx, tx, cur.OwnerOrgID, "listing.expired."+now.Format("20060102"), cur.ID, title, "/listings/"+cur.ID); err != nil {
						return "", nil, err
					}
				}
				return StatusExpired, nil, nil
			})
		if err == nil {
			expired++
		} else if !apperr.Is(err, apperr.Conflict) {
			return expired, reminded, err
		}
	}
	ids, err = strings1(ctx, s.db, `SELECT id FROM listings WHERE status = 'published' AND expires_at <= ? AND reminded_at IS NULL LIMIT 1000`, now.Add(s.ReminderLead))
	if err != nil {
		return expired, reminded, err
	}
	for _, id := range ids {
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			cur, err := getListing(ctx, tx, id, true)
			if err != nil || cur.Status != StatusPublished {
				return err
			}
			title := domain.Label{
				Zh: fmt.Sprintf("您的发布将于 %s 过期，请续期：%s", cur.ExpiresAt.Format("2006-01-02"), cur.Title("zh")),
				En: fmt.Sprintf("Your listing expires on %s; renew it: %s", cur.ExpiresAt.Format("2006-01-02"), cur.Title("en")),
			}
			if s.notifier != nil {
				if err := s.notifier.NotifyOrg(ctx, tx, cur.OwnerOrgID, "listing.reminder."+cur.ExpiresAt.Format("20060102"), cur.ID, title, "/listings/"+cur.ID); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE listings SET reminded_at = ? WHERE id = ?`, now, id); err != nil {
				return err
			}
			return audit.Record(ctx, tx, system, "listing.remind", "listing", id, nil)
		})
		if err != nil {
			return expired, reminded, err
		}
		reminded++
	}
	return expired, reminded, nil
}
