package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// The client side of `techmarket valuation`: saved valuations on a server,
// through the REST API (valuation run stays offline).

func newValuationCreateCmd() *cobra.Command {
	opts := &clientOptions{}
	var listingID, input string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create --listing ID [--input FILE]",
		Short: "Value a listing on the server and save the valuation",
		Long: `Sends a valuation input (see techmarket valuation example) for a listing. Facts the
input leaves out (field, TRL, IPC codes, owners, IP items, valuation date) are taken from
the listing; at least one approach's assumptions (income, market or cost) are needed.
Bad values are refused naming each field. Prints the new valuation's ID and its range.`,
		Example: `  techmarket valuation example > input.json
  techmarket valuation create --listing 01J… --input input.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if listingID == "" {
				return errors.New("--listing is required")
			}
			var body json.RawMessage
			if input != "" {
				data, err := readInputFile(cmd, input)
				if err != nil {
					return err
				}
				body = data
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			v, err := c.CreateValuation(cmd.Context(), listingID, body)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), v)
			}
			fmt.Fprintln(cmd.OutOrStdout(), v.ID)
			printValuationSummary(cmd.ErrOrStderr(), v, opts.language())
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&listingID, "listing", "", "ID of the listing to value")
	cmd.Flags().StringVar(&input, "input", "", `valuation input JSON file ("-" for stdin); default: the listing's facts only`)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the saved valuation as JSON")
	return cmd
}

func readInputFile(cmd *cobra.Command, file string) ([]byte, error) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(cmd.InOrStdin())
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, fmt.Errorf("read valuation input: %w", err)
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("%s is not valid JSON", file)
	}
	return data, nil
}

func newValuationGetCmd() *cobra.Command {
	opts := &clientOptions{}
	var asJSON bool
	var pdfFile, htmlFile string
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "Show a saved valuation; optionally download its PDF or HTML report",
		Example: `  techmarket valuation get 01J…
  techmarket valuation get 01J… --pdf report.pdf --lang en`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			v, err := c.Valuation(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			for _, r := range []struct{ file, format string }{{pdfFile, "pdf"}, {htmlFile, "html"}} {
				if r.file == "" {
					continue
				}
				doc, err := c.ValuationReport(cmd.Context(), v.ID, r.format, opts.language())
				if err != nil {
					return apiFailure(err, opts.language())
				}
				if err := os.WriteFile(r.file, doc, 0o644); err != nil {
					return fmt.Errorf("write %s report: %w", r.format, err)
				}
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), v)
			}
			printValuationSummary(cmd.OutOrStdout(), v, opts.language())
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (input and result included)")
	cmd.Flags().StringVar(&pdfFile, "pdf", "", "also download the PDF report to this file")
	cmd.Flags().StringVar(&htmlFile, "html", "", "also download the HTML report to this file")
	return cmd
}

func printValuationSummary(w io.Writer, v *client.Valuation, lang string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	label := func(zh, en string) string {
		if lang == "zh" {
			return zh
		}
		return en
	}
	fmt.Fprintf(tw, "%s\t%s\n", label("评估", "Valuation"), v.ID)
	fmt.Fprintf(tw, "%s\t%s\n", label("成果", "Listing"), v.ListingID)
	if v.ParentID != "" {
		fmt.Fprintf(tw, "%s\t%s\n", label("重新评估自", "Re-run of"), v.ParentID)
	}
	fmt.Fprintf(tw, "%s\t%s / %s\n", label("目的 / 方法", "Scenario / method"), v.Scenario, v.Method)
	fmt.Fprintf(tw, "P10 / P50 / P90\t%s / %s / %s %s\n", domain.Fen(v.P10Fen).Wan(), domain.Fen(v.P50Fen).Wan(),
		domain.Fen(v.P90Fen).Wan(), label("万元", "×10,000 yuan"))
	fmt.Fprintf(tw, "%s\t%s (seed %d)\n", label("模型", "Model"), v.ModelVersion, v.Seed)
	if r := v.Realised; r != nil {
		fmt.Fprintf(tw, "%s\t%s %s (%s, %s)\n", label("成交价", "Realised"), domain.Fen(r.PriceFen).Wan(), label("万元", "×10,000 yuan"), r.Date, r.Source)
	}
	_ = tw.Flush()
}

func newValuationAccuracyCmd() *cobra.Command {
	opts := &clientOptions{}
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "accuracy",
		Short: "How close saved valuations came to realised prices (coverage, log errors, histogram)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			a, err := c.ValuationAccuracy(cmd.Context())
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), a)
			}
			w := cmd.OutOrStdout()
			lang := opts.language()
			fmt.Fprintf(w, "n=%d  coverage(P10–P90)=%.0f%% (below %.0f%%, above %.0f%%)  median ln(P50/price)=%+.2f  mean |ln|=%.2f  median |rel|=%.0f%%\n",
				a.N, 100*a.Coverage, 100*a.BelowP10, 100*a.AboveP90, a.MedianLogRatio, a.MeanAbsLogRatio, 100*a.MedianAbsRelativeError)
			if a.Excluded > 0 {
				fmt.Fprintf(w, "excluded (P50 = 0): %d\n", a.Excluded)
			}
			tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			for _, b := range a.Histogram {
				fmt.Fprintf(tw, "%s\t%d\n", b.Label.In(lang), b.Count)
			}
			return tw.Flush()
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
