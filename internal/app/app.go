// Package app is the composition root: it turns a Config into an open database and
// the capability services wired together. Entry points (serve, CLI admin commands,
// tests) build an App and hand it to the HTTP layer.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/matching"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
	valuations "github.com/techmarket-org/techmarket/internal/valuation/service"
)

// Config is everything the platform needs to start.
type Config struct {
	Addr         string // listen address for serve
	DataDir      string // where the SQLite file and indexes live
	DatabaseURL  string // postgres://… selects PostgreSQL; empty means SQLite in DataDir
	Demo         bool   // seed demo data on first start
	CookieSecure string // "auto" (secure when the request came over HTTPS), "true" or "false"
	Dev          bool   // reload templates from disk
}

// DefaultConfig reads TECHMARKET_* environment variables over the defaults.
func DefaultConfig() Config {
	c := Config{Addr: "127.0.0.1:8080", DataDir: "./data", CookieSecure: "auto"}
	if v := os.Getenv("TECHMARKET_DATABASE_URL"); v != "" {
		c.DatabaseURL = v
	}
	if v := os.Getenv("TECHMARKET_DATA_DIR"); v != "" {
		c.DataDir = v
	}
	if v := os.Getenv("TECHMARKET_ADDR"); v != "" {
		c.Addr = v
	}
	return c
}

// Validate checks the configuration before anything is opened.
func (c Config) Validate() error {
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("--database-url must start with postgres:// or postgresql:// (leave it empty for embedded SQLite)")
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return fmt.Errorf("--data-dir is required for embedded SQLite")
	}
	switch c.CookieSecure {
	case "auto", "true", "false":
	default:
		return fmt.Errorf("--cookie-secure must be auto, true or false")
	}
	return nil
}

// DSN is what store.Open receives.
func (c Config) DSN() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "techmarket.db")
}

// App holds the open database and the services.
type App struct {
	Config     Config
	Log        *slog.Logger
	DB         *store.DB
	Identity   *identity.Service
	Listings   *listing.Service
	Notify     *notify.Service
	Deals      *deal.Service
	Ledger     *ledger.Service
	Valuations *valuations.Service
	Matching   *matching.Service
	Filings    *filing.Service // registration filings; set by wireFiling
}

// Open connects, migrates and wires the services.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if n > 0 {
		log.Info("database migrated", "engine", db.Dialect().String(), "applied", n)
	}
	a := New(cfg, log, db)
	if err := a.Deals.EnsureSeed(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed venues: %w", err)
	}
	return a, nil
}

// New wires services over an already open, migrated database (used by tests).
func New(cfg Config, log *slog.Logger, db *store.DB) *App {
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	n := notify.New(db)
	listings := listing.New(db, n)
	indexDir := ""
	if cfg.DataDir != "" {
		indexDir = filepath.Join(cfg.DataDir, "index", "listings")
	}
	matcher, err := matching.New(listings, log, indexDir)
	if err != nil {
		// The analyzer's dictionaries are embedded: failing to load them is a
		// broken build, not a runtime condition.
		panic(err)
	}
	listings.OnChange(matcher.Apply)
	listings.SetTextIndex(matcher)
	// Saved-need alerts (internal/matching/alerts.go): evaluated by the
	// matching service's worker after the index has taken the change.
	matcher.Wire(db, n)
	listings.OnChange(matcher.QueueAlerts)
	a := &App{
		Config:     cfg,
		Log:        log,
		DB:         db,
		Identity:   identity.New(db),
		Listings:   listings,
		Notify:     n,
		Deals:      deal.New(db, listings, n),
		Ledger:     ledger.New(db, ledger.Config{}),
		Valuations: valuations.New(db, listings),
		Matching:   matcher,
	}
	// Enterprise matching re-indexes an enterprise when its profile changes.
	a.Identity.OnProfileChange(matcher.RefreshEnterprise)
	a.Deals.OnConcluded(a.recordRealisedPrice)
	a.wireFiling()
	a.Deals.SetDepositChecker(ledgerDeposits{})
	a.Deals.OnSaleClosed(a.returnLosingDeposits)
	return a
}

// recordRealisedPrice puts a concluded deal's price beside the listing's
// valuations, so that valuation accuracy is measured against real outcomes.
func (a *App) recordRealisedPrice(d deal.Deal) {
	if d.AgreedTerms == nil || d.AgreedTerms.PriceFen <= 0 || d.ConcludedAt == nil {
		return
	}
	ctx := context.Background()
	err := a.DB.Transact(ctx, func(tx *store.Tx) error {
		_, err := a.Valuations.RecordDealClosed(ctx, tx, domain.SystemActor("deals"), d.ListingID, d.ID,
			d.AgreedTerms.PriceFen, d.ConcludedAt.UTC().Format("2006-01-02"))
		return err
	})
	if err != nil {
		a.Log.Error("record realised price", "deal", d.ID, "err", err)
	}
}

// StartIndexing builds the search index from the database in the background.
// Until it is ready, text search falls back to the database and /readyz says
// so; changes made meanwhile are not lost (see matching.Service.Build).
func (a *App) StartIndexing(ctx context.Context) {
	go func() {
		if err := a.Matching.Build(ctx); err != nil {
			a.Log.Error("search index build", "err", err)
			return
		}
		st := a.Matching.Status()
		a.Log.Info("search index ready", "listings", st.Docs, "took", st.Took.Round(time.Millisecond))
		// Alerts queued in memory before a restart are raised now; those
		// already raised are not raised again (unique key).
		if _, err := a.Matching.CatchUp(ctx, time.Now().Add(-24*time.Hour)); err != nil {
			a.Log.Error("matching alert catch-up", "err", err)
		}
		// Other servers on the same database change listings too: read their
		// changes twice a second (matching/follow.go).
		a.Matching.Follow(500 * time.Millisecond)
	}()
}

// Close stops the ledger's committers and releases the database.
func (a *App) Close() error {
	a.Ledger.Close()
	a.Matching.Close()
	return a.DB.Close()
}
