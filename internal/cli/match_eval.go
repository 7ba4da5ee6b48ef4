package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/search/eval"
)

func init() {
	addCommand(func(*cobra.Command) { evalCmd.AddCommand(newEvalMatchCmd()) })
}

func newEvalMatchCmd() *cobra.Command {
	var corpus, queries, qrels string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "match",
		Short: "Score the matching engine and a tuned BM25 baseline on a BEIR data set",
		Long: `Indexes a BEIR corpus (corpus.jsonl: _id, title, text) in the matching engine and in a
plain BM25 baseline over the same terms (k1 and b tuned on these qrels), runs every query
(queries.jsonl: _id, text) through both, and prints nDCG@10, MRR@10, Recall@1/10/100 against
the qrels (TSV with header query-id, corpus-id, score). The engine runs with its shipped
parameters; nothing is fitted to the qrels on its side.`,
		Example: `  techmarket eval match --corpus ../shared/data/kppatent-zh/corpus.jsonl \
    --queries ../shared/data/kppatent-zh/queries.jsonl --qrels ../shared/data/kppatent-zh/qrels/train.tsv --json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			docs, err := eval.ReadCorpus(corpus)
			if err != nil {
				return err
			}
			qs, err := eval.ReadQueries(queries)
			if err != nil {
				return err
			}
			rels, err := eval.ReadQrels(qrels)
			if err != nil {
				return err
			}
			progress := func(s string) { fmt.Fprintln(os.Stderr, "eval match:", s) }
			rep, err := eval.Compare(docs, qs, rels, progress)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return json.NewEncoder(out).Encode(map[string]eval.Metrics{"engine": rep.Engine, "baseline": rep.Baseline})
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "system\tnDCG@10\tMRR@10\tRecall@1\tRecall@10\tRecall@100\tqueries\t")
			for _, row := range []struct {
				name string
				m    eval.Metrics
			}{{"engine", rep.Engine}, {fmt.Sprintf("BM25 (k1=%.1f b=%.2f)", rep.BaselineK1, rep.BaselineB), rep.Baseline}} {
				fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%d\t\n", row.name, row.m.NDCG10, row.m.MRR10,
					row.m.Recall1, row.m.Recall10, row.m.Recall100, row.m.Queries)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&corpus, "corpus", "", "BEIR corpus.jsonl")
	cmd.Flags().StringVar(&queries, "queries", "", "BEIR queries.jsonl")
	cmd.Flags().StringVar(&qrels, "qrels", "", "BEIR qrels TSV")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print one JSON object {"engine": {...}, "baseline": {...}}`)
	for _, f := range []string{"corpus", "queries", "qrels"} {
		cmd.MarkFlagRequired(f)
	}
	return cmd
}
