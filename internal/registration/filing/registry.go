package filing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Registry is a contract registry (an organisation of type contract_registry)
// with its local rules.
type Registry struct {
	OrgID  string `json:"org_id"`
	NameZh string `json:"name_zh"`
	NameEn string `json:"name_en,omitempty"`
	// DeadlineRule names a registration.DeadlinePresets entry.
	DeadlineRule string `json:"deadline_rule"`
	// NumberPattern is a registration.NumberFormat pattern.
	NumberPattern string `json:"number_pattern"`
	// RegionCode is the registry's 6-digit GB/T 2260 code: the locality check
	// and the region part of registration numbers.
	RegionCode string `json:"region_code"`
	// Configured is false when the defaults apply.
	Configured bool `json:"configured"`
}

// RegistryOrgType is the organisation type of contract registries.
const RegistryOrgType = "contract_registry"

// Validate checks a registry's rules.
func (r Registry) Validate() error {
	var fl apperr.FieldList
	if _, ok := registration.DeadlinePresets[r.DeadlineRule]; !ok {
		fl.Add("deadline_rule", "unknown_code", "must be one of "+strings.Join(registration.DeadlinePresetNames(), ", "),
			"应为 "+strings.Join(registration.DeadlinePresetNames(), "、")+" 之一")
	}
	if _, err := registration.ParseNumberFormat(r.NumberPattern); err != nil {
		fl.Add("number_pattern", "invalid", apperr.SafeMessage(err), "登记编号格式无效")
	}
	if err := domain.ValidateRegion(r.RegionCode); err != nil {
		fl.Add("region_code", "invalid", "not a GB/T 2260 region code", "行政区划代码无效")
	}
	return fl.Err("filing.Registry")
}

// Registries lists the contract registries with their rules.
func (s *Service) Registries(ctx context.Context) ([]Registry, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.name_zh, o.name_en, o.region_code, r.deadline_rule, r.number_pattern, r.region_code
		FROM organizations o LEFT JOIN registration_registries r ON r.org_id = o.id
		WHERE o.type = ? ORDER BY o.name_zh, o.id`, RegistryOrgType)
	if err != nil {
		return nil, fmt.Errorf("list registries: %w", err)
	}
	defer rows.Close()
	out := []Registry{}
	for rows.Next() {
		r, err := scanRegistry(rows)
		if err != nil {
			return nil, fmt.Errorf("list registries: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Registry returns one registry's rules; NotFound when the organisation is not
// a contract registry.
func (s *Service) Registry(ctx context.Context, orgID string) (Registry, error) {
	return loadRegistry(ctx, s.db, orgID)
}

func loadRegistry(ctx context.Context, q store.Querier, orgID string) (Registry, error) {
	r, err := scanRegistry(q.QueryRow(ctx, `SELECT o.id, o.name_zh, o.name_en, o.region_code, r.deadline_rule, r.number_pattern, r.region_code
		FROM organizations o LEFT JOIN registration_registries r ON r.org_id = o.id
		WHERE o.id = ? AND o.type = ?`, orgID, RegistryOrgType))
	if store.IsNoRows(err) {
		return Registry{}, apperr.E("filing.Registry", apperr.NotFound, "no contract registry "+orgID)
	}
	if err != nil {
		return Registry{}, fmt.Errorf("load registry %s: %w", orgID, err)
	}
	return r, nil
}

func scanRegistry(sc rowScanner) (Registry, error) {
	var r Registry
	var orgRegion string
	var rule, pattern, region *string
	if err := sc.Scan(&r.OrgID, &r.NameZh, &r.NameEn, &orgRegion, &rule, &pattern, &region); err != nil {
		return Registry{}, err
	}
	r.DeadlineRule, r.NumberPattern, r.RegionCode = registration.DefaultDeadlineRuleName, registration.DefaultNumberPattern, orgRegion
	if rule != nil {
		r.DeadlineRule, r.NumberPattern, r.RegionCode, r.Configured = *rule, *pattern, *region, true
	}
	return r, nil
}

// ConfigureRegistry sets a registry's rules; its registrars and administrators may.
func (s *Service) ConfigureRegistry(ctx context.Context, actor domain.Actor, in Registry) (Registry, error) {
	const op = "filing.ConfigureRegistry"
	if !isRegistrar(actor, in.OrgID) {
		return Registry{}, apperr.E(op, apperr.Forbidden, "only the registry's registrars may set its rules")
	}
	if err := in.Validate(); err != nil {
		return Registry{}, err
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := loadRegistry(ctx, tx, in.OrgID); err != nil {
			return err
		}
		now := s.clock()
		if _, err := tx.Exec(ctx, `INSERT INTO registration_registries (org_id, deadline_rule, number_pattern, region_code, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET deadline_rule = excluded.deadline_rule, number_pattern = excluded.number_pattern,
				region_code = excluded.region_code, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			in.OrgID, in.DeadlineRule, in.NumberPattern, in.RegionCode, actorRef(actor), now); err != nil {
			return fmt.Errorf("configure registry: %w", err)
		}
		return audit.Record(ctx, tx, actor, "registration.configure_registry", "organization", in.OrgID,
			map[string]any{"deadline_rule": in.DeadlineRule, "number_pattern": in.NumberPattern, "region_code": in.RegionCode})
	})
	if err != nil {
		return Registry{}, err
	}
	return s.Registry(ctx, in.OrgID)
}

// deadlineRules returns the registry's time limit.
func (r Registry) deadlineRules() *registration.DeadlineRules {
	rules := registration.DeadlinePresets[r.DeadlineRule]
	return &rules
}

// allocateNumber takes the registry's next sequence number for the year inside
// the registering transaction. The UPDATE holds the row lock (PostgreSQL) or the
// database's single write lock (SQLite) until commit, and a rollback returns
// the number, so numbers are consecutive with no gaps and no repeats.
func allocateNumber(ctx context.Context, tx *store.Tx, r Registry, at time.Time) (string, error) {
	format, err := registration.ParseNumberFormat(r.NumberPattern)
	if err != nil {
		return "", fmt.Errorf("registry %s number pattern: %w", r.OrgID, err)
	}
	year := at.In(chinaZone).Year()
	if _, err := tx.Exec(ctx, `INSERT INTO registration_sequences (registry_org_id, year, next_seq) VALUES (?, ?, 1)
		ON CONFLICT (registry_org_id, year) DO NOTHING`, r.OrgID, year); err != nil {
		return "", fmt.Errorf("registration sequence: %w", err)
	}
	var seq int64
	if err := tx.QueryRow(ctx, `UPDATE registration_sequences SET next_seq = next_seq + 1
		WHERE registry_org_id = ? AND year = ? RETURNING next_seq - 1`, r.OrgID, year).Scan(&seq); err != nil {
		return "", fmt.Errorf("registration sequence: %w", err)
	}
	number, err := format.Format(registration.NumberParts{Year: year, Region: r.RegionCode, Seq: seq})
	if err != nil {
		return "", fmt.Errorf("registration number: %w", err)
	}
	return number, nil
}
