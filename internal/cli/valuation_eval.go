package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/valuation"
)

func init() {
	addCommand(func(*cobra.Command) { evalCmd.AddCommand(newEvalValuationCmd()) })
}

func newEvalValuationCmd() *cobra.Command {
	var renewal, scenario string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "valuation",
		Short: "Back-test the indicator score against patent renewal depth",
		Long: `Scores every patent of a renewal data set with the shipped indicator tree (a fixed,
documented mapping of claims, cited patents and literature, similar earlier documents,
inventors and classification codes onto the legal/technical/economic indicators; nothing
is fitted to the renewals) and measures the score against how many maintenance fees were
paid: Spearman correlation with payment_times, AUC for "lapsed at the first window" (no fee
paid; oriented so 0.5 is chance and higher means lapsed patents score lower) and AUC for
"renewed to full term" (all three fees paid). --json prints exactly the keys spearman,
auc_lapsed and auc_full_term.`,
		Example: `  techmarket eval valuation --renewal ../shared/data/patent-renewal/nontext_features.csv
  techmarket eval valuation --renewal ../shared/data/patent-renewal/nontext_features.csv --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEvalValuation(cmd.OutOrStdout(), renewal, scenario, asJSON)
		},
	}
	cmd.Flags().StringVar(&renewal, "renewal", "", "renewal CSV (id, publication_year, B…H, num_applications, num_patent_citations, num_nonpatent_citations, num_claims, num_similar_doc, num_authors, payment_times)")
	cmd.Flags().StringVar(&scenario, "scenario", valuation.ScenarioManagement,
		"scenario whose weights score the patents (renewal is the owner's management decision)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"spearman","auc_lapsed","auc_full_term"}`)
	_ = cmd.MarkFlagRequired("renewal")
	return cmd
}

func runEvalValuation(out io.Writer, path, scenario string, asJSON bool) error {
	tree := valuation.DefaultTree()
	if !tree.HasScenario(scenario) {
		return &exitError{code: exitInvalidInput, err: fmt.Errorf("--scenario %q: the indicator tree has no weights for it", scenario)}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open renewal data: %w", err)
	}
	defer f.Close()
	recs, err := valuation.ReadRenewalCSV(f)
	if err != nil {
		return err
	}
	res, err := valuation.BacktestRenewal(tree, scenario, recs)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(out).Encode(struct {
			Spearman    float64 `json:"spearman"`
			AUCLapsed   float64 `json:"auc_lapsed"`
			AUCFullTerm float64 `json:"auc_full_term"`
		}{res.Spearman, res.AUCLapsed, res.AUCFullTerm})
	}
	fmt.Fprintf(out, "patents %d (lapsed at the first window %d, full term %d), scenario %s, evidence %.0f%% of the weight\n",
		res.N, res.Lapsed, res.FullTerm, res.Scenario, res.EvidenceMean*100)
	fmt.Fprintf(out, "spearman %.4f   auc_lapsed %.4f   auc_full_term %.4f\n", res.Spearman, res.AUCLapsed, res.AUCFullTerm)
	fmt.Fprint(out, "mean score by fees paid:")
	for d, m := range res.MeanByDepth {
		fmt.Fprintf(out, "  %d: %.2f", d, m)
	}
	fmt.Fprintln(out)

	fmt.Fprintln(out, "\nper indicator (diagnostic only; weights are fixed, not fitted):")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tindicator\tglobal weight\tspearman")
	for _, d := range res.Diagnostics {
		fmt.Fprintf(tw, "%s\t%s\t%.2f%%\t%.4f\n", d.ID, d.Label.En, d.Weight*100, d.Spearman)
	}
	tw.Flush()

	fmt.Fprintln(out, "\nall scenarios:")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tspearman\tauc_lapsed\tauc_full_term")
	for _, s := range tree.Scenarios {
		r, err := valuation.BacktestRenewal(tree, s, recs)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\n", s, r.Spearman, r.AUCLapsed, r.AUCFullTerm)
	}
	return tw.Flush()
}
