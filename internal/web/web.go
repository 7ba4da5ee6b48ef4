// Package web is the server-rendered web UI, in Chinese and English.
//
// Every page is an html/template parsed once from the embedded templates
// directory (re-read from disk on each request with --dev). Handlers return an
// error; one function turns it into the right status and a friendly page. The
// server middleware has already resolved the language, the signed-in actor and
// the session (with its CSRF token) before a handler runs.
package web

import (
	"fmt"
	"net/http"

	"github.com/techmarket-org/techmarket/internal/app"
)

// site is the web UI: the app's services plus templates and static assets.
type site struct {
	app    *app.App
	pages  *pageSet
	assets *assets
}

// Register adds the web UI routes.
func Register(mux *http.ServeMux, a *app.App) {
	s, err := newSite(a)
	if err != nil {
		// The templates are compiled into the binary and parsed by the tests, so
		// this only happens with a broken build; refuse to start rather than serve 500s.
		panic(fmt.Sprintf("web: %v", err))
	}
	s.routes(mux)
}

func newSite(a *app.App) (*site, error) {
	staticFS, templateFS := embeddedFS()
	if a.Config.Dev {
		if dir, ok := sourceDir(); ok {
			staticFS, templateFS = diskFS(dir)
			a.Log.Info("web: development mode, reading templates and static files from disk", "dir", dir)
		} else {
			a.Log.Warn("web: development mode but the source directory was not found; using embedded templates")
		}
	}
	as, err := newAssets(staticFS, a.Config.Dev)
	if err != nil {
		return nil, err
	}
	s := &site{app: a, assets: as}
	s.pages, err = newPageSet(templateFS, a.Config.Dev, s.funcs())
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *site) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", s.assets)

	mux.HandleFunc("GET /{$}", s.handle(s.home))
	mux.HandleFunc("GET /listings", s.handle(s.browse))
	mux.HandleFunc("GET /listings/new", s.handle(s.newListingForm))
	mux.HandleFunc("POST /listings/new", s.handle(s.createListing))
	mux.HandleFunc("GET /listings/{id}", s.handle(s.detail))
	mux.HandleFunc("GET /listings/{id}/edit", s.handle(s.editListingForm))
	mux.HandleFunc("POST /listings/{id}/edit", s.handle(s.updateListing))
	mux.HandleFunc("POST /listings/{id}/submit", s.handle(s.submitListing))
	mux.HandleFunc("POST /listings/{id}/withdraw", s.handle(s.withdrawListing))
	mux.HandleFunc("POST /listings/{id}/renew", s.handle(s.renewListing))
	mux.HandleFunc("POST /listings/{id}/review", s.handle(s.reviewListing))

	mux.HandleFunc("GET /my/listings", s.handle(s.myListings))
	mux.HandleFunc("GET /review", s.handle(s.reviewQueue))
	mux.HandleFunc("GET /notifications", s.handle(s.notifications))
	mux.HandleFunc("POST /notifications/read", s.handle(s.markNotificationsRead))

	mux.HandleFunc("GET /login", s.handle(s.loginForm))
	mux.HandleFunc("POST /login", s.handle(s.login))
	mux.HandleFunc("POST /logout", s.handle(s.logout))

	s.valuationRoutes(mux) // valuation.go

	// Technology-contract registration (issue 5): registration.go.
	s.registrationRoutes(mux)

	// Settlement ledger (issue 6): ledger.go.
	s.ledgerRoutes(mux)

	// Deals, auctions, challenges and venue rules (issue 4): deal.go.
	s.dealRoutes(mux)

	// Matching: matches with explanations, feedback, saved needs (issue 3): matching.go.
	s.matchingRoutes(mux)

	// Organisation profiles (enterprise matching): orgs_profile.go.
	s.orgRoutes(mux)

	// Everything no other pattern claims gets the friendly 404 page.
	mux.HandleFunc("/", s.handle(s.notFound))
}
