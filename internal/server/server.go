// Package server assembles the HTTP handler: middleware (recovery, logging,
// metrics, language, authentication, CSRF), health endpoints, and the routes of
// the REST API and the web UI.
package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/techmarket-org/techmarket/internal/app"
)

// Registrar adds routes to the mux; the API and the web UI each provide one.
type Registrar func(mux *http.ServeMux, a *app.App)

// New builds the root handler.
func New(a *app.App, registrars ...Registrar) http.Handler {
	mux := http.NewServeMux()
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	m := newMetrics(reg)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.DB.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		cur, latest, err := a.DB.SchemaVersion(ctx)
		if err != nil || cur != latest {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("schema not migrated\n"))
			return
		}
		if st := a.Matching.Status(); !st.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("search index building\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	for _, r := range registrars {
		r(mux, a)
	}
	var h http.Handler = recordRoute(mux)
	h = csrfGuard(h)
	h = authenticate(a, h)
	h = negotiateLanguage(h)
	cop := http.NewCrossOriginProtection()
	h = cop.Handler(h)
	h = m.instrument(h)
	h = recoverer(a, h)
	return h
}

// Serve runs the handler until ctx is cancelled, then shuts down gracefully.
func Serve(ctx context.Context, addr string, h http.Handler) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
