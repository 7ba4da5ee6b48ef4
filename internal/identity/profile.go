package identity

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Organisation profiles (migration 0009_org_profiles): what an organisation
// does, in its own words, and the technology fields and IPC symbols it works
// in. The whole profile is public: matching uses it to propose enterprises for
// an achievement, including enterprises that never posted a need.

// Profile is an organisation's public profile. An organisation that never
// saved one has an empty profile (UpdatedAt nil).
type Profile struct {
	OrgID     string     `json:"org_id"`
	ScopeZh   string     `json:"scope_zh"`
	ScopeEn   string     `json:"scope_en"`
	Fields    []string   `json:"fields"`
	IPCCodes  []string   `json:"ipc_codes"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Scope returns the business scope in a language, falling back to the other.
func (p Profile) Scope(lang string) string {
	if lang == "en" && p.ScopeEn != "" || p.ScopeZh == "" {
		return p.ScopeEn
	}
	return p.ScopeZh
}

// Empty reports whether nothing has been said in the profile.
func (p Profile) Empty() bool {
	return p.ScopeZh == "" && p.ScopeEn == "" && len(p.Fields) == 0 && len(p.IPCCodes) == 0
}

// ProfileInput is the API and form shape of a profile; it replaces the whole
// profile.
type ProfileInput struct {
	ScopeZh  string   `json:"scope_zh"`
	ScopeEn  string   `json:"scope_en"`
	Fields   []string `json:"fields"`
	IPCCodes []string `json:"ipc_codes"`
}

// Limits of a profile.
const (
	maxScope        = 2000
	maxProfileCodes = 20
)

// profileIPC is the pattern listings validate IPC symbols with (listing.Input):
// a section letter, class, subclass and optionally "group/subgroup".
var profileIPC = regexp.MustCompile(`^[A-H](\d{2}([A-Z](\s?\d{1,4}/\d{2,6})?)?)?$`)

// normalize trims text, upper-cases codes and drops blanks and duplicates.
func (in *ProfileInput) normalize() {
	in.ScopeZh, in.ScopeEn = strings.TrimSpace(in.ScopeZh), strings.TrimSpace(in.ScopeEn)
	in.Fields = cleanCodes(in.Fields)
	in.IPCCodes = cleanCodes(in.IPCCodes)
}

func cleanCodes(cs []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range cs {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// Validate names every field at fault.
func (in ProfileInput) Validate() error {
	var f apperr.FieldList
	for _, s := range []struct{ name, text string }{{"scope_zh", in.ScopeZh}, {"scope_en", in.ScopeEn}} {
		if utf8.RuneCountInString(s.text) > maxScope {
			f.Add(s.name, "too_long", fmt.Sprintf("at most %d characters", maxScope), fmt.Sprintf("最多%d个字符", maxScope))
		}
	}
	if len(in.Fields) > len(domain.TechFields) {
		f.Add("fields", "too_many", "each technology field at most once", "技术领域不可重复")
	}
	for i, c := range in.Fields {
		if !domain.TechFields.Has(c) {
			f.Add(fmt.Sprintf("fields[%d]", i), "invalid", "technology field must be one of "+strings.Join(domain.TechFields.Codes(), ", "), fmt.Sprintf("技术领域 %q 无效", c))
		}
	}
	if len(in.IPCCodes) > maxProfileCodes {
		f.Add("ipc_codes", "too_many", fmt.Sprintf("at most %d IPC codes", maxProfileCodes), fmt.Sprintf("IPC分类号最多%d个", maxProfileCodes))
	}
	for i, c := range in.IPCCodes {
		if !profileIPC.MatchString(c) {
			f.Add(fmt.Sprintf("ipc_codes[%d]", i), "invalid", fmt.Sprintf("%q is not an IPC code such as G06F or G06F 16/35", c), fmt.Sprintf("%q 不是有效的IPC分类号（如 G06F 或 G06F 16/35）", c))
		}
	}
	return f.Err("identity.ProfileInput")
}

// CanEditProfile reports whether the actor may change an organisation's
// profile: someone who represents that organisation in the market (its
// sellers and buyers — the people who post its listings — or an
// administrator), or a platform operator (exchange operators and platform
// administrators hold that role). A broker or registrar of the organisation
// does not speak for its business.
func CanEditProfile(actor domain.Actor, orgID string) bool {
	if actor.IsAnonymous() {
		return false
	}
	return actor.HasRoleIn(orgID, domain.RoleSeller) || actor.HasRoleIn(orgID, domain.RoleBuyer) ||
		actor.HasRole(domain.RoleOperator)
}

// OnProfileChange registers a hook called after a profile is saved, with the
// organisation's id (matching re-indexes the enterprise).
func (s *Service) OnProfileChange(f func(orgID string)) {
	s.profileHooks = append(s.profileHooks, f)
}

// GetProfile returns an organisation's public profile; anyone may read it.
func (s *Service) GetProfile(ctx context.Context, orgID string) (Profile, error) {
	if _, err := s.GetOrg(ctx, orgID); err != nil {
		return Profile{}, err
	}
	return getProfile(ctx, s.db, orgID)
}

func getProfile(ctx context.Context, q store.Querier, orgID string) (Profile, error) {
	p := Profile{OrgID: orgID, Fields: []string{}, IPCCodes: []string{}}
	var fields, ipc string
	var at time.Time
	err := q.QueryRow(ctx, `SELECT scope_zh, scope_en, fields, ipc_codes, updated_at FROM org_profiles WHERE org_id = ?`, orgID).
		Scan(&p.ScopeZh, &p.ScopeEn, &fields, &ipc, store.Time(&at))
	if store.IsNoRows(err) {
		return p, nil
	}
	if err != nil {
		return Profile{}, fmt.Errorf("read profile: %w", err)
	}
	p.Fields, p.IPCCodes, p.UpdatedAt = SplitCodes(fields), SplitCodes(ipc), &at
	return p, nil
}

// SplitCodes reads a stored code list (see joinCodes).
func SplitCodes(s string) []string {
	out := []string{}
	for _, c := range strings.Split(s, ";") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// joinCodes stores a code list; ";" separates because IPC symbols may hold a
// space.
func joinCodes(cs []string) string { return strings.Join(cs, ";") }

// UpdateProfile replaces an organisation's profile. Allowed to an
// administrator of the organisation or a platform operator; audited in the
// same transaction.
func (s *Service) UpdateProfile(ctx context.Context, actor domain.Actor, orgID string, in ProfileInput) (Profile, error) {
	const op = "identity.UpdateProfile"
	if actor.IsAnonymous() {
		return Profile{}, apperr.E(op, apperr.Unauthenticated, "sign in to edit a profile")
	}
	if !CanEditProfile(actor, orgID) {
		return Profile{}, apperr.E(op, apperr.Forbidden, "only an administrator of this organisation or an operator may edit its profile")
	}
	if _, err := s.GetOrg(ctx, orgID); err != nil {
		return Profile{}, err
	}
	in.normalize()
	if err := in.Validate(); err != nil {
		return Profile{}, err
	}
	now := s.now().UTC()
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO org_profiles (org_id, scope_zh, scope_en, fields, ipc_codes, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET scope_zh = excluded.scope_zh, scope_en = excluded.scope_en, fields = excluded.fields,
				ipc_codes = excluded.ipc_codes, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			orgID, in.ScopeZh, in.ScopeEn, joinCodes(in.Fields), joinCodes(in.IPCCodes), store.NullString(actor.UserID), now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "org.profile.update", "organization", orgID, in)
	})
	if err != nil {
		return Profile{}, fmt.Errorf("%s: %w", op, err)
	}
	for _, f := range s.profileHooks {
		f(orgID)
	}
	return Profile{OrgID: orgID, ScopeZh: in.ScopeZh, ScopeEn: in.ScopeEn, Fields: in.Fields, IPCCodes: in.IPCCodes, UpdatedAt: &now}, nil
}
