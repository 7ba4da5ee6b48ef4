// Package service stores valuations (issue 7): a valuation is the Input a user
// gave and the Result valuation.Run computed, tied to its listing. It can be
// re-run with changed assumptions (a new valuation naming its parent), and when
// the deal closes the realised price is recorded beside it, so that Accuracy can
// show how far valuations were from real prices (valuation.ErrorsOf).
//
// The computation stays in the pure package internal/valuation; this package
// adds who may do what, the listing → Input mapping, storage and audit.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/valuation"
)

// Valuation is one saved valuation.
type Valuation struct {
	ID        string `json:"id"`
	ListingID string `json:"listing_id"`
	// ParentID names the valuation this one re-ran with changed assumptions.
	ParentID     string           `json:"parent_id,omitempty"`
	CreatedBy    string           `json:"created_by"`
	OrgID        string           `json:"org_id,omitempty"`
	Scenario     string           `json:"scenario"`
	Method       string           `json:"method"`
	ModelVersion string           `json:"model_version"`
	Seed         uint64           `json:"seed"`
	P10          domain.Fen       `json:"p10_fen"`
	P50          domain.Fen       `json:"p50_fen"`
	P90          domain.Fen       `json:"p90_fen"`
	Realised     *Realised        `json:"realised,omitempty"`
	CreatedAt    time.Time        `json:"created_at"`
	Input        valuation.Input  `json:"input"`
	Result       valuation.Result `json:"result"`
}

// Realised is the price a deal on the listing actually closed at.
type Realised struct {
	PriceFen domain.Fen `json:"price_fen"`
	Date     string     `json:"date"` // YYYY-MM-DD
	// Source says where the price comes from: "deal:<id>" when the deals module
	// records it, otherwise the operator's or owner's note (contract number …).
	Source string `json:"source"`
}

// Accuracy is the error distribution of valuations against realised prices.
type Accuracy struct {
	valuation.ErrorDistribution
	// Excluded counts realised valuations left out because their P50 was zero
	// (no approach gave a positive value), which a log ratio cannot compare.
	Excluded int `json:"excluded"`
	// ItemsWithheld is true when the per-valuation items (which reveal deal
	// prices) were removed because the caller is not an operator.
	ItemsWithheld bool `json:"items_withheld"`
}

// Listings is what the service needs from the listing capability.
type Listings interface {
	Get(ctx context.Context, actor domain.Actor, id string) (listing.Listing, error)
}

// Service manages saved valuations.
type Service struct {
	db       *store.DB
	listings Listings
	now      func() time.Time
}

// New returns the service.
func New(db *store.DB, listings Listings) *Service {
	return &Service{db: db, listings: listings, now: func() time.Time { return time.Now().UTC() }}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// maxSourceChars bounds the realised-price source note.
const maxSourceChars = 200

// CanValue reports whether the actor may value the listing: members of the
// owning organisation, operators and brokers.
func CanValue(actor domain.Actor, l listing.Listing) bool {
	if actor.IsAnonymous() {
		return false
	}
	return actor.MemberOf(l.OwnerOrgID) || actor.HasRole(domain.RoleOperator) || actor.HasRole(domain.RoleBroker)
}

// valuerOrg is the organisation on whose behalf the actor values the listing.
func valuerOrg(actor domain.Actor, l listing.Listing) string {
	if actor.MemberOf(l.OwnerOrgID) {
		return l.OwnerOrgID
	}
	for _, r := range actor.Roles {
		if r.Role == domain.RoleOperator || r.Role == domain.RoleBroker || r.Role == domain.RoleAdmin {
			return r.OrgID
		}
	}
	return ""
}

// listingForValuer loads the listing and checks the actor may value it. A
// listing the actor cannot see is NotFound (listing.Get decides).
func (s *Service) listingForValuer(ctx context.Context, op string, actor domain.Actor, listingID string) (listing.Listing, error) {
	if actor.IsAnonymous() {
		return listing.Listing{}, apperr.E(op, apperr.Unauthenticated, "sign in to value a listing")
	}
	l, err := s.listings.Get(ctx, actor, listingID)
	if err != nil {
		return listing.Listing{}, err
	}
	if !CanValue(actor, l) {
		return listing.Listing{}, apperr.E(op, apperr.Forbidden,
			"only the owning organisation, operators and brokers may value a listing")
	}
	if l.Kind != listing.KindAchievement {
		return listing.Listing{}, apperr.Fields(op, apperr.Field("listing_id", "not_achievement",
			"only technology achievements can be valued, not needs", "只能评估科技成果，不能评估技术需求"))
	}
	return l, nil
}

// Draft returns the Input the wizard starts from: the listing's facts mapped by
// FromListing, dated today. The actor must be allowed to value the listing.
func (s *Service) Draft(ctx context.Context, actor domain.Actor, listingID string) (valuation.Input, listing.Listing, error) {
	l, err := s.listingForValuer(ctx, "valuation.Draft", actor, listingID)
	if err != nil {
		return valuation.Input{}, listing.Listing{}, err
	}
	return FromListing(l, s.now()), l, nil
}

// Create values a listing and saves the valuation. Facts the input leaves empty
// are taken from the listing (see Prefill); the input's own values win.
func (s *Service) Create(ctx context.Context, actor domain.Actor, listingID string, in valuation.Input) (Valuation, error) {
	const op = "valuation.Create"
	l, err := s.listingForValuer(ctx, op, actor, listingID)
	if err != nil {
		return Valuation{}, err
	}
	in = Prefill(in, l, s.now())
	return s.save(ctx, op, actor, l, "", in)
}

// Rerun values the listing again with a changed input and saves the result as
// a new valuation whose parent is id. The stored original never changes.
func (s *Service) Rerun(ctx context.Context, actor domain.Actor, id string, changed valuation.Input) (Valuation, error) {
	const op = "valuation.Rerun"
	parent, err := s.Get(ctx, actor, id)
	if err != nil {
		return Valuation{}, err
	}
	l, err := s.listingForValuer(ctx, op, actor, parent.ListingID)
	if err != nil {
		return Valuation{}, err
	}
	changed = Prefill(changed, l, s.now())
	return s.save(ctx, op, actor, l, parent.ID, changed)
}

// save runs the model on a complete input and stores input and result.
func (s *Service) save(ctx context.Context, op string, actor domain.Actor, l listing.Listing, parentID string, in valuation.Input) (Valuation, error) {
	in.ListingID = l.ID
	res, err := valuation.Run(in)
	if err != nil {
		return Valuation{}, err
	}
	v := Valuation{
		ID: domain.NewID(), ListingID: l.ID, ParentID: parentID, CreatedBy: actorID(actor), OrgID: valuerOrg(actor, l),
		Scenario: res.Scenario, Method: res.Method, ModelVersion: res.ModelVersion, Seed: res.Simulation.Seed,
		P10: res.Value.P10, P50: res.Value.P50, P90: res.Value.P90,
		CreatedAt: s.now(), Input: in, Result: res,
	}
	inJSON, err := json.Marshal(in)
	if err != nil {
		return Valuation{}, fmt.Errorf("%s: encode input: %w", op, err)
	}
	resJSON, err := json.Marshal(res)
	if err != nil {
		return Valuation{}, fmt.Errorf("%s: encode result: %w", op, err)
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO valuations (id, listing_id, parent_id, created_by, org_id, scenario, method,
			model_version, seed, input, result, p10_fen, p50_fen, p90_fen, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.ListingID, store.NullString(v.ParentID), v.CreatedBy, v.OrgID, v.Scenario, v.Method,
			v.ModelVersion, int64(v.Seed), string(inJSON), string(resJSON), int64(v.P10), int64(v.P50), int64(v.P90), v.CreatedAt); err != nil {
			return fmt.Errorf("insert valuation: %w", err)
		}
		action := "valuation.create"
		if parentID != "" {
			action = "valuation.rerun"
		}
		return audit.Record(ctx, tx, actor, action, "valuation", v.ID, map[string]any{
			"listing_id": v.ListingID, "parent_id": parentID, "method": v.Method, "model_version": v.ModelVersion,
			"p10_fen": v.P10, "p50_fen": v.P50, "p90_fen": v.P90})
	})
	if err != nil {
		return Valuation{}, fmt.Errorf("%s: %w", op, err)
	}
	return v, nil
}

func actorID(actor domain.Actor) string {
	if actor.System {
		return "system:" + actor.Name
	}
	return actor.UserID
}

const selectValuation = `SELECT id, listing_id, parent_id, created_by, org_id, scenario, method, model_version, seed,
	input, result, p10_fen, p50_fen, p90_fen, realised_price_fen, realised_at, realised_source, created_at FROM valuations`

type rowScanner interface{ Scan(dest ...any) error }

func scanValuation(sc rowScanner) (Valuation, error) {
	var v Valuation
	var parent *string
	var seed int64
	var inJSON, resJSON, realisedAt, source string
	var realised *int64
	if err := sc.Scan(&v.ID, &v.ListingID, &parent, &v.CreatedBy, &v.OrgID, &v.Scenario, &v.Method, &v.ModelVersion, &seed,
		&inJSON, &resJSON, &v.P10, &v.P50, &v.P90, &realised, store.Date(&realisedAt), &source, store.Time(&v.CreatedAt)); err != nil {
		return Valuation{}, err
	}
	if parent != nil {
		v.ParentID = *parent
	}
	v.Seed = uint64(seed)
	if realised != nil {
		v.Realised = &Realised{PriceFen: domain.Fen(*realised), Date: realisedAt, Source: source}
	}
	if err := json.Unmarshal([]byte(inJSON), &v.Input); err != nil {
		return Valuation{}, fmt.Errorf("decode stored input of %s: %w", v.ID, err)
	}
	if err := json.Unmarshal([]byte(resJSON), &v.Result); err != nil {
		return Valuation{}, fmt.Errorf("decode stored result of %s: %w", v.ID, err)
	}
	return v, nil
}
