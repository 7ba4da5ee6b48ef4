package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

// The client side of matching: a listing's matches with their explanation,
// and saved needs (which raise alerts), through the REST API.

func init() {
	addCommand(func(root *cobra.Command) {
		root.AddCommand(newMatchesCmd(), newSavedNeedsCmd())
	})
}

func newMatchesCmd() *cobra.Command {
	opts := &clientOptions{}
	var k int
	var asJSON, enterprises bool
	cmd := &cobra.Command{
		Use:   "matches LISTING_ID",
		Short: "Show the best counterparts of a listing and why they match",
		Long: `For a need, the best published technologies; for a technology, the best needs. Each
match shows its score, the words that matched (with their source: the text itself, a
translation, or your feedback) and the compatibility factors with the points they added.
With --enterprises, a technology's matches are enterprises instead: ranked by their
profile (business scope, fields, IPC) and their public needs, including enterprises
that never posted a need.`,
		Example: "  techmarket matches 0193… --k 5\n  techmarket matches 0193… --json\n  techmarket matches 0193… --enterprises",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			if enterprises {
				return runEnterpriseMatches(cmd, c, args[0], k, asJSON, opts.language())
			}
			m, err := c.ListingMatches(cmd.Context(), args[0], k)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), m)
			}
			printMatches(cmd.OutOrStdout(), m, opts.language())
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().IntVar(&k, "k", 10, "how many matches (1–50)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the matches as JSON")
	cmd.Flags().BoolVar(&enterprises, "enterprises", false, "for a technology: the enterprises that may want it (client_orgs.go)")
	return cmd
}

func printMatches(w io.Writer, m *client.Matches, lang string) {
	if len(m.Items) == 0 {
		fmt.Fprintln(w, "no matches")
		return
	}
	for i, it := range m.Items {
		fmt.Fprintf(w, "%2d. %s  (%s)  score %.2f\n", i+1, it.Listing.Title(lang), it.Listing.ID, it.Score)
		printWhy(w, it.Terms, it.Factors, lang)
		if j := it.Judgment; j != nil {
			verdict := "relevant"
			if !j.Relevant {
				verdict = "not relevant " + j.Reason
			}
			fmt.Fprintf(w, "    your verdict: %s\n", verdict)
		}
	}
}

func newSavedNeedsCmd() *cobra.Command {
	opts := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "saved-needs",
		Short: "List, create and delete your saved needs (alerts on new matching listings)",
	}
	opts.bind(cmd)
	cmd.AddCommand(newSavedNeedsListCmd(opts), newSavedNeedsCreateCmd(opts), newSavedNeedsDeleteCmd(opts))
	return cmd
}

func newSavedNeedsListCmd(opts *clientOptions) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your saved needs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			list, err := c.SavedNeeds(cmd.Context())
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), list)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tLOOKS FOR\tMIN SCORE\tSOURCE\tWEBHOOK")
			for _, n := range list {
				source := "text: " + n.Text
				if n.ListingID != "" {
					source = "listing " + n.ListingID
				}
				hook := "-"
				if n.WebhookURL != "" {
					hook = n.WebhookURL
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%s\n", n.ID, n.Name, n.Kind, n.MinScore, source, hook)
			}
			tw.Flush()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d saved needs\n", len(list))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newSavedNeedsCreateCmd(opts *clientOptions) *cobra.Command {
	var in client.SavedNeedInput
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create (--listing ID | --text TEXT) [flags]",
		Short: "Save a need: get a notification (and a webhook) when a new listing matches it",
		Long: `Saves one of your organisation's listings (--listing) or a text query with filters
(--text) as a need. When a newly published listing ranks for it with a score at or above
--min-score, you are notified once. With --webhook the server also POSTs the alert as JSON,
signed with HMAC-SHA256 under the secret printed here (header X-Techmarket-Signature).`,
		Example: "  techmarket saved-needs create --listing 0193… --min-score 8\n" +
			"  techmarket saved-needs create --text 固态电解质 --kind achievement --field NE --webhook https://example.cn/hook",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			n, err := c.CreateSavedNeed(cmd.Context(), in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), n)
			}
			fmt.Fprintln(cmd.OutOrStdout(), n.ID)
			if n.WebhookSecret != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "webhook secret (verify X-Techmarket-Signature with it): %s\n", n.WebhookSecret)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Name, "name", "", "a name for the saved need (default: the listing's title or the text)")
	f.StringVar(&in.ListingID, "listing", "", "one of your organisation's listings to use as the need")
	f.StringVar(&in.Text, "text", "", "what to look for, when not a listing")
	f.StringVar(&in.Kind, "kind", "", "what to look for with --text: achievement (default) or need")
	f.StringVar(&in.Field, "field", "", "only this technology field (code, see techmarket codes)")
	f.StringVar(&in.RegionPrefix, "region", "", "only this region: a GB/T 2260 prefix such as 32 or 3205")
	f.IntVar(&in.MinTRL, "min-trl", 0, "only technologies at this TRL or above")
	f.Float64Var(&in.MinScore, "min-score", 0, "alert threshold on the match score (default 5)")
	f.StringVar(&in.WebhookURL, "webhook", "", "also POST each alert to this http(s) URL")
	f.BoolVar(&asJSON, "json", false, "print the saved need as JSON")
	return cmd
}

func newSavedNeedsDeleteCmd(opts *clientOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete one of your saved needs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			if err := c.DeleteSavedNeed(cmd.Context(), args[0]); err != nil {
				return apiFailure(err, opts.language())
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "deleted", args[0])
			return nil
		},
	}
}

// printWhy prints a match's explanation: the matched words (with where a
// word came from when it is not the query itself) and every factor's points.
func printWhy(w io.Writer, matched []client.MatchTerm, factors []client.MatchFactor, lang string) {
	var terms []string
	for _, t := range matched {
		s := t.Term
		if t.Source != "query" {
			s += " [" + t.Source + "]"
		}
		terms = append(terms, s)
	}
	if len(terms) > 0 {
		fmt.Fprintf(w, "    matched: %s\n", strings.Join(terms, ", "))
	}
	for _, f := range factors {
		label, detail := f.Label.Zh, f.Detail.Zh
		if lang == "en" {
			label, detail = f.Label.En, f.Detail.En
		}
		fmt.Fprintf(w, "    %-10s %+6.2f  %s\n", label, f.Points, detail)
	}
}
