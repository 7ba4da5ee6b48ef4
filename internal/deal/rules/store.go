package rules

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Venue is a trading venue (exchange) and the version of its rules in force.
type Venue struct {
	Code        string       `json:"code"`
	Name        domain.Label `json:"name"`
	Description domain.Label `json:"description"`
	// OperatorOrgID is the exchange organisation whose operators run the venue;
	// empty means any platform operator.
	OperatorOrgID  string    `json:"operator_org_id,omitempty"`
	CurrentVersion int       `json:"current_version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// VersionInfo describes one stored version of a venue's rules.
type VersionInfo struct {
	Version   int       `json:"version"`
	SHA256    string    `json:"sha256"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

//go:embed seed.json
var seedJSON []byte

type seedFile struct {
	Venues []struct {
		Code        string       `json:"code"`
		Name        domain.Label `json:"name"`
		Description domain.Label `json:"description"`
		Rules       RuleSet      `json:"rules"`
	} `json:"venues"`
}

// DefaultVenue is the venue a deal runs at when nobody names one.
const DefaultVenue = "platform"

// Seeds returns the embedded seed venues, each with its version-1 rules.
func Seeds() ([]Venue, []RuleSet, error) {
	var f seedFile
	if err := json.Unmarshal(seedJSON, &f); err != nil {
		return nil, nil, fmt.Errorf("rules: parse seed.json: %w", err)
	}
	var venues []Venue
	var sets []RuleSet
	for _, v := range f.Venues {
		rs := v.Rules
		rs.Venue, rs.Version = v.Code, 1
		if err := rs.Validate(); err != nil {
			return nil, nil, fmt.Errorf("rules: seed venue %s: %w", v.Code, err)
		}
		venues = append(venues, Venue{Code: v.Code, Name: v.Name, Description: v.Description, CurrentVersion: 1})
		sets = append(sets, rs)
	}
	return venues, sets, nil
}

// EnsureSeed adds the seed venues that do not exist yet; existing venues and
// their versions are left alone. It returns how many venues it added.
func EnsureSeed(ctx context.Context, q store.Querier, now time.Time) (int, error) {
	venues, sets, err := Seeds()
	if err != nil {
		return 0, err
	}
	added := 0
	for i, v := range venues {
		res, err := q.Exec(ctx, `INSERT INTO deal_venues (code, name_zh, name_en, description_zh, description_en, current_version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (code) DO NOTHING`,
			v.Code, v.Name.Zh, v.Name.En, v.Description.Zh, v.Description.En, now, now)
		if err != nil {
			return added, fmt.Errorf("seed venue %s: %w", v.Code, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if err := insertVersion(ctx, q, sets[i], "seed", "system:seed", now); err != nil {
			return added, err
		}
		added++
	}
	return added, nil
}

func insertVersion(ctx context.Context, q store.Querier, rs RuleSet, note, by string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO deal_rule_sets (venue_code, version, rules, sha256, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, rs.Venue, rs.Version, string(rs.Canonical()), rs.Hash(), note, by, now)
	if err != nil {
		return fmt.Errorf("store rules %s v%d: %w", rs.Venue, rs.Version, err)
	}
	return nil
}

const venueColumns = `code, name_zh, name_en, description_zh, description_en, COALESCE(operator_org_id, ''), current_version, created_at, updated_at`

func scanVenue(sc interface{ Scan(...any) error }) (Venue, error) {
	var v Venue
	err := sc.Scan(&v.Code, &v.Name.Zh, &v.Name.En, &v.Description.Zh, &v.Description.En, &v.OperatorOrgID,
		&v.CurrentVersion, store.Time(&v.CreatedAt), store.Time(&v.UpdatedAt))
	return v, err
}

// ListVenues returns every venue by code.
func ListVenues(ctx context.Context, q store.Querier) ([]Venue, error) {
	rows, err := q.Query(ctx, `SELECT `+venueColumns+` FROM deal_venues ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list venues: %w", err)
	}
	defer rows.Close()
	var out []Venue
	for rows.Next() {
		v, err := scanVenue(rows)
		if err != nil {
			return nil, fmt.Errorf("list venues: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// GetVenue returns one venue; forUpdate locks its row on PostgreSQL.
func GetVenue(ctx context.Context, q store.Querier, code string, forUpdate bool) (Venue, error) {
	query := `SELECT ` + venueColumns + ` FROM deal_venues WHERE code = ?`
	if forUpdate && q.Dialect() == store.Postgres {
		query += ` FOR UPDATE`
	}
	v, err := scanVenue(q.QueryRow(ctx, query, code))
	if store.IsNoRows(err) {
		return Venue{}, apperr.E("rules.GetVenue", apperr.NotFound, fmt.Sprintf("no venue %q", code))
	}
	if err != nil {
		return Venue{}, fmt.Errorf("get venue %s: %w", code, err)
	}
	return v, nil
}

// Versions lists the stored versions of a venue's rules, oldest first.
func Versions(ctx context.Context, q store.Querier, venue string) ([]VersionInfo, error) {
	rows, err := q.Query(ctx, `SELECT version, sha256, note, created_by, created_at FROM deal_rule_sets
		WHERE venue_code = ? ORDER BY version`, venue)
	if err != nil {
		return nil, fmt.Errorf("rule versions: %w", err)
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var v VersionInfo
		if err := rows.Scan(&v.Version, &v.SHA256, &v.Note, &v.CreatedBy, store.Time(&v.CreatedAt)); err != nil {
			return nil, fmt.Errorf("rule versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Publish stores rs as the venue's next version and makes it current. Running
// deals keep the version they recorded. The caller checks authorization.
func Publish(ctx context.Context, q store.Querier, venue string, rs RuleSet, note, by string, now time.Time) (RuleSet, error) {
	v, err := GetVenue(ctx, q, venue, true)
	if err != nil {
		return RuleSet{}, err
	}
	rs.Venue, rs.Version = v.Code, v.CurrentVersion+1
	if err := rs.Validate(); err != nil {
		return RuleSet{}, err
	}
	if err := insertVersion(ctx, q, rs, note, by, now); err != nil {
		return RuleSet{}, err
	}
	if _, err := q.Exec(ctx, `UPDATE deal_venues SET current_version = ?, updated_at = ? WHERE code = ?`, rs.Version, now, v.Code); err != nil {
		return RuleSet{}, fmt.Errorf("publish rules: %w", err)
	}
	return rs, nil
}

// SetOperator hands a venue to an exchange organisation's operators ("" = any operator).
func SetOperator(ctx context.Context, q store.Querier, venue, orgID string, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE deal_venues SET operator_org_id = ?, updated_at = ? WHERE code = ?`, store.NullString(orgID), now, venue)
	if err != nil {
		return fmt.Errorf("set venue operator: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.E("rules.SetOperator", apperr.NotFound, fmt.Sprintf("no venue %q", venue))
	}
	return nil
}

// Cache keeps rule-set versions in memory. Stored versions never change, so an
// entry never goes stale; one Cache belongs to one database.
type Cache struct {
	mu sync.RWMutex
	m  map[cacheKey]RuleSet
}

type cacheKey struct {
	venue   string
	version int
}

// Load returns version of venue's rules; version 0 means the current version.
func (c *Cache) Load(ctx context.Context, q store.Querier, venue string, version int) (RuleSet, error) {
	if version == 0 {
		v, err := GetVenue(ctx, q, venue, false)
		if err != nil {
			return RuleSet{}, err
		}
		version = v.CurrentVersion
	}
	key := cacheKey{venue, version}
	c.mu.RLock()
	rs, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return rs, nil
	}
	var text string
	err := q.QueryRow(ctx, `SELECT rules FROM deal_rule_sets WHERE venue_code = ? AND version = ?`, venue, version).Scan(&text)
	if store.IsNoRows(err) {
		return RuleSet{}, apperr.E("rules.Load", apperr.NotFound, fmt.Sprintf("venue %q has no rules version %d", venue, version))
	}
	if err != nil {
		return RuleSet{}, fmt.Errorf("load rules %s v%d: %w", venue, version, err)
	}
	if err := json.Unmarshal([]byte(text), &rs); err != nil {
		return RuleSet{}, fmt.Errorf("decode rules %s v%d: %w", venue, version, err)
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[cacheKey]RuleSet{}
	}
	c.m[key] = rs
	c.mu.Unlock()
	return rs, nil
}
