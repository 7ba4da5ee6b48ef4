package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

//go:embed templates/*.html
var embeddedTemplates embed.FS

//go:embed static
var embeddedStatic embed.FS

func embeddedFS() (static, templates fs.FS) {
	st, _ := fs.Sub(embeddedStatic, "static")
	tp, _ := fs.Sub(embeddedTemplates, "templates")
	return st, tp
}

func diskFS(dir string) (static, templates fs.FS) {
	return os.DirFS(filepath.Join(dir, "static")), os.DirFS(filepath.Join(dir, "templates"))
}

// sourceDir finds internal/web on disk for --dev: under the working directory
// (the usual `go run ./cmd/techmarket serve --dev` from the repository root), or
// where this file was compiled from.
func sourceDir() (string, bool) {
	candidates := []string{filepath.Join("internal", "web")}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Dir(file))
	}
	for _, c := range candidates {
		if st, err := os.Stat(filepath.Join(c, "templates", "layout.html")); err == nil && !st.IsDir() {
			return c, true
		}
	}
	return "", false
}

// Template files that every page shares; each other file is one page that
// defines the blocks "title" and "content".
var sharedTemplates = []string{"layout.html", "partials.html"}

// pageSet holds one parsed template per page. In dev mode it re-parses from
// disk on every lookup so template edits show on reload.
type pageSet struct {
	fsys  fs.FS
	dev   bool
	funcs template.FuncMap

	mu    sync.Mutex
	pages map[string]*template.Template
}

func newPageSet(fsys fs.FS, dev bool, funcs template.FuncMap) (*pageSet, error) {
	ps := &pageSet{fsys: fsys, dev: dev, funcs: funcs}
	pages, err := ps.parse()
	if err != nil {
		return nil, err
	}
	ps.pages = pages
	return ps, nil
}

func (ps *pageSet) parse() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(ps.funcs).ParseFS(ps.fsys, sharedTemplates...)
	if err != nil {
		return nil, fmt.Errorf("parse shared templates: %w", err)
	}
	names, err := fs.Glob(ps.fsys, "*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		if name == sharedTemplates[0] || name == sharedTemplates[1] {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(ps.fsys, name); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		pages[strings.TrimSuffix(name, ".html")] = t
	}
	return pages, nil
}

func (ps *pageSet) get(name string) (*template.Template, error) {
	if ps.dev {
		pages, err := ps.parse()
		if err != nil {
			return nil, err
		}
		ps.mu.Lock()
		ps.pages = pages
		ps.mu.Unlock()
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	t, ok := ps.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template for page %q", name)
	}
	return t, nil
}

// view is what every template receives: the request's language and actor, the
// layout's needs, and the page's own data in Data.
type view struct {
	Lang     string
	HTMLLang string
	Actor    domain.Actor
	CSRF     string
	Unread   int
	Path     string
	ZhURL    string
	EnURL    string
	Flash    string // message id of a one-line confirmation ("msg.submitted")
	Data     any
}

// SignedIn reports whether someone is signed in.
func (v view) SignedIn() bool { return !v.Actor.IsAnonymous() }

// CanPublish reports whether the actor may publish a kind of listing somewhere.
func (v view) CanPublish(kind string) bool {
	return v.SignedIn() && len(publishOrgs(v.Actor, kind)) > 0
}

// IsRegistrar reports whether the actor reviews contract filings.
func (v view) IsRegistrar() bool { return v.SignedIn() && v.Actor.HasRole(domain.RoleRegistrar) }

// IsOperator reports whether the actor reviews listings.
func (v view) IsOperator() bool { return v.SignedIn() && v.Actor.HasRole(domain.RoleOperator) }

func (s *site) newView(r *http.Request, data any) view {
	ctx := r.Context()
	lang := reqctx.Lang(ctx)
	v := view{Lang: lang, HTMLLang: "zh-CN", Actor: reqctx.Actor(ctx), Path: r.URL.Path, Data: data}
	if lang == "en" {
		v.HTMLLang = "en"
	}
	if sess, ok := reqctx.SessionOf(ctx); ok {
		v.CSRF = sess.CSRFToken
	}
	if v.Actor.UserID != "" {
		if unread, err := s.app.Notify.UnreadCount(ctx, v.Actor.UserID); err == nil {
			v.Unread = unread
		} else {
			s.app.Log.Warn("web: unread notification count", "err", err)
		}
	}
	v.ZhURL, v.EnURL = withLang(r.URL, "zh"), withLang(r.URL, "en")
	if m := r.URL.Query().Get("msg"); m != "" && flashMessages[m] {
		v.Flash = "msg." + m
	}
	return v
}

// withLang is the current URL with ?lang= set; the middleware remembers the choice.
func withLang(u *url.URL, lang string) string {
	q := u.Query()
	q.Set("lang", lang)
	q.Del("msg")
	return u.Path + "?" + q.Encode()
}

// render executes a page into a buffer first, so that a template error becomes a
// clean error page instead of half a page.
func (s *site) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	t, err := s.pages.get(page)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	v := s.newView(r, data)
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if v.SignedIn() {
		// Pages of a signed-in user carry private data and a CSRF token.
		h.Set("Cache-Control", "no-store")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // the client went away; nothing left to do
	return nil
}

// handler is a page handler; a returned error is rendered by fail.
type handler func(w http.ResponseWriter, r *http.Request) error

func (s *site) handle(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// contentSecurityPolicy allows only our own scripts, styles and forms: no inline
// script, no third-party origin, no framing.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}

// errorPage is the data of the error template.
type errorPage struct {
	Status int
	Kind   string // apperr kind name: selects the heading and explanation
	Detail string // the error's safe message, empty for internal errors
}

// fail renders err as a friendly page with the status apperr maps its kind to.
// A visitor who is not signed in and hits something that needs an account is
// sent to the login page instead.
func (s *site) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := apperr.KindOf(err)
	if kind == apperr.Unauthenticated && reqctx.Actor(r.Context()).IsAnonymous() {
		redirectToLogin(w, r)
		return
	}
	status := apperr.HTTPStatus(kind)
	page := errorPage{Status: status, Kind: kind.String()}
	switch kind {
	case apperr.Internal:
		s.app.Log.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case apperr.NotFound:
		// The page's own explanation says it all; the service message adds nothing.
	default:
		page.Detail = apperr.SafeMessage(err)
	}
	if rerr := s.render(w, r, status, "error", page); rerr != nil {
		s.app.Log.Error("web: rendering the error page failed", "err", rerr, "original", err)
		http.Error(w, http.StatusText(status), status)
	}
}

func (s *site) notFound(w http.ResponseWriter, r *http.Request) error {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		// Programs get a problem document, not an HTML page.
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Not Found","status":404}`))
		return nil
	}
	return apperr.E("web", apperr.NotFound, "no page at this address")
}

// errNeedsLogin makes fail redirect an anonymous visitor to the login page.
var errNeedsLogin = apperr.E("web", apperr.Unauthenticated, "sign in first")

// signedIn returns the actor, or errNeedsLogin when nobody is signed in.
func signedIn(r *http.Request) (domain.Actor, error) {
	a := reqctx.Actor(r.Context())
	if a.IsAnonymous() {
		return a, errNeedsLogin
	}
	return a, nil
}

func redirectToLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = r.Referer()
		if u, err := url.Parse(next); err == nil {
			next = u.RequestURI()
		}
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
}

// safeNext accepts only a local path as a post-login destination, so the login
// page cannot be used to bounce users to another site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

// seeOther redirects after a successful POST, with an optional confirmation.
func seeOther(w http.ResponseWriter, r *http.Request, path, msg string) {
	if msg != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "msg=" + url.QueryEscape(msg)
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// maxFormBytes bounds a posted form; the largest real form (a listing with long
// detail text and many IP items) is far below it.
const maxFormBytes = 1 << 20

func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.E("web.form", apperr.Invalid, "the form is too large")
		}
		return apperr.Wrap("web.form", apperr.Invalid, err)
	}
	return nil
}
