package httpapi

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/identity"
)

// Token lifetimes, in days.
const (
	defaultTokenDays = 90
	maxTokenDays     = 365
)

type tokenRequest struct {
	Email         string `json:"email"`
	Password      string `json:"password"`
	Name          string `json:"name"`
	ExpiresInDays *int   `json:"expires_in_days"`
}

// tokenResponse carries the secret once; it is never retrievable again.
type tokenResponse struct {
	Token string `json:"token"`
	identity.APIToken
	User identity.User `json:"user"`
}

// createToken exchanges e-mail and password for a bearer token. Login throttling
// applies as for the web sign-in.
func (h *api) createToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	// Check the form before the password, so a malformed request costs no login attempt.
	var f apperr.FieldList
	if strings.TrimSpace(in.Email) == "" {
		f.Add("email", "required", "e-mail is required", "必须填写邮箱")
	}
	if in.Password == "" {
		f.Add("password", "required", "password is required", "必须填写密码")
	}
	if strings.TrimSpace(in.Name) == "" {
		f.Add("name", "required", "name the token after where it is used, e.g. \"ci\" or \"laptop\"", "必须填写令牌名称")
	}
	days := defaultTokenDays
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
		if days < 1 || days > maxTokenDays {
			f.Add("expires_in_days", "out_of_range", "must be 1–365 days", "有效期须为1至365天")
		}
	}
	if err := f.Err("httpapi.createToken"); err != nil {
		return err
	}
	actor, err := h.app.Identity.Login(r.Context(), in.Email, in.Password, remoteIP(r))
	if err != nil {
		return err
	}
	secret, tok, err := h.app.Identity.CreateAPIToken(r.Context(), actor, strings.TrimSpace(in.Name), time.Duration(days)*24*time.Hour)
	if err != nil {
		return err
	}
	user, err := h.app.Identity.GetUser(r.Context(), actor.UserID)
	if err != nil {
		return err
	}
	// No Location: a token has no URL of its own, only its ID for revocation.
	return writeJSON(w, http.StatusCreated, tokenResponse{Token: secret, APIToken: tok, User: user})
}

// revokeToken revokes one of the caller's own tokens.
func (h *api) revokeToken(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := h.app.Identity.RevokeAPIToken(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// me returns the signed-in user with roles.
func (h *api) me(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	u, err := h.app.Identity.GetUser(r.Context(), actor.UserID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

// remoteIP is the peer address, the key of per-IP login throttling. Forwarded
// headers are not trusted: any client could set them to dodge the throttle.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
