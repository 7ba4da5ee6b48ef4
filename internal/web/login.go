package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/reqctx"
	"github.com/techmarket-org/techmarket/internal/server"
)

// loginPage is the data of the login template.
type loginPage struct {
	Email  string
	Next   string
	Error  string // message id of what went wrong
	Detail string // e.g. until when logins are locked
}

func (s *site) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if !reqctx.Actor(r.Context()).IsAnonymous() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "login", loginPage{Next: next})
}

// login checks the password (identity throttles failures per e-mail and per IP),
// starts a new session and sets its cookie. Any session the browser already had
// is ended first, so a session id planted before login is worth nothing after it.
func (s *site) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	page := loginPage{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	password := r.PostFormValue("password")
	if page.Email == "" || password == "" {
		page.Error = "login.missing"
		return s.render(w, r, http.StatusUnprocessableEntity, "login", page)
	}
	actor, err := s.app.Identity.Login(ctx, page.Email, password, remoteHost(r))
	switch apperr.KindOf(err) {
	case apperr.Unauthenticated:
		page.Error = "login.wrong"
		return s.render(w, r, http.StatusUnauthorized, "login", page)
	case apperr.RateLimited:
		page.Error, page.Detail = "login.locked", apperr.SafeMessage(err)
		return s.render(w, r, http.StatusTooManyRequests, "login", page)
	}
	if err != nil {
		return err
	}
	if old, ok := reqctx.SessionOf(ctx); ok {
		if err := s.app.Identity.DeleteSession(ctx, old.Token); err != nil {
			return err
		}
	}
	sess, err := s.app.Identity.CreateSession(ctx, actor)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: server.SessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: server.SecureCookies(s.app.Config.CookieSecure, r),
	})
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
	return nil
}

func (s *site) logout(w http.ResponseWriter, r *http.Request) error {
	if sess, ok := reqctx.SessionOf(r.Context()); ok {
		if err := s.app.Identity.DeleteSession(r.Context(), sess.Token); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: server.SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: server.SecureCookies(s.app.Config.CookieSecure, r),
	})
	seeOther(w, r, "/", "signed_out")
	return nil
}

// remoteHost is the client address login throttling counts failures against.
func remoteHost(r *http.Request) string {
	if a := reqctx.Actor(r.Context()); a.IP != "" {
		return a.IP
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
