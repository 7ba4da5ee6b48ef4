package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
)

func init() {
	addCommand(func(root *cobra.Command) {
		root.AddCommand(newListingsCmd(), newReviewQueueCmd())
	})
}

func newListingsCmd() *cobra.Command {
	opts := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "listings",
		Short: "Search, read, create and manage listings through the REST API",
	}
	opts.bind(cmd)
	cmd.AddCommand(newListingsSearchCmd(opts), newListingsGetCmd(opts), newListingsMineCmd(opts),
		newListingsCreateCmd(opts), newListingsReviewCmd(opts))
	cmd.AddCommand(
		newListingActionCmd(opts, "submit", "Send a draft or rejected listing to review", (*client.Client).SubmitListing),
		newListingActionCmd(opts, "withdraw", "Take a listing off the market for good", (*client.Client).WithdrawListing),
		newListingActionCmd(opts, "renew", "Extend a published or expired listing by its validity period", (*client.Client).RenewListing),
	)
	return cmd
}

func newListingsSearchCmd(opts *clientOptions) *cobra.Command {
	var q client.SearchQuery
	var stateOwned, priceMax string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "search",
		Short: "Search the published market",
		Example: "  techmarket listings search --q 锂电池 --field NE\n" +
			"  techmarket listings search --kind need --province 44 --json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch stateOwned {
			case "":
			case "true", "false":
				v := stateOwned == "true"
				q.StateOwned = &v
			default:
				return errors.New("--state-owned must be true or false")
			}
			if priceMax != "" {
				fen, err := parseWan(priceMax)
				if err != nil {
					return fmt.Errorf("--price-max: %w", err)
				}
				q.PriceMaxFen = int64(fen)
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			page, err := c.SearchListings(cmd.Context(), q)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), page)
			}
			printListingTable(cmd.OutOrStdout(), page.Items, opts.language())
			pages := (page.Total + page.PerPage - 1) / max(page.PerPage, 1)
			fmt.Fprintf(cmd.ErrOrStderr(), "%d result(s), page %d of %d\n", page.Total, page.Page, max(pages, 1))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Q, "q", "", "words to find in titles and summaries (Chinese or English)")
	f.StringVar(&q.Kind, "kind", "", "achievement or need")
	f.StringVar(&q.Field, "field", "", "technology field code (see techmarket codes fields)")
	f.StringVar(&q.Mode, "mode", "", "transfer mode code")
	f.StringVar(&q.Province, "province", "", "2-digit province code, e.g. 11 for Beijing")
	f.IntVar(&q.TRLMin, "trl-min", 0, "lowest technology readiness level, 1–9")
	f.IntVar(&q.TRLMax, "trl-max", 0, "highest technology readiness level, 1–9")
	f.StringVar(&priceMax, "price-max", "", "highest asking price in 万元, e.g. 150 or 12.5")
	f.StringVar(&stateOwned, "state-owned", "", "true or false: only (non-)state-owned achievements")
	f.IntVar(&q.Page, "page", 0, "page number, from 1")
	f.IntVar(&q.PerPage, "per-page", 0, "results per page, 1–100 (default 20)")
	f.BoolVar(&asJSON, "json", false, "print the JSON page ({items,total,page,per_page})")
	return cmd
}

// parseWan reads an amount in 万元 (10,000 yuan) exactly into fen.
func parseWan(s string) (domain.Fen, error) {
	yuan, err := domain.ParseYuan(s) // in fen per yuan; one 万元 is 10,000 of them
	if err != nil {
		return 0, err
	}
	const perWan = 10_000
	if yuan <= 0 || yuan > domain.Fen(math.MaxInt64/perWan) {
		return 0, fmt.Errorf("%s 万元 is out of range", s)
	}
	return yuan * perWan, nil
}

func newListingsMineCmd(opts *clientOptions) *cobra.Command {
	var q client.MyListingsQuery
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "mine",
		Short: "List your organisations' listings in every state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			page, err := c.MyListings(cmd.Context(), q)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), page)
			}
			lang := opts.language()
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tSTATUS\tEXPIRES\tTITLE")
			for _, l := range page.Items {
				expires := "-"
				if l.ExpiresAt != nil {
					expires = l.ExpiresAt.Format("2006-01-02")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.ID, l.Kind, l.Status, expires, l.Title(lang))
			}
			tw.Flush()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d listing(s)\n", page.Total)
			return nil
		},
	}
	cmd.Flags().StringVar(&q.Status, "status", "", "only this status: draft, submitted, published, rejected, expired, withdrawn")
	cmd.Flags().StringVar(&q.Kind, "kind", "", "achievement or need")
	cmd.Flags().IntVar(&q.Page, "page", 0, "page number, from 1")
	cmd.Flags().IntVar(&q.PerPage, "per-page", 0, "entries per page, 1–100 (default 20)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// printListingTable prints one line per listing; the title goes last because
// Chinese characters are two columns wide and would break the alignment.
func printListingTable(w io.Writer, items []client.Listing, lang string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tFIELD\tTRL\tPRICE(万元)\tTITLE")
	for _, l := range items {
		trl := "-"
		if l.TRL > 0 {
			trl = strconv.Itoa(l.TRL)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Kind, l.Field, trl, priceText(l, lang), l.Title(lang))
	}
	tw.Flush()
}

// priceText is the asking price of an achievement or the budget of a need, in 万元.
func priceText(l client.Listing, lang string) string {
	if l.Kind == "need" {
		lo, hi := "", ""
		if l.BudgetMinFen != nil {
			lo = domain.Fen(*l.BudgetMinFen).Wan()
		}
		if l.BudgetMaxFen != nil {
			hi = domain.Fen(*l.BudgetMaxFen).Wan()
		}
		if lo == "" && hi == "" {
			return "-"
		}
		return lo + "–" + hi
	}
	if l.PriceFen == nil || l.PriceType == "negotiable" {
		return domain.PriceTypes.Label("negotiable").In(lang)
	}
	return domain.Fen(*l.PriceFen).Wan()
}

func newListingsGetCmd(opts *clientOptions) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "Show one listing (the confidential detail only if you may see it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			l, err := c.Listing(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			printListing(cmd.OutOrStdout(), l, opts.language())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printListing(w io.Writer, l *client.Listing, lang string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("id", l.ID)
	row("status", l.Status+" "+domain.ListingStatuses.Label(l.Status).In(lang))
	row("kind", l.Kind+" "+domain.ListingKinds.Label(l.Kind).In(lang))
	row("title", l.Title(lang))
	row("owner", l.OwnerName+" ("+l.OwnerOrgID+")")
	row("field", l.Field+" "+domain.TechFields.Label(l.Field).In(lang))
	if l.TRL > 0 {
		row("trl", strconv.Itoa(l.TRL)+" "+domain.TRLLabel(l.TRL).In(lang))
	}
	row("price (万元)", priceText(*l, lang))
	row("transfer modes", strings.Join(l.TransferModes, ", "))
	row("ipc", strings.Join(l.IPCCodes, ", "))
	for i, it := range l.IPItems {
		row(fmt.Sprintf("ip item %d", i+1), strings.TrimSpace(it.Type+" "+it.Number+" "+it.Status+" "+it.Title))
	}
	row("region", l.RegionCode)
	if l.StateOwned {
		row("state-owned", "yes")
	}
	if l.ExpiresAt != nil {
		row("expires", l.ExpiresAt.Format("2006-01-02"))
	}
	row("reject reason", l.RejectReason)
	row("version", strconv.Itoa(l.Version))
	tw.Flush()
	summary := client.Label{Zh: l.SummaryZh, En: l.SummaryEn}.In(lang)
	fmt.Fprintf(w, "\nsummary:\n  %s\n", strings.ReplaceAll(summary, "\n", "\n  "))
	switch detail := (client.Label{Zh: l.DetailZh, En: l.DetailEn}).In(lang); {
	case l.DetailWithheld:
		fmt.Fprintln(w, "\ndetail: confidential; shown to organisations granted access after an NDA")
	case detail != "":
		fmt.Fprintf(w, "\ndetail:\n  %s\n", strings.ReplaceAll(detail, "\n", "\n  "))
	}
}

func newListingsCreateCmd(opts *clientOptions) *cobra.Command {
	var file, orgID string
	var submit, asJSON bool
	cmd := &cobra.Command{
		Use:   "create --file listing.json",
		Short: "Create a listing from a JSON file (the API's listing form), as a draft or submitted for review",
		Long: "The file holds the listing as the API takes it (see GET /api/v1/openapi.json, schema NewListing):\n" +
			"kind, title_zh, summary_zh, field, trl, transfer_modes, region_code, price_type, price_fen, ...\n" +
			"Unknown fields are refused. Prints the new listing's ID.",
		Example: "  techmarket listings create --file battery.json --submit\n" +
			"  ID=$(techmarket listings create --file need.json)",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return errors.New("--file is required (use - for standard input)")
			}
			in, err := readListingFile(cmd, file)
			if err != nil {
				return err
			}
			if orgID != "" {
				in.OrgID = orgID
			}
			in.Submit = in.Submit || submit
			c, err := opts.client()
			if err != nil {
				return err
			}
			l, err := c.CreateListing(cmd.Context(), in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), l)
			}
			fmt.Fprintln(cmd.OutOrStdout(), l.ID)
			fmt.Fprintf(cmd.ErrOrStderr(), "created %s %q (%s)\n", l.Kind, l.Title(opts.language()), l.Status)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "JSON file with the listing, or - for standard input")
	cmd.Flags().StringVar(&orgID, "org", "", "owning organisation ID (default: your first organisation with the needed role)")
	cmd.Flags().BoolVar(&submit, "submit", false, "submit for review at once instead of saving a draft")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the created listing as JSON")
	return cmd
}

// readListingFile decodes the listing strictly, so a misspelt field is reported
// here with its position instead of being silently dropped.
func readListingFile(cmd *cobra.Command, file string) (client.NewListing, error) {
	var in client.NewListing
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(cmd.InOrStdin())
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return in, fmt.Errorf("read listing: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, fmt.Errorf("%s: %w (near byte %d)", file, err, dec.InputOffset())
	}
	return in, nil
}

// listingAction is one of the client's lifecycle methods, e.g. (*client.Client).SubmitListing.
type listingAction func(c *client.Client, ctx context.Context, id string) (*client.Listing, error)

func newListingActionCmd(opts *clientOptions, action, short string, step listingAction) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   action + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			l, err := step(c, cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			return printOutcome(cmd, l, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the listing as JSON")
	return cmd
}

func newListingsReviewCmd(opts *clientOptions) *cobra.Command {
	var approve, reject, asJSON bool
	var reason string
	cmd := &cobra.Command{
		Use:   "review ID --approve | --reject --reason R",
		Short: "Publish or reject a submitted listing (exchange operators)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reject && strings.TrimSpace(reason) == "" {
				return errors.New("--reason is required with --reject: tell the owner what to fix")
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			l, err := c.ReviewListing(cmd.Context(), args[0], approve, reason)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			return printOutcome(cmd, l, asJSON)
		},
	}
	cmd.Flags().BoolVar(&approve, "approve", false, "publish the listing")
	cmd.Flags().BoolVar(&reject, "reject", false, "send the listing back to its owner")
	cmd.Flags().StringVar(&reason, "reason", "", "why (required with --reject)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the listing as JSON")
	cmd.MarkFlagsMutuallyExclusive("approve", "reject")
	cmd.MarkFlagsOneRequired("approve", "reject")
	return cmd
}

func printOutcome(cmd *cobra.Command, l *client.Listing, asJSON bool) error {
	if asJSON {
		return printJSON(cmd.OutOrStdout(), l)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", l.ID, l.Status)
	return nil
}

func newReviewQueueCmd() *cobra.Command {
	var opts clientOptions
	var p client.PageOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "review-queue",
		Short: "List listings waiting for review, oldest first (exchange operators)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			page, err := c.ReviewQueue(cmd.Context(), p)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), page)
			}
			lang := opts.language()
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tFIELD\tSUBMITTED\tOWNER\tTITLE")
			for _, l := range page.Items {
				submitted := ""
				if l.SubmittedAt != nil {
					submitted = l.SubmittedAt.Format("2006-01-02 15:04")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Kind, l.Field, submitted, l.OwnerName, l.Title(lang))
			}
			tw.Flush()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d waiting\n", page.Total)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().IntVar(&p.Page, "page", 0, "page number, from 1")
	cmd.Flags().IntVar(&p.PerPage, "per-page", 0, "entries per page, 1–100 (default 20)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
