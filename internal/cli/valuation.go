package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/valuation"
	"github.com/techmarket-org/techmarket/internal/valuation/report"
)

func init() {
	addCommand(func(root *cobra.Command) {
		cmd := &cobra.Command{
			Use:   "valuation",
			Short: "Value a technology listing (offline: run, example; on a server: create, get, accuracy)",
		}
		cmd.AddCommand(newValuationRunCmd(), newValuationExampleCmd())
		// Saved valuations on a server (client_valuations.go).
		cmd.AddCommand(newValuationCreateCmd(), newValuationGetCmd(), newValuationAccuracyCmd())
		root.AddCommand(cmd)
	})
}

type valuationRunFlags struct {
	input  string
	asJSON bool
	pdf    string
	html   string
	lang   string
}

func newValuationRunCmd() *cobra.Command {
	var f valuationRunFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Value one listing from a JSON input and print or render the result",
		Long: `Reads a valuation input (the API form: listing facts, IP items, income/market/cost
assumptions with their uncertainty, simulation seed), refuses impossible values naming
each field, chooses the approach for the scenario, simulates the value range and writes
the result: a summary (default), the JSON result (--json), and optionally an HTML and a
PDF report. The same input and seed always give the same result.
Start from the template: techmarket valuation example > input.json`,
		Example: `  techmarket valuation example > input.json
  techmarket valuation run --input input.json
  techmarket valuation run --input input.json --json --html report.html --pdf report.pdf --lang en`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runValuation(cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.input, "input", "", `valuation input JSON file ("-" for stdin)`)
	fl.BoolVar(&f.asJSON, "json", false, "print the full result as JSON (the API's response shape)")
	fl.StringVar(&f.pdf, "pdf", "", "also write the report as PDF to this file")
	fl.StringVar(&f.html, "html", "", "also write the report as HTML to this file")
	fl.StringVar(&f.lang, "lang", "zh", "report and summary language: zh or en")
	_ = cmd.MarkFlagRequired("input")
	return cmd
}

func newValuationExampleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "example",
		Short: "Print a complete example input to start from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(valuation.ExampleInputJSON())
			return err
		},
	}
}

func runValuation(out io.Writer, f valuationRunFlags) error {
	if f.lang != "zh" && f.lang != "en" {
		return &exitError{code: exitInvalidInput, err: fmt.Errorf("--lang must be zh or en, not %q", f.lang)}
	}
	in, res, err := valuateFile(f.input)
	if err != nil {
		if f.asJSON {
			_ = writeJSON(out, map[string]any{"error": errorBody(err)})
		}
		return &exitError{code: exitInvalidInput, err: describeValuationError(err)}
	}
	if f.html != "" {
		var buf bytes.Buffer
		if err := report.HTML(&buf, in, res, f.lang); err != nil {
			return err
		}
		if err := os.WriteFile(f.html, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write HTML report: %w", err)
		}
	}
	if f.pdf != "" {
		b, err := report.PDF(in, res, f.lang)
		if err != nil {
			return err
		}
		if err := os.WriteFile(f.pdf, b, 0o644); err != nil {
			return fmt.Errorf("write PDF report: %w", err)
		}
	}
	if f.asJSON {
		return writeJSON(out, res)
	}
	printValuation(out, res, f.lang)
	return nil
}

func valuateFile(path string) (valuation.Input, valuation.Result, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		file, err := os.Open(path)
		if err != nil {
			return valuation.Input{}, valuation.Result{}, fmt.Errorf("open valuation input: %w", err)
		}
		defer file.Close()
		r = file
	}
	in, err := valuation.DecodeInput(r)
	if err != nil {
		return valuation.Input{}, valuation.Result{}, err
	}
	res, err := valuation.Run(in)
	return in, res, err
}

// describeValuationError lists every field at fault for stderr.
func describeValuationError(err error) error {
	fields := apperr.FieldsOf(err)
	if len(fields) == 0 {
		var e *apperr.Error
		if errors.As(err, &e) && e.Msg != "" {
			return errors.New("invalid valuation input: " + e.Msg)
		}
		return fmt.Errorf("invalid valuation input: %w", err)
	}
	var b strings.Builder
	b.WriteString("invalid valuation input:")
	for _, f := range fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
	}
	return errors.New(b.String())
}

func printValuation(w io.Writer, res valuation.Result, lang string) {
	money := func(v int64) string {
		if lang == "zh" {
			return domain.Fen(v).Wan() + " 万元"
		}
		yuan, _, _ := strings.Cut(domain.Fen(v).Yuan(), ".")
		return "¥" + yuan
	}
	fmt.Fprintf(w, "%s  %s  %s  %s\n", res.ListingID, res.ValuationDate,
		valuation.Scenarios.Label(res.Scenario).In(lang), valuation.Methods.Label(res.Method).In(lang))
	fmt.Fprintf(w, "P10 %s   P50 %s   P90 %s   (base %s)\n", money(int64(res.Value.P10)), money(int64(res.Value.P50)),
		money(int64(res.Value.P90)), money(int64(res.Value.Base)))
	fmt.Fprintf(w, "%s\n\n", res.MethodReason.In(lang))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "approach\tapplies\tP10\tP50\tP90")
	for _, m := range res.Methods {
		if m.Value == nil {
			fmt.Fprintf(tw, "%s\t%v\t-\t-\t-\n", m.Method, m.Applicable)
			continue
		}
		fmt.Fprintf(tw, "%s\t%v\t%s\t%s\t%s\n", m.Method, m.Applicable, money(int64(m.Value.P10)),
			money(int64(m.Value.P50)), money(int64(m.Value.P90)))
	}
	tw.Flush()
	fmt.Fprintln(w, "\ntornado (input at P10 → P90):")
	for _, b := range res.Tornado {
		fmt.Fprintf(w, "  %-32s %s → %s\n", b.Path, money(int64(b.LowValue)), money(int64(b.HighValue)))
	}
	fmt.Fprintf(w, "\nindicator score %.1f/100 (%s), evidence %.0f%%\n", res.Score.Total,
		valuation.Scenarios.Label(res.Score.Scenario).In(lang), res.Score.Evidence*100)
	for _, n := range res.Score.Nodes {
		if n.Level == 1 {
			fmt.Fprintf(w, "  %-2s %-10s %5.1f  (weight %.0f%%)\n", n.ID, n.Label.In(lang), n.Score, n.GlobalWeight*100)
		}
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn.In(lang))
	}
}
