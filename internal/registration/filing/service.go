// Package filing is the registration workflow over the database: a filer
// (the seller side, or the domestic buyer of an imported technology) drafts a
// filing from a contract, checks it against the registry's rules and the other
// filings, and submits it; the registrars of the registry work a queue ordered
// by deadline, claim a filing, ask for corrections, refuse it with coded
// reasons or register it under a gap-free registration number; a registered
// filing can be amended or cancelled (注销). Every step is checked against
// registration.Transitions, recorded as a filing event and in the audit log in
// the same transaction, and notified to the filer.
//
// The rules themselves (what a contract is, what blocks it, deadlines, numbers)
// live in package registration; this package stores and sequences them.
package filing

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// ObjectType is the audit-log object type of filings.
const ObjectType = "registration_filing"

// Notifier tells the filer about decisions inside the deciding transaction:
// *notify.Service.
type Notifier interface {
	NotifyUser(ctx context.Context, q store.Querier, userID, kind, subjectID string, title domain.Label, link string) error
}

// Service is the registration workflow over one database.
type Service struct {
	db       *store.DB
	notifier Notifier
	now      func() time.Time
}

// New returns the service. notifier may be nil.
func New(db *store.DB, notifier Notifier) *Service {
	return &Service{db: db, notifier: notifier, now: time.Now}
}

// SetClock replaces the clock, for tests and demo data. Deadlines, validity and
// registration years are decided by this server-side clock.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Filing is one contract filed for registration, in the API's JSON form.
type Filing struct {
	ID            string                `json:"id"`
	RegistryOrgID string                `json:"registry_org_id"`
	FilerOrgID    string                `json:"filer_org_id"`
	FilerUserID   string                `json:"filer_user_id"`
	Status        string                `json:"status"`
	Contract      registration.Contract `json:"contract"`
	// Result is the latest check, run on every save, submission and decision.
	Result              *registration.Result   `json:"result,omitempty"`
	ContentHash         string                 `json:"content_hash"`
	AmountFen           domain.Fen             `json:"amount_fen"`
	TechnologyAmountFen domain.Fen             `json:"technology_amount_fen"`
	Override            *registration.Override `json:"override,omitempty"`
	SubmittedAt         *time.Time             `json:"submitted_at,omitempty"`
	// DeadlineDue is the last day (China date) for the registrar's decision; it
	// is set on each (re)submission and means nothing while corrections are due.
	DeadlineDue        string     `json:"deadline_due,omitempty"`
	ClaimedBy          string     `json:"claimed_by,omitempty"`
	RegistrationNumber string     `json:"registration_number,omitempty"`
	RegisteredAt       *time.Time `json:"registered_at,omitempty"`
	// SourceDealID is the concluded platform deal the draft was pre-filled
	// from; SourceDealLink is its deal room.
	SourceDealID   string    `json:"source_deal_id,omitempty"`
	SourceDealLink string    `json:"source_deal_link,omitempty"`
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// DeadlineState says where a submitted filing stands against its deadline on
// the China date of now: "running", "due_today", "overdue", or "" when the
// clock is not running.
func (f Filing) DeadlineState(now time.Time) string {
	if !registration.ClockRunning(f.Status) || f.DeadlineDue == "" {
		return ""
	}
	today := now.In(chinaZone).Format(time.DateOnly)
	switch {
	case today > f.DeadlineDue:
		return "overdue"
	case today == f.DeadlineDue:
		return "due_today"
	}
	return "running"
}

var chinaZone = time.FixedZone("CST", 8*3600)

// Event is one entry of a filing's history.
type Event struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id"`
	Event      string    `json:"event"`
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
	Codes      []string  `json:"codes"`
	Note       string    `json:"note,omitempty"`
	Version    int       `json:"version"`
}

// actorRef is how an actor is written into records: the user id, or
// "system:<name>" for jobs and admin commands.
func actorRef(a domain.Actor) string {
	if a.System {
		return "system:" + a.Name
	}
	return a.UserID
}

// isRegistrar reports whether the actor may decide filings of the registry.
func isRegistrar(a domain.Actor, registryOrgID string) bool {
	return a.HasRoleIn(registryOrgID, domain.RoleRegistrar)
}

// canView reports whether the actor may read a filing: the filing organisation's
// members and the registry's registrars.
func canView(a domain.Actor, f Filing) bool {
	return a.MemberOf(f.FilerOrgID) || isRegistrar(a, f.RegistryOrgID)
}

// Get returns a filing the actor may see; others get NotFound, so that filing
// ids reveal nothing.
func (s *Service) Get(ctx context.Context, actor domain.Actor, id string) (Filing, error) {
	f, err := loadFiling(ctx, s.db, id)
	if err != nil {
		return Filing{}, err
	}
	if !canView(actor, f) {
		return Filing{}, apperr.E("filing.Get", apperr.NotFound, "no such filing")
	}
	return f, nil
}

// History lists a filing's events, oldest first.
func (s *Service) History(ctx context.Context, actor domain.Actor, id string) ([]Event, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, at, actor_id, event, from_status, to_status, codes, note, version
		FROM registration_filing_events WHERE filing_id = ? ORDER BY at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("filing history %s: %w", id, err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var codes string
		if err := rows.Scan(&e.ID, store.Time(&e.At), &e.ActorID, &e.Event, &e.FromStatus, &e.ToStatus, &codes, &e.Note, &e.Version); err != nil {
			return nil, fmt.Errorf("filing history %s: %w", id, err)
		}
		if err := json.Unmarshal([]byte(codes), &e.Codes); err != nil {
			return nil, fmt.Errorf("filing history %s: codes: %w", id, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Mine lists the filings of the actor's organisations, newest first.
func (s *Service) Mine(ctx context.Context, actor domain.Actor) ([]Filing, error) {
	orgs := actor.OrgIDs()
	if len(orgs) == 0 {
		return []Filing{}, nil
	}
	return queryFilings(ctx, s.db, `WHERE filer_org_id IN (`+store.Placeholders(len(orgs))+`) ORDER BY updated_at DESC, id LIMIT 500`, anySlice(orgs)...)
}

// Queue lists the filings waiting for a registry's decision, the soonest
// deadline first; filings waiting for the filer's corrections come last.
func (s *Service) Queue(ctx context.Context, actor domain.Actor, registryOrgID string) ([]Filing, error) {
	if registryOrgID == "" {
		registryOrgID = firstRegistry(actor)
	}
	if registryOrgID == "" || !isRegistrar(actor, registryOrgID) {
		return nil, apperr.E("filing.Queue", apperr.Forbidden, "only the registry's registrars see its queue")
	}
	return queryFilings(ctx, s.db, `WHERE registry_org_id = ? AND status IN (?, ?)
		ORDER BY CASE WHEN status = ? THEN 0 ELSE 1 END, deadline_due, submitted_at, id LIMIT 1000`,
		registryOrgID, registration.StatusSubmitted, registration.StatusCorrectionRequested, registration.StatusSubmitted)
}

// firstRegistry is the first organisation where the actor is a registrar.
func firstRegistry(a domain.Actor) string {
	for _, r := range a.Roles {
		if r.Role == domain.RoleRegistrar {
			return r.OrgID
		}
	}
	return ""
}

// record writes a history event and the audit entry for one step.
func record(ctx context.Context, q store.Querier, actor domain.Actor, f Filing, event, from string, codes []string, note string, at time.Time) error {
	if codes == nil {
		codes = []string{}
	}
	body, err := json.Marshal(codes)
	if err != nil {
		return fmt.Errorf("filing event %s: %w", event, err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO registration_filing_events (id, filing_id, at, actor_id, event, from_status, to_status, codes, note, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, domain.NewID(), f.ID, at, actorRef(actor), event, from, f.Status, string(body), note, f.Version); err != nil {
		return fmt.Errorf("filing event %s: %w", event, err)
	}
	detail := map[string]any{"from": from, "to": f.Status, "version": f.Version}
	if len(codes) > 0 {
		detail["codes"] = codes
	}
	if note != "" {
		detail["note"] = note
	}
	if f.RegistrationNumber != "" {
		detail["registration_number"] = f.RegistrationNumber
	}
	return audit.Record(ctx, q, actor, "registration."+event, ObjectType, f.ID, detail)
}

// notifyFiler tells the filer about a step taken by someone else.
func (s *Service) notifyFiler(ctx context.Context, q store.Querier, actor domain.Actor, f Filing, kind string, title domain.Label) error {
	if s.notifier == nil || f.FilerUserID == "" || f.FilerUserID == actor.UserID {
		return nil
	}
	return s.notifier.NotifyUser(ctx, q, f.FilerUserID, kind, f.ID, title, "/registration/filings/"+f.ID)
}
