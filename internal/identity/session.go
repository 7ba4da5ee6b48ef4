package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Login throttling: after this many failures inside the window the key is locked
// for the lockout period. Keys are the e-mail address and the client IP, so one
// attacker cannot lock out everyone and cannot spray many accounts from one IP.
const (
	maxFailuresPerEmail = 5
	maxFailuresPerIP    = 30
	throttleWindow      = 15 * time.Minute
	lockout             = 15 * time.Minute
)

// Login checks credentials and returns the actor. Failures are counted per e-mail
// and per IP; a locked key is refused before the password is checked.
func (s *Service) Login(ctx context.Context, email, password, ip string) (domain.Actor, error) {
	const op = "identity.Login"
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []string{"email:" + email, "ip:" + ip}
	for _, k := range keys {
		if until, locked := s.lockedUntil(ctx, k); locked {
			return domain.Actor{}, apperr.E(op, apperr.RateLimited,
				fmt.Sprintf("too many failed logins; try again after %s", until.Format("15:04 MST")))
		}
	}
	var id, hash string
	var disabled bool
	err := s.db.QueryRow(ctx, `SELECT id, password_hash, disabled FROM users WHERE email = ?`, email).Scan(&id, &hash, &disabled)
	if err != nil && !store.IsNoRows(err) {
		return domain.Actor{}, fmt.Errorf("%s: %w", op, err)
	}
	if err != nil {
		hash = dummyHash
	}
	ok := VerifyPassword(password, hash) && id != "" && !disabled
	if !ok {
		s.recordFailure(ctx, "email:"+email, maxFailuresPerEmail)
		s.recordFailure(ctx, "ip:"+ip, maxFailuresPerIP)
		return domain.Actor{}, apperr.E(op, apperr.Unauthenticated, "wrong e-mail or password")
	}
	_, _ = s.db.Exec(ctx, `DELETE FROM login_throttle WHERE key = ?`, "email:"+email)
	a, err := s.actorFor(ctx, id)
	if err != nil {
		return domain.Actor{}, err
	}
	a.IP = ip
	return a, nil
}

func (s *Service) lockedUntil(ctx context.Context, key string) (time.Time, bool) {
	var until *time.Time
	err := s.db.QueryRow(ctx, `SELECT locked_until FROM login_throttle WHERE key = ?`, key).Scan(store.NullTime(&until))
	if err != nil || until == nil || !until.After(s.now()) {
		return time.Time{}, false
	}
	return *until, true
}

func (s *Service) recordFailure(ctx context.Context, key string, max int) {
	now := s.now().UTC()
	_ = s.db.Transact(ctx, func(tx *store.Tx) error {
		var failures int
		var start time.Time
		err := tx.QueryRow(ctx, `SELECT failures, window_start FROM login_throttle WHERE key = ?`, key).Scan(&failures, store.Time(&start))
		switch {
		case store.IsNoRows(err):
			_, err = tx.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, ?)`, key, now)
			return err
		case err != nil:
			return err
		}
		if now.Sub(start) > throttleWindow {
			failures, start = 0, now
		}
		failures++
		var locked any
		if failures >= max {
			locked = now.Add(lockout)
		}
		_, err = tx.Exec(ctx, `UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ? WHERE key = ?`,
			failures, start, locked, key)
		return err
	})
}

// Session is a signed-in browser.
type Session struct {
	Token     string // the cookie value; only its hash is stored
	CSRFToken string
	Actor     domain.Actor
	ExpiresAt time.Time
}

// CreateSession starts a web session for a logged-in actor.
func (s *Service) CreateSession(ctx context.Context, actor domain.Actor) (Session, error) {
	token, hash := randomToken("s_")
	csrf, _ := randomToken("")
	now := s.now().UTC()
	sess := Session{Token: token, CSRFToken: csrf, Actor: actor, ExpiresAt: now.Add(s.SessionTTL)}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?)`, hash, actor.UserID, csrf, now, sess.ExpiresAt, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "session.login", "user", actor.UserID, nil)
	})
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// SessionByToken resolves a session cookie. Unknown or expired tokens are Unauthenticated.
func (s *Service) SessionByToken(ctx context.Context, token string) (Session, error) {
	var userID, csrf string
	var expires time.Time
	err := s.db.QueryRow(ctx, `SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ?`, hashToken(token)).
		Scan(&userID, &csrf, store.Time(&expires))
	if store.IsNoRows(err) || (err == nil && !expires.After(s.now())) {
		return Session{}, apperr.E("identity.Session", apperr.Unauthenticated, "session expired; please sign in again")
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	a, err := s.actorFor(ctx, userID)
	if err != nil {
		return Session{}, err
	}
	return Session{Token: token, CSRFToken: csrf, Actor: a, ExpiresAt: expires}, nil
}

// DeleteSession signs a browser out.
func (s *Service) DeleteSession(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token))
	return err
}

// APIToken describes a token without its secret.
type APIToken struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// CreateAPIToken issues a bearer token for the actor; the secret is returned once.
func (s *Service) CreateAPIToken(ctx context.Context, actor domain.Actor, name string, ttl time.Duration) (string, APIToken, error) {
	const op = "identity.CreateAPIToken"
	if actor.UserID == "" {
		return "", APIToken{}, apperr.E(op, apperr.Unauthenticated, "sign in first")
	}
	if strings.TrimSpace(name) == "" {
		return "", APIToken{}, apperr.Fields(op, apperr.Field("name", "required", "token name is required", "必须填写令牌名称"))
	}
	token, hash := randomToken("tm_")
	now := s.now().UTC()
	t := APIToken{ID: domain.NewID(), Name: name, CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, actor.UserID, name, hash, now, t.ExpiresAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "token.create", "api_token", t.ID, map[string]any{"name": name})
	})
	if err != nil {
		return "", APIToken{}, fmt.Errorf("%s: %w", op, err)
	}
	return token, t, nil
}

// ActorByAPIToken resolves a bearer token.
func (s *Service) ActorByAPIToken(ctx context.Context, token string) (domain.Actor, error) {
	var id, userID string
	var expires, revoked *time.Time
	err := s.db.QueryRow(ctx, `SELECT id, user_id, expires_at, revoked_at FROM api_tokens WHERE token_hash = ?`, hashToken(token)).
		Scan(&id, &userID, store.NullTime(&expires), store.NullTime(&revoked))
	if store.IsNoRows(err) || (err == nil && (revoked != nil || (expires != nil && !expires.After(s.now())))) {
		return domain.Actor{}, apperr.E("identity.APIToken", apperr.Unauthenticated, "invalid or expired API token")
	}
	if err != nil {
		return domain.Actor{}, fmt.Errorf("api token: %w", err)
	}
	_, _ = s.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, s.now(), id)
	return s.actorFor(ctx, userID)
}

// RevokeAPIToken revokes one of the actor's tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, actor domain.Actor, id string) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, s.now(), id, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.E("identity.RevokeAPIToken", apperr.NotFound, "token not found")
		}
		return audit.Record(ctx, tx, actor, "token.revoke", "api_token", id, nil)
	})
}
