package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/auctionload"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

func init() {
	addCommand(func(root *cobra.Command) {
		root.AddCommand(newVenuesCmd())
		benchCmd.AddCommand(newBenchAuctionCmd())
	})
}

func newVenuesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "venues", Short: "Trading venues and their versioned rule sets"}
	cmd.AddCommand(newVenuesListCmd(), newVenuesShowCmd(), newVenuesPublishCmd())
	return cmd
}

// openDeals opens the database named by cfg, installs the seed venues if
// missing, and returns the deal service.
func openDeals(ctx context.Context, cfg app.Config) (*app.App, *deal.Service, error) {
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		return nil, nil, err
	}
	svc := deal.New(a.DB, a.Listings, a.Notify)
	if err := svc.EnsureSeed(ctx); err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, svc, nil
}

func newVenuesListCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List venues with the version of their rules in force",
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, svc, err := openDeals(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer a.Close()
			venues, err := svc.Venues(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 2, 2, ' ', 0)
			fmt.Fprintln(w, "CODE\tVERSION\tMETHODS\tLISTING NOTICE\tSTATE-OWNED NOTICE\tDEPOSIT\tNAME")
			for _, v := range venues {
				rs, err := svc.RuleSet(cmd.Context(), v.Code, v.CurrentVersion)
				if err != nil {
					return err
				}
				methods := make([]string, len(rs.Methods))
				for i, m := range rs.Methods {
					methods[i] = string(m)
				}
				fmt.Fprintf(w, "%s\tv%d\t%s\t%s\t%s\t%s\t%s\n", v.Code, v.CurrentVersion, strings.Join(methods, ","),
					rs.Listing.Notice.Label().En, rs.StateOwned.Notice.Label().En, rateText(rs.Deposit), v.Name.Zh)
			}
			return w.Flush()
		},
	}
	serverFlags(cmd, &cfg)
	return cmd
}

func rateText(r rules.Rate) string {
	if r.None() {
		return "none"
	}
	s := fmt.Sprintf("%d.%02d%%", r.RateBP/100, r.RateBP%100)
	if r.MinFen > 0 {
		s += " min " + r.MinFen.Yuan()
	}
	if r.CapFen > 0 {
		s += " cap " + r.CapFen.Yuan()
	}
	return s
}

func newVenuesShowCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var version int
	cmd := &cobra.Command{
		Use:   "show CODE",
		Short: "Print a venue's rule set as JSON (the current version unless --version) and its version history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, svc, err := openDeals(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer a.Close()
			v, err := svc.Venue(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			rs, err := svc.RuleSet(cmd.Context(), v.Code, version)
			if err != nil {
				return err
			}
			versions, err := svc.RuleSetVersions(cmd.Context(), v.Code)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(map[string]any{"venue": v, "rules": rs, "sha256": rs.Hash(), "versions": versions})
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "rule-set version (0: the one in force)")
	serverFlags(cmd, &cfg)
	return cmd
}

func newVenuesPublishCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var file, note string
	cmd := &cobra.Command{
		Use:   "publish CODE --file RULES.json",
		Short: "Publish a new version of a venue's rules (running deals keep their version)",
		Long: `Reads a rule set in the JSON form printed by "venues show" (the "rules" object, or the
whole output) and stores it as the venue's next version after validation. Every fault is
reported with the JSON path of the field.`,
		Example: "  techmarket venues show east > east.json   # edit east.json\n  techmarket venues publish east --file east.json --note \"deposit 5%\"",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			var wrapped struct {
				Rules *rules.RuleSet `json:"rules"`
			}
			var rs rules.RuleSet
			if err := json.Unmarshal(body, &wrapped); err == nil && wrapped.Rules != nil {
				rs = *wrapped.Rules
			} else if err := json.Unmarshal(body, &rs); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			a, svc, err := openDeals(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer a.Close()
			out, err := svc.PublishRuleSet(cmd.Context(), domain.SystemActor("cli"), args[0], rs, note)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s rules v%d published (sha256 %s)\n", out.Venue, out.Version, out.Hash())
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "rule set JSON")
	cmd.Flags().StringVar(&note, "note", "", "what changed, kept with the version")
	_ = cmd.MarkFlagRequired("file")
	serverFlags(cmd, &cfg)
	return cmd
}

func newBenchAuctionCmd() *cobra.Command {
	var databaseURL string
	var bidders, bids, serial int
	var seed int64
	var asJSON, keep bool
	cmd := &cobra.Command{
		Use:   "auction",
		Short: "Concurrent bidding on one English auction: throughput, latency and a replay proof",
		Long: `Builds a scratch market (a temporary SQLite file, or a temporary schema in the PostgreSQL
database given by --database-url, dropped afterwards unless --keep), registers --bidders buyer
organisations on one English auction and lets them place --bids bids in total at once, each
bidder raising the last minimum it heard of by zero to two increments. Bidding starts inside the
anti-sniping window, so every accepted bid also moves the close time.

Reports accepted bids per second, latency per bid attempt (p50/p99/max), refusals by reason, and
the proof of correctness: the acceptances the bidders received equal the stored bids one for one,
replaying the stored bids in sequence order reproduces the final price, leader, count and close
time, and after the close the winner's deal is agreed at the final price. Exits 1 if any check fails.

Then --serial bids by two bidders outbidding each other one at a time (every bid accepted)
measure the uncontended path; they are part of the replay proof too.`,
		Example: "  techmarket bench auction --bidders 200 --bids 10000\n" +
			"  techmarket bench auction --bidders 200 --bids 10000 --database-url postgres://postgres@127.0.0.1:5432/test",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, cleanup, err := scratchDB(ctx, databaseURL, keep, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer cleanup()
			fmt.Fprintf(cmd.ErrOrStderr(), "setting up %d bidders on %s…\n", bidders, db.Dialect())
			rep, err := auctionload.Run(ctx, db, auctionload.Config{Bidders: bidders, Attempts: bids, Seed: seed, SerialBids: serial})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printAuctionReport(out, rep)
			}
			if !rep.OK() {
				return &exitError{code: 1, err: fmt.Errorf("the auction run is not proven correct: %s", rep.Mismatch)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&databaseURL, "database-url", "", "PostgreSQL URL; a scratch schema is created in it (empty: a temporary SQLite file)")
	cmd.Flags().IntVar(&bidders, "bidders", 200, "concurrent bidders")
	cmd.Flags().IntVar(&bids, "bids", 10000, "bids attempted in total")
	cmd.Flags().IntVar(&serial, "serial", 1000, "then bids by two bidders outbidding each other one at a time (uncontended path)")
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the bidders' choices")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the scratch database or schema for inspection")
	return cmd
}

func printAuctionReport(w interface{ Write([]byte) (int, error) }, r auctionload.Report) {
	refused, codes := 0, make([]string, 0, len(r.Refused))
	for c, n := range r.Refused {
		refused += n
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s %d", c, r.Refused[c]))
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "NO"
	}
	fmt.Fprintf(w, "engine %s: %d bidders, %d bids attempted in %.2f s (%.0f attempts/s)\n", r.Engine, r.Bidders, r.Attempts, r.Seconds, r.AttemptsPerSec)
	fmt.Fprintf(w, "accepted %d (%.1f accepted bids/s); refused %d (%s); errors %d\n", r.Accepted, r.AcceptedPerSec, refused, strings.Join(parts, ", "), r.Errors)
	fmt.Fprintf(w, "latency: all attempts p50 %.2f ms, p99 %.2f ms, max %.2f ms; accepted bids p50 %.2f ms, p99 %.2f ms\n",
		r.P50Ms, r.P99Ms, r.MaxMs, r.AcceptedP50Ms, r.AcceptedP99Ms)
	if r.SerialBids > 0 {
		fmt.Fprintf(w, "uncontended: %d bids one at a time, %.1f accepted bids/s, p50 %.2f ms, p99 %.2f ms\n",
			r.SerialBids, r.SerialAcceptedPerSec, r.SerialP50Ms, r.SerialP99Ms)
	}
	fmt.Fprintf(w, "final price %s yuan after %d bids stored, each extending the close (anti-sniping): %d extensions\n",
		r.FinalPriceFen.Yuan(), r.Accepted+r.SerialBids, r.Extensions)
	fmt.Fprintf(w, "proof: acceptances received = stored bids: %s; sequential replay = final state: %s; winner's deal agreed at final price: %s\n",
		yes(r.ClientsAgree), yes(r.ReplayEqual), yes(r.WinnerAgreed))
	if r.FirstError != "" {
		fmt.Fprintf(w, "first error: %s\n", r.FirstError)
	}
	if r.Mismatch != "" {
		fmt.Fprintf(w, "mismatch: %s\n", r.Mismatch)
	}
}

// scratchDB opens a throwaway migrated database: a temporary SQLite file, or a
// new schema in the PostgreSQL database at dsn. cleanup removes it unless keep.
func scratchDB(ctx context.Context, dsn string, keep bool, log interface{ Write([]byte) (int, error) }) (*store.DB, func(), error) {
	if dsn == "" {
		dir, err := os.MkdirTemp("", "techmarket-bench-auction-")
		if err != nil {
			return nil, nil, err
		}
		db, err := openMigrated(ctx, filepath.Join(dir, "bench.db"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return db, func() {
			db.Close()
			if keep {
				fmt.Fprintf(log, "kept %s\n", dir)
				return
			}
			os.RemoveAll(dir)
		}, nil
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, nil, fmt.Errorf("--database-url must be a postgres:// URL")
	}
	admin, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	var b [5]byte
	_, _ = rand.Read(b[:])
	schema := "bench_auction_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("create scratch schema: %w", err)
	}
	drop := func() {
		if keep {
			fmt.Fprintf(log, "kept schema %s\n", schema)
		} else if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			fmt.Fprintf(log, "drop schema %s: %v\n", schema, err)
		}
		admin.Close()
	}
	u, err := url.Parse(dsn)
	if err != nil {
		drop()
		return nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := openMigrated(ctx, u.String())
	if err != nil {
		drop()
		return nil, nil, err
	}
	return db, func() { db.Close(); drop() }, nil
}

func openMigrated(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}
