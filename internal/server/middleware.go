package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// SessionCookie is the name of the web session cookie.
const SessionCookie = "tm_session"

// LangCookie remembers the language switch.
const LangCookie = "tm_lang"

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "techmarket_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "techmarket_http_request_seconds", Help: "HTTP latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets server-sent events pass through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type routeKey struct{}

// recordRoute copies the pattern ServeMux matched into a holder that the outer
// metrics middleware can read (inner middleware works on request copies).
func recordRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		route := ""
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, &route)))
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

func recoverer(a *app.App, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				a.Log.Error("panic serving request", "path", r.URL.Path, "panic", p)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// negotiateLanguage picks zh or en: ?lang= (and remember it), the language cookie,
// then Accept-Language; Chinese is the default.
func negotiateLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := ""
		if q := r.URL.Query().Get("lang"); q == "zh" || q == "en" {
			lang = q
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		} else if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "zh" || c.Value == "en") {
			lang = c.Value
		} else {
			lang = fromAcceptLanguage(r.Header.Get("Accept-Language"))
		}
		next.ServeHTTP(w, r.WithContext(reqctx.WithLang(r.Context(), lang)))
	})
}

func fromAcceptLanguage(h string) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(tag)
		var l string
		switch {
		case strings.HasPrefix(tag, "zh"):
			l = "zh"
		case strings.HasPrefix(tag, "en"):
			l = "en"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// authenticate resolves the actor from a bearer API token or the session cookie.
// A bad bearer token is refused outright; a stale cookie just means anonymous.
func authenticate(a *app.App, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ip := clientIP(r)
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				writeAuthProblem(w, "Authorization must be 'Bearer <token>'")
				return
			}
			actor, err := a.Identity.ActorByAPIToken(ctx, strings.TrimSpace(token))
			if err != nil {
				writeAuthProblem(w, apperr.SafeMessage(err))
				return
			}
			actor.IP = ip
			next.ServeHTTP(w, r.WithContext(reqctx.WithActor(ctx, actor)))
			return
		}
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			if sess, err := a.Identity.SessionByToken(ctx, c.Value); err == nil {
				sess.Actor.IP = ip
				ctx = reqctx.WithActor(ctx, sess.Actor)
				ctx = reqctx.WithSession(ctx, reqctx.Session{Token: c.Value, CSRFToken: sess.CSRFToken})
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func writeAuthProblem(w http.ResponseWriter, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="techmarket"`)
	writeProblem(w, http.StatusUnauthorized, apperr.Unauthenticated.String(), detail)
}

// writeProblem answers with an RFC 9457 problem document of the same shape the
// API package uses, for the refusals made here before any API handler runs.
func writeProblem(w http.ResponseWriter, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "code": code, "detail": detail})
	_, _ = w.Write(body)
}

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 2 << 20

// csrfGuard requires the session's CSRF token on every state-changing request
// that is authenticated by the session cookie: as the csrf_token form field or
// the X-CSRF-Token header. Bearer-token requests carry no ambient authority and
// need none. CrossOriginProtection (outer) already refuses cross-site requests;
// the token is the second, independent line.
func csrfGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		// Bound the body before anything parses it (the form read below included).
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		sess, ok := reqctx.SessionOf(r.Context())
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = r.PostFormValue("csrf_token")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
			const msg = "CSRF token missing or wrong; reload the page and try again"
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeProblem(w, http.StatusForbidden, "csrf", msg)
				return
			}
			http.Error(w, msg, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// SecureCookies reports whether cookies for this request get the Secure flag.
func SecureCookies(mode string, r *http.Request) bool {
	switch mode {
	case "true":
		return true
	case "false":
		return false
	}
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}
