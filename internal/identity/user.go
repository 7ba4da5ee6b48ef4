package identity

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

// User is a person with an account.
type User struct {
	ID        string           `json:"id"`
	Email     string           `json:"email"`
	Name      string           `json:"name"`
	Locale    string           `json:"locale"`
	Disabled  bool             `json:"disabled"`
	Roles     []domain.OrgRole `json:"roles"`
	CreatedAt time.Time        `json:"created_at"`
}

// UserInput is the API form for creating a user with roles.
type UserInput struct {
	Email    string           `json:"email"`
	Name     string           `json:"name"`
	Password string           `json:"password"`
	Locale   string           `json:"locale"`
	Roles    []domain.OrgRole `json:"roles"`
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Validate names every field at fault.
func (in UserInput) Validate() error {
	var f apperr.FieldList
	if !validEmail(in.Email) {
		f.Add("email", "invalid", "a valid e-mail address is required", "请填写有效的电子邮箱")
	}
	if strings.TrimSpace(in.Name) == "" {
		f.Add("name", "required", "name is required", "必须填写姓名")
	}
	if utf8.RuneCountInString(in.Password) < MinPasswordLength {
		f.Add("password", "too_short", fmt.Sprintf("at least %d characters", MinPasswordLength), fmt.Sprintf("密码至少%d个字符", MinPasswordLength))
	}
	if in.Locale != "" && in.Locale != "zh" && in.Locale != "en" {
		f.Add("locale", "invalid", "locale must be zh or en", "语言必须为 zh 或 en")
	}
	for i, r := range in.Roles {
		if !domain.Roles.Has(r.Role) {
			f.Add(fmt.Sprintf("roles[%d].role", i), "invalid", "role must be one of "+strings.Join(domain.Roles.Codes(), ", "), "角色无效")
		}
		if r.OrgID == "" {
			f.Add(fmt.Sprintf("roles[%d].org_id", i), "required", "organisation is required", "必须指定机构")
		}
	}
	return f.Err("identity.UserInput")
}

// CreateUser creates an account with its roles. Only administrators may do it.
func (s *Service) CreateUser(ctx context.Context, actor domain.Actor, in UserInput) (User, error) {
	const op = "identity.CreateUser"
	if !actor.IsAdmin() {
		return User{}, apperr.E(op, apperr.Forbidden, "only administrators can create users")
	}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = strings.TrimSpace(in.Name)
	if in.Locale == "" {
		in.Locale = "zh"
	}
	if err := in.Validate(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: domain.NewID(), Email: in.Email, Name: in.Name, Locale: in.Locale, CreatedAt: s.now().UTC()}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, hash, u.Locale, u.CreatedAt, u.CreatedAt); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return apperr.Fields(op, apperr.Field("email", "duplicate", "this e-mail is already registered", "该邮箱已注册"))
			}
			return err
		}
		for i, r := range in.Roles {
			if _, err := tx.Exec(ctx, `INSERT INTO memberships (user_id, org_id, role, created_at) VALUES (?, ?, ?, ?)`,
				u.ID, r.OrgID, r.Role, u.CreatedAt); err != nil {
				if apperr.Is(err, apperr.Invalid) {
					return apperr.Fields(op, apperr.Field(fmt.Sprintf("roles[%d].org_id", i), "not_found", "no such organisation", "机构不存在"))
				}
				if apperr.Is(err, apperr.Conflict) {
					continue
				}
				return err
			}
		}
		return audit.Record(ctx, tx, actor, "user.create", "user", u.ID, map[string]any{"email": u.Email, "roles": in.Roles})
	})
	if err != nil {
		return User{}, fmt.Errorf("%s: %w", op, err)
	}
	return s.GetUser(ctx, u.ID)
}

// AddRole grants a role in an organisation.
func (s *Service) AddRole(ctx context.Context, actor domain.Actor, userID string, r domain.OrgRole) error {
	const op = "identity.AddRole"
	if !actor.IsAdmin() {
		return apperr.E(op, apperr.Forbidden, "only administrators can grant roles")
	}
	if !domain.Roles.Has(r.Role) {
		return apperr.Fields(op, apperr.Field("role", "invalid", "unknown role", "角色无效"))
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (user_id, org_id, role, created_at) VALUES (?, ?, ?, ?)`,
			userID, r.OrgID, r.Role, s.now()); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		return audit.Record(ctx, tx, actor, "user.role.add", "user", userID, r)
	})
}

// GetUser returns a user with roles.
func (s *Service) GetUser(ctx context.Context, id string) (User, error) {
	var u User
	err := s.db.QueryRow(ctx, `SELECT id, email, name, locale, disabled, created_at FROM users WHERE id = ?`, id).
		Scan(&u.ID, &u.Email, &u.Name, &u.Locale, &u.Disabled, store.Time(&u.CreatedAt))
	if store.IsNoRows(err) {
		return User{}, apperr.E("identity.GetUser", apperr.NotFound, "user not found")
	}
	if err != nil {
		return User{}, fmt.Errorf("get user: %w", err)
	}
	u.Roles, err = s.roles(ctx, s.db, id)
	return u, err
}

// UserByEmail finds a user by e-mail address.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	var id string
	err := s.db.QueryRow(ctx, `SELECT id FROM users WHERE email = ?`, strings.ToLower(strings.TrimSpace(email))).Scan(&id)
	if store.IsNoRows(err) {
		return User{}, apperr.E("identity.UserByEmail", apperr.NotFound, "user not found")
	}
	if err != nil {
		return User{}, err
	}
	return s.GetUser(ctx, id)
}

// ListUsers lists all users with their roles; administrators only.
func (s *Service) ListUsers(ctx context.Context, actor domain.Actor) ([]User, error) {
	if !actor.IsAdmin() {
		return nil, apperr.E("identity.ListUsers", apperr.Forbidden, "only administrators can list users")
	}
	rows, err := s.db.Query(ctx, `SELECT id FROM users ORDER BY email`)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := s.GetUser(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// MembersWithRole returns the user ids holding a role in an organisation.
func (s *Service) MembersWithRole(ctx context.Context, orgID, role string) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT user_id FROM memberships WHERE org_id = ? AND (? = '' OR role = ?)`, orgID, role, role)
	if err != nil {
		return nil, err
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

func (s *Service) roles(ctx context.Context, q store.Querier, userID string) ([]domain.OrgRole, error) {
	rows, err := q.Query(ctx, `SELECT m.org_id, o.name_zh, o.type, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id
		WHERE m.user_id = ? ORDER BY o.name_zh, m.role`, userID)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	defer rows.Close()
	var out []domain.OrgRole
	for rows.Next() {
		var r domain.OrgRole
		if err := rows.Scan(&r.OrgID, &r.OrgName, &r.OrgType, &r.Role); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) actorFor(ctx context.Context, userID string) (domain.Actor, error) {
	u, err := s.GetUser(ctx, userID)
	if err != nil {
		return domain.Actor{}, err
	}
	if u.Disabled {
		return domain.Actor{}, apperr.E("identity", apperr.Unauthenticated, "account disabled")
	}
	return domain.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Roles: u.Roles}, nil
}
