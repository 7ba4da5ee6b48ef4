package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/ledger/ledgerbench"
	"github.com/techmarket-org/techmarket/internal/store"
)

func init() {
	addCommand(func(root *cobra.Command) {
		cmd := &cobra.Command{Use: "ledger", Short: "Settlement ledger: statements, timelines, reconciliation, verification"}
		cmd.AddCommand(newLedgerStatementCmd(), newLedgerTimelineCmd(), newLedgerReconcileCmd(), newLedgerVerifyCmd())
		cmd.AddCommand(ledgerClientCmds()...) // client_ledger.go: the same views through the API, for parties
		root.AddCommand(cmd)
		benchCmd.AddCommand(newBenchLedgerCmd())
	})
}

// withLedger opens the configured database and a ledger acting as the CLI's system user.
func withLedger(ctx context.Context, cfg app.Config, fn func(s *ledger.Service, actor domain.Actor) error) error {
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	s := ledger.New(a.DB, ledger.Config{})
	defer s.Close()
	return fn(s, domain.SystemActor("cli"))
}

// ledgerJSON writes v indented for --json output.
func ledgerJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newLedgerStatementCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var account, from, to string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "statement",
		Short:   "Print any account's statement with running balances (operators: opens the database; parties use account-statement)",
		Example: "  techmarket ledger statement --account party:ORG-ID:available --from 2026-01-01 --to 2026-02-01",
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f, t time.Time
			var err error
			if from != "" {
				if f, err = time.Parse("2006-01-02", from); err != nil {
					return fmt.Errorf("--from: want YYYY-MM-DD")
				}
			}
			if to != "" {
				if t, err = time.Parse("2006-01-02", to); err != nil {
					return fmt.Errorf("--to: want YYYY-MM-DD")
				}
			}
			return withLedger(cmd.Context(), cfg, func(s *ledger.Service, actor domain.Actor) error {
				st, err := s.Statement(cmd.Context(), actor, account, f, t)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					return ledgerJSON(out, st)
				}
				fmt.Fprintf(out, "Statement of %s\nOpening balance %s yuan\n\n", st.Account, st.Opening.Yuan())
				tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', tabwriter.AlignRight)
				fmt.Fprintln(tw, "TIME (UTC)\tKIND\tCOUNTERPARTY\tDEBIT\tCREDIT\tBALANCE\t")
				for _, l := range st.Lines {
					debit, credit := "", ""
					if l.Debit > 0 {
						debit = l.Debit.Yuan()
					}
					if l.Credit > 0 {
						credit = l.Credit.Yuan()
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", l.At.Format("2006-01-02 15:04:05"), l.Kind, l.Counterparty,
						debit, credit, l.Balance.Yuan())
				}
				tw.Flush()
				fmt.Fprintf(out, "\nDebits %s, credits %s, closing balance %s yuan\n", st.Debits.Yuan(), st.Credits.Yuan(), st.Closing.Yuan())
				if st.Truncated {
					fmt.Fprintf(out, "(truncated at %d lines: narrow --from/--to)\n", ledger.MaxStatementLines)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "account name, e.g. party:<org>:available, contract:<id>:escrow, platform:fees")
	cmd.Flags().StringVar(&from, "from", "", "first day (UTC, inclusive), YYYY-MM-DD; default: the beginning")
	cmd.Flags().StringVar(&to, "to", "", "last day (UTC, exclusive), YYYY-MM-DD; default: now")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.MarkFlagRequired("account")
	serverFlags(cmd, &cfg)
	return cmd
}

func newLedgerTimelineCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var contract string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "timeline",
		Short: "Print a contract's settlement timeline",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withLedger(cmd.Context(), cfg, func(s *ledger.Service, actor domain.Actor) error {
				tl, err := s.Timeline(cmd.Context(), actor, contract)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					return ledgerJSON(out, tl)
				}
				a := tl.Agreement
				fmt.Fprintf(out, "Contract %s: buyer %s, seller %s, price %s, held %s, released %s, refunded %s, in escrow %s yuan\n\n",
					a.Terms.ContractID, a.Terms.BuyerOrg, a.Terms.SellerOrg, a.Price.Yuan(), a.Held.Yuan(), a.Released.Yuan(),
					(a.EscrowRefunded + a.ClawbackRefunded).Yuan(), a.Escrow.Yuan())
				tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "TIME (UTC)\tEVENT\tMILESTONE\tAMOUNT\tESCROW AFTER\tBY")
				for _, e := range tl.Events {
					ms := ""
					if e.MilestoneSeq > 0 {
						ms = fmt.Sprint(e.MilestoneSeq)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.At.Format("2006-01-02 15:04:05"), e.Kind, ms, e.Amount.Yuan(),
						e.EscrowAfter.Yuan(), e.ActorID)
				}
				tw.Flush()
				fmt.Fprintln(out, "\nMilestones:")
				for _, m := range a.Milestones {
					fmt.Fprintf(out, "  %d. %-30s %16s  %-9s released %s\n", m.Seq, m.Title, m.Amount.Yuan(), m.Status, m.Released.Yuan())
				}
				for _, inv := range tl.Invoices {
					paid := "unpaid"
					if inv.PaidTx != "" {
						paid = "paid"
					}
					fmt.Fprintf(out, "  invoice %s %-13s year %d  %s due %s (%s)\n", inv.ID, inv.Kind, inv.LicenceYear+1, inv.Amount.Yuan(), inv.DueDate, paid)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&contract, "contract", "", "contract id")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.MarkFlagRequired("contract")
	serverFlags(cmd, &cfg)
	return cmd
}

func newLedgerReconcileCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var file string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Import a bank statement (CSV) and report what is unmatched on either side",
		Long: "Import a custody-bank statement and match it against the ledger's deposits and withdrawals.\n" +
			"CSV columns (header row, any order): value_date,bank_ref,direction,amount[,counterparty,memo];\n" +
			"direction is in|out, amount is yuan (1234.50). See docs/ledger.md.\n" +
			"Exits with status 2 when anything is unmatched.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			defer f.Close()
			return withLedger(cmd.Context(), cfg, func(s *ledger.Service, actor domain.Actor) error {
				rep, err := s.Reconcile(cmd.Context(), actor, filepath.Base(file), f)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					if err := ledgerJSON(out, rep); err != nil {
						return err
					}
				} else {
					printReconcile(out, rep)
				}
				if len(rep.UnmatchedBank)+len(rep.UnmatchedLedger) > 0 {
					return &exitError{code: 2, err: fmt.Errorf("%d bank lines and %d ledger movements unmatched",
						len(rep.UnmatchedBank), len(rep.UnmatchedLedger))}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&file, "statement", "", "bank statement CSV file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	_ = cmd.MarkFlagRequired("statement")
	serverFlags(cmd, &cfg)
	return cmd
}

func printReconcile(out io.Writer, rep ledger.ReconcileReport) {
	note := ""
	if rep.Replayed {
		note = " (already imported; original report)"
	}
	fmt.Fprintf(out, "Statement %s: %d lines through %s, %d matched%s\n", rep.Name, rep.Lines, rep.Through, len(rep.Matched), note)
	if len(rep.Mismatches) > 0 {
		fmt.Fprintln(out, "\nSame reference, different movement:")
		for _, m := range rep.Mismatches {
			fmt.Fprintf(out, "  line %d %s: %s\n", m.Line.LineNo, m.Line.BankRef, m.Problem)
		}
	}
	fmt.Fprintf(out, "\nOn the bank statement but not in the ledger (%d):\n", len(rep.UnmatchedBank))
	for _, l := range rep.UnmatchedBank {
		fmt.Fprintf(out, "  line %d  %s  %-3s %16s  %s  %s %s\n", l.LineNo, l.ValueDate, l.Direction, l.Amount.Yuan(), l.BankRef, l.Counterparty, l.Memo)
	}
	fmt.Fprintf(out, "\nIn the ledger but not on any statement (%d):\n", len(rep.UnmatchedLedger))
	for _, m := range rep.UnmatchedLedger {
		fmt.Fprintf(out, "  %s  %-10s %-3s %16s  %s  tx %s\n", m.RecordedAt.Format("2006-01-02"), m.Kind, m.Direction, m.Amount.Yuan(), m.BankRef, m.TxID)
	}
}

func newLedgerVerifyCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check every ledger invariant; exits 1 if any is broken",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withLedger(cmd.Context(), cfg, func(s *ledger.Service, actor domain.Actor) error {
				rep, err := s.Verify(cmd.Context(), actor)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					if err := ledgerJSON(out, rep); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(out, "%d accounts, %d transactions, %d postings; all balances sum to %s\n",
						rep.Accounts, rep.Transactions, rep.Postings, rep.Total.Yuan())
					for _, v := range rep.Violations {
						fmt.Fprintf(out, "BROKEN %s: %s: %s\n", v.Invariant, v.Subject, v.Detail)
					}
				}
				if len(rep.Violations) > 0 {
					return &exitError{code: 1, err: fmt.Errorf("%d invariant violations", len(rep.Violations))}
				}
				if !asJSON {
					fmt.Fprintln(out, "all invariants hold")
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	serverFlags(cmd, &cfg)
	return cmd
}

func newBenchLedgerCmd() *cobra.Command {
	var (
		engine, dbURL, dataDir string
		o                      ledgerbench.Options
		asJSON, keep           bool
		cpuProfile, allocProf  string
	)
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Open-loop load test of settlement transactions (offered vs accepted, p50/p99/max)",
		Long: "Offers milestone releases (3–5 postings each, all crediting the hot platform-fee account) at a fixed\n" +
			"arrival rate on a fresh database (a new schema on PostgreSQL, dropped afterwards unless --keep; a temporary\n" +
			"SQLite file), measuring latency from each release's intended send time. Checks every invariant afterwards.",
		Example: "  techmarket bench ledger --engine postgres --database-url postgres://postgres@127.0.0.1/test --rate 5000 --duration 20s\n" +
			"  techmarket bench ledger --engine sqlite --rate 3000 --duration 20s",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, cleanup, err := openBenchDB(ctx, engine, dbURL, dataDir, keep)
			if err != nil {
				return err
			}
			defer cleanup()
			if !asJSON {
				o.Log = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
			}
			for _, p := range []struct {
				flag, path string
				dst        *io.Writer
			}{{"--cpuprofile", cpuProfile, &o.CPUProfile}, {"--allocprofile", allocProf, &o.AllocProfile}} {
				if p.path == "" {
					continue
				}
				f, err := os.Create(p.path)
				if err != nil {
					return fmt.Errorf("%s: %w", p.flag, err)
				}
				defer f.Close()
				*p.dst = f
			}
			rep, err := ledgerbench.Run(ctx, db, o)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return ledgerJSON(out, rep)
			}
			fmt.Fprintf(out, "engine %s, %d committers, %d hot-account shards, batches ≤ %d; %d contracts\n",
				rep.Engine, rep.Committers, rep.HotShards, rep.MaxBatch, rep.Contracts)
			fmt.Fprintf(out, "offered   %8.0f tx/s  (%d sent, %d dropped, %s arrivals, %.0fs)\n", rep.OfferedRate, rep.Offered, rep.Dropped, rep.Arrival, rep.DurationSeconds)
			fmt.Fprintf(out, "accepted  %8.0f tx/s  (%d ok, %d errors), %.2f postings/tx, avg batch %.1f\n", rep.AcceptedRate, rep.Accepted, rep.Errors, rep.PostingsPerTx, rep.AvgBatch)
			fmt.Fprintf(out, "latency   p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms\n",
				rep.Latency.P50, rep.Latency.P90, rep.Latency.P99, rep.Latency.P999, rep.Latency.Max)
			if rep.BytesPerTx > 0 {
				fmt.Fprintf(out, "storage   %.0f bytes per transaction (transactions + postings, with indexes)\n", rep.BytesPerTx)
			}
			fmt.Fprintf(out, "invariants: %d violations\n", rep.Violations)
			for _, e := range rep.FirstErrors {
				fmt.Fprintln(out, "error:", e)
			}
			if rep.Violations > 0 {
				return &exitError{code: 1, err: fmt.Errorf("invariants broken")}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&engine, "engine", "sqlite", "sqlite or postgres")
	f.StringVar(&dbURL, "database-url", os.Getenv("TECHMARKET_DATABASE_URL"), "PostgreSQL URL (engine postgres); a fresh schema is created in it")
	f.StringVar(&dataDir, "data-dir", "", "directory for the SQLite file (default: a temporary directory)")
	f.Float64Var(&o.Rate, "rate", 5000, "offered settlement transactions per second")
	f.DurationVar(&o.Duration, "duration", 20*time.Second, "how long to offer load")
	f.DurationVar(&o.Warmup, "warmup", 0, "offer load this long first without measuring it (cold caches, first statements)")
	f.StringVar(&o.Arrival, "arrival", "fixed", "arrival process: fixed or poisson")
	f.IntVar(&o.Ledger.Committers, "committers", 0, "concurrent batch committers (default 1 on SQLite, 2 on PostgreSQL)")
	f.IntVar(&o.Ledger.MaxBatch, "max-batch", 0, "largest batch per database transaction (default 256)")
	f.IntVar(&o.Ledger.HotShards, "shards", 0, "balance rows per hot account (default max(8, committers))")
	f.IntVar(&o.MilestonesPerContract, "milestones", 20, "milestones per contract (releases sharing one escrow)")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	f.BoolVar(&keep, "keep", false, "keep the benchmark schema or file")
	f.BoolVar(&o.Ledger.NoStateCache, "no-state-cache", false, "read every batch's contracts instead of writing from the committers' cache (for comparison)")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of this process during the load phase to this file")
	f.StringVar(&allocProf, "allocprofile", "", "write this process's allocations (pprof, setup and load phase) to this file")
	return cmd
}

// openBenchDB opens an empty, migrated database for a benchmark run.
func openBenchDB(ctx context.Context, engine, dbURL, dataDir string, keep bool) (*store.DB, func(), error) {
	switch engine {
	case "sqlite":
		dir := dataDir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "techmarket-bench-ledger-")
			if err != nil {
				return nil, nil, err
			}
			dir = tmp
		}
		path := filepath.Join(dir, fmt.Sprintf("bench-ledger-%d.db", time.Now().UnixNano()))
		db, err := store.Open(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
		return db, func() {
			db.Close()
			if !keep {
				for _, suffix := range []string{"", "-wal", "-shm"} {
					os.Remove(path + suffix)
				}
				if dataDir == "" {
					os.Remove(dir)
				}
			}
		}, nil
	case "postgres":
		if dbURL == "" {
			return nil, nil, fmt.Errorf("--database-url is required for --engine postgres")
		}
		admin, err := store.Open(ctx, dbURL)
		if err != nil {
			return nil, nil, err
		}
		var b [4]byte
		_, _ = rand.Read(b[:])
		schema := "bench_ledger_" + hex.EncodeToString(b[:])
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return nil, nil, fmt.Errorf("create schema: %w", err)
		}
		u, err := url.Parse(dbURL)
		if err != nil {
			admin.Close()
			return nil, nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		drop := func() {
			if !keep {
				_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			} else {
				fmt.Fprintln(os.Stderr, "kept schema", schema)
			}
			admin.Close()
		}
		db, err := store.Open(ctx, u.String())
		if err != nil {
			drop()
			return nil, nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			drop()
			return nil, nil, err
		}
		return db, func() { db.Close(); drop() }, nil
	}
	return nil, nil, fmt.Errorf("--engine must be sqlite or postgres")
}
