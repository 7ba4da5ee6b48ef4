package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/demo"
)

func init() {
	addCommand(func(root *cobra.Command) {
		cmd := &cobra.Command{
			Use:   "demo",
			Short: "Demo data: seed the demonstration market, generate large markets for benchmarks",
		}
		cmd.AddCommand(newDemoSeedCmd(), newDemoGenerateCmd())
		root.AddCommand(cmd)
	})
}

func newDemoSeedCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Fill an empty database with the demo market and print the demo logins",
		Long: "Creates organisations of every type, a user for every role and about 480 listings in Chinese and English,\n" +
			"as `serve --demo` does on first start. Refuses a database that already has organisations.",
		Example: "  techmarket demo seed --data-dir ./data",
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := app.Open(cmd.Context(), cfg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
			if err != nil {
				return err
			}
			defer a.Close()
			start := time.Now()
			creds, err := demo.Seed(cmd.Context(), a)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Demo market created in %s.\n\n", time.Since(start).Round(time.Millisecond))
			printCredentials(cmd.OutOrStdout(), creds)
			return nil
		},
	}
	serverFlags(cmd, &cfg)
	return cmd
}

func newDemoGenerateCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var opts demo.GenerateOptions
	var idsFile string
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Add many published listings quickly (for benchmarks)",
		Long: "Adds --listings published achievements and needs, owned by the demo organisations, in batched\n" +
			"transactions. An empty database is seeded with the demo market first (its logins are printed).",
		Example: "  techmarket demo generate --listings 100000 --data-dir /tmp/bench\n" +
			"  techmarket demo generate --listings 100000 --database-url postgres://postgres@127.0.0.1/techmarket_bench --ids-file ids.txt",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
			if err != nil {
				return err
			}
			defer a.Close()
			stderr := cmd.ErrOrStderr()
			n, err := a.Identity.CountOrgs(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				creds, err := demo.Seed(ctx, a)
				if err != nil {
					return err
				}
				fmt.Fprintln(stderr, "Empty database: seeded the demo market first.")
				printCredentials(stderr, creds)
			}
			start := time.Now()
			opts.Progress = func(done, total int) {
				rate := float64(done) / time.Since(start).Seconds()
				fmt.Fprintf(stderr, "\r%d/%d listings (%.0f/s)   ", done, total, rate)
			}
			res, err := demo.Generate(ctx, a, opts)
			fmt.Fprintln(stderr)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "Generated %d published listings in %s on %s.\n", res.Created,
				time.Since(start).Round(time.Millisecond), a.DB.Dialect())
			if idsFile != "" {
				if err := os.WriteFile(idsFile, []byte(strings.Join(res.SampleIDs, "\n")+"\n"), 0o644); err != nil {
					return fmt.Errorf("write ids: %w", err)
				}
				fmt.Fprintf(stderr, "Wrote %d listing ids to %s.\n", len(res.SampleIDs), idsFile)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Listings, "listings", 1000, "number of published listings to add")
	cmd.Flags().IntVar(&opts.Batch, "batch", 1000, "listings per transaction")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 0, "random seed (0: the default, reproducible)")
	cmd.Flags().StringVar(&idsFile, "ids-file", "", "write a sample of the new listing ids (every 10th) to this file")
	serverFlags(cmd, &cfg)
	return cmd
}

// printCredentials lists demo logins as a table.
func printCredentials(w io.Writer, creds []demo.Credential) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tE-MAIL\tPASSWORD\tORGANISATION")
	for _, c := range creds {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Role, c.Email, c.Password, c.Org)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
