// Package identity manages organisations, users and their roles, passwords,
// web sessions, API tokens and login throttling.
package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Service is the identity use cases over one database.
type Service struct {
	db         *store.DB
	SessionTTL time.Duration
	now        func() time.Time

	profileHooks []func(orgID string) // see OnProfileChange
}

// New returns the identity service.
func New(db *store.DB) *Service {
	return &Service{db: db, SessionTTL: 7 * 24 * time.Hour, now: time.Now}
}

// Org is an organisation on the platform.
type Org struct {
	ID         string    `json:"id"`
	NameZh     string    `json:"name_zh"`
	NameEn     string    `json:"name_en"`
	Type       string    `json:"type"`
	USCC       string    `json:"uscc,omitempty"`
	RegionCode string    `json:"region_code"`
	Website    string    `json:"website,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Name returns the organisation's name in a language, falling back to Chinese.
func (o Org) Name(lang string) string {
	if lang == "en" && o.NameEn != "" {
		return o.NameEn
	}
	return o.NameZh
}

// OrgInput is the API form for creating an organisation.
type OrgInput struct {
	NameZh     string `json:"name_zh"`
	NameEn     string `json:"name_en"`
	Type       string `json:"type"`
	USCC       string `json:"uscc"`
	RegionCode string `json:"region_code"`
	Website    string `json:"website"`
}

// Validate names every field at fault.
func (in OrgInput) Validate() error {
	var f apperr.FieldList
	if strings.TrimSpace(in.NameZh) == "" {
		f.Add("name_zh", "required", "Chinese name is required", "必须填写中文名称")
	} else if utf8.RuneCountInString(in.NameZh) > 200 {
		f.Add("name_zh", "too_long", "at most 200 characters", "最多200个字符")
	}
	if !domain.OrgTypes.Has(in.Type) {
		f.Add("type", "invalid", "type must be one of "+strings.Join(domain.OrgTypes.Codes(), ", "), "机构类型无效")
	}
	if in.USCC != "" {
		if err := domain.ValidateUSCC(in.USCC); err != nil {
			f.Add("uscc", "invalid", "unified social credit code: "+err.Error(), "统一社会信用代码无效（格式或校验位错误）")
		}
	}
	if err := domain.ValidateRegion(in.RegionCode); err != nil {
		f.Add("region_code", "invalid", "region code (GB/T 2260): "+err.Error(), "行政区划代码无效（须为6位GB/T 2260代码）")
	}
	return f.Err("identity.OrgInput")
}

// CreateOrg registers an organisation. Only administrators may do it.
func (s *Service) CreateOrg(ctx context.Context, actor domain.Actor, in OrgInput) (Org, error) {
	const op = "identity.CreateOrg"
	if !actor.IsAdmin() {
		return Org{}, apperr.E(op, apperr.Forbidden, "only administrators can register organisations")
	}
	in.NameZh, in.NameEn, in.USCC = strings.TrimSpace(in.NameZh), strings.TrimSpace(in.NameEn), strings.ToUpper(strings.TrimSpace(in.USCC))
	if err := in.Validate(); err != nil {
		return Org{}, err
	}
	o := Org{ID: domain.NewID(), NameZh: in.NameZh, NameEn: in.NameEn, Type: in.Type, USCC: in.USCC,
		RegionCode: in.RegionCode, Website: in.Website, CreatedAt: s.now().UTC()}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO organizations (id, name_zh, name_en, type, uscc, region_code, website, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.NameZh, o.NameEn, o.Type, store.NullString(o.USCC), o.RegionCode, o.Website, o.CreatedAt, o.CreatedAt); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return apperr.Fields(op, apperr.Field("uscc", "duplicate", "an organisation with this credit code exists", "该统一社会信用代码已登记"))
			}
			return err
		}
		return audit.Record(ctx, tx, actor, "org.create", "organization", o.ID, in)
	})
	if err != nil {
		return Org{}, fmt.Errorf("%s: %w", op, err)
	}
	return o, nil
}

const orgColumns = `id, name_zh, name_en, type, COALESCE(uscc, ''), region_code, website, created_at`

func scanOrg(sc interface{ Scan(...any) error }) (Org, error) {
	var o Org
	err := sc.Scan(&o.ID, &o.NameZh, &o.NameEn, &o.Type, &o.USCC, &o.RegionCode, &o.Website, store.Time(&o.CreatedAt))
	return o, err
}

// GetOrg returns one organisation.
func (s *Service) GetOrg(ctx context.Context, id string) (Org, error) {
	o, err := scanOrg(s.db.QueryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return Org{}, apperr.E("identity.GetOrg", apperr.NotFound, "organisation not found")
	}
	return o, err
}

// ListOrgs lists organisations, optionally of one type, by name.
func (s *Service) ListOrgs(ctx context.Context, orgType string) ([]Org, error) {
	rows, err := s.db.Query(ctx, `SELECT `+orgColumns+` FROM organizations WHERE (? = '' OR type = ?) ORDER BY name_zh`, orgType, orgType)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CountOrgs counts organisations, for the home page.
func (s *Service) CountOrgs(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM organizations`).Scan(&n)
	return n, err
}

// randomToken returns a URL-safe random secret and its SHA-256 hash; only the hash
// is stored. High-entropy tokens need no slow hash.
func randomToken(prefix string) (token, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("identity: crypto/rand failed: " + err.Error())
	}
	token = prefix + hex.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}
