package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/demo"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/httpapi"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/web"
)

func init() {
	addCommand(func(root *cobra.Command) {
		root.AddCommand(newServeCmd(), newMigrateCmd())
	})
}

// serverFlags binds the flags shared by commands that open the database.
func serverFlags(cmd *cobra.Command, cfg *app.Config) {
	cmd.Flags().StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "directory for the embedded SQLite database and indexes (env TECHMARKET_DATA_DIR)")
	cmd.Flags().StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL URL, e.g. postgres://user@host/db (env TECHMARKET_DATABASE_URL); empty uses SQLite")
}

func newServeCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web UI and REST API",
		Example: "  techmarket serve --demo\n" +
			"  techmarket serve --addr :8080 --database-url postgres://techmarket@db/techmarket",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := slog.New(slog.NewTextHandler(os.Stderr, nil))
			a, err := app.Open(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer a.Close()
			if cfg.Demo {
				if err := seedDemo(ctx, a); err != nil {
					return fmt.Errorf("demo data: %w", err)
				}
			}
			a.StartIndexing(ctx)
			go runJobs(ctx, a)
			h := server.New(a, httpapi.Register, web.Register)
			log.Info("techmarket listening", "addr", "http://"+cfg.Addr, "engine", a.DB.Dialect().String())
			return server.Serve(ctx, cfg.Addr, h)
		},
	}
	cmd.Flags().StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (env TECHMARKET_ADDR)")
	cmd.Flags().BoolVar(&cfg.Demo, "demo", false, "seed demo data on first start and print the demo logins")
	cmd.Flags().StringVar(&cfg.CookieSecure, "cookie-secure", cfg.CookieSecure, "Secure flag on cookies: auto (when served over HTTPS), true or false")
	cmd.Flags().BoolVar(&cfg.Dev, "dev", false, "reload templates from disk on every request")
	serverFlags(cmd, &cfg)
	return cmd
}

func seedDemo(ctx context.Context, a *app.App) error {
	n, err := a.Identity.CountOrgs(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		a.Log.Info("demo data: database is not empty, leaving it as it is")
		return nil
	}
	start := time.Now()
	creds, err := demo.Seed(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\nDemo market created in %s. Sign in with any of these (password shown once):\n\n", time.Since(start).Round(time.Millisecond))
	tw := tabwriter.NewWriter(os.Stderr, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tE-MAIL\tPASSWORD\tORGANISATION")
	for _, c := range creds {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Role, c.Email, c.Password, c.Org)
	}
	tw.Flush()
	fmt.Fprintln(os.Stderr)
	return nil
}

// runJobs runs periodic maintenance: closing auctions and notices whose time is
// up (every minute), listing expiry and renewal reminders (every ten minutes).
func runJobs(ctx context.Context, a *app.App) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for n := 0; ; n++ {
		if closed, ended, err := a.Deals.Tick(ctx); err != nil {
			a.Log.Error("deal clock job", "err", err)
		} else if closed+ended > 0 {
			a.Log.Info("deal clock job", "sales_closed", closed, "notices_ended", ended)
		}
		if released, err := a.Ledger.ReleaseDeemed(ctx, domain.SystemActor("jobs")); err != nil {
			a.Log.Error("deemed-acceptance job", "err", err)
		} else if len(released) > 0 {
			a.Log.Info("deemed-acceptance job", "released", len(released))
		}
		if n%10 == 0 {
			if exp, rem, err := a.Listings.ExpireDue(ctx); err != nil {
				a.Log.Error("listing expiry job", "err", err)
			} else if exp+rem > 0 {
				a.Log.Info("listing expiry job", "expired", exp, "reminded", rem)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func newMigrateCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations and report the schema version",
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := app.Open(cmd.Context(), cfg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
			if err != nil {
				return err
			}
			defer a.Close()
			cur, latest, err := a.DB.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s schema at version %d of %d\n", a.DB.Dialect(), cur, latest)
			return nil
		},
	}
	serverFlags(cmd, &cfg)
	return cmd
}
