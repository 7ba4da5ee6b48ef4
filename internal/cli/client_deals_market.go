package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

// `techmarket auctions` and `techmarket challenges`: sales and the challenge
// board through the REST API.

func newAuctionsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "auctions", Short: "Auctions and fixed-price listings on a server: open, show, register, bid, watch"}
	cmd.AddCommand(newAuctionsListCmd(), newAuctionsShowCmd(), newAuctionsRegisterCmd(), newAuctionsBidCmd(), newAuctionsWatchCmd(),
		newAuctionsOpenCmd())
	return cmd
}

func newAuctionsListCmd() *cobra.Command {
	var opts clientOptions
	var state string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List open sales (or --state closed|cancelled|all), soonest close first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			sales, err := c.Sales(cmd.Context(), state)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), sales)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tMETHOD\tSTATE\tPRICE (YUAN)\tNEXT (YUAN)\tBIDS\tENDS (UTC)")
			for _, s := range sales {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.ID, s.Method, s.State, priceOf(s), yuan(s.MinNextFen), s.BidCount,
					s.EndsAt.Format("2006-01-02 15:04:05"))
			}
			return tw.Flush()
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&state, "state", "", "open (default), closed, cancelled or all")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func priceOf(s client.SaleView) string {
	if s.CurrentPriceFen == nil {
		return "-"
	}
	return yuan(*s.CurrentPriceFen)
}

func printSale(w io.Writer, s *client.SaleView) {
	fmt.Fprintf(w, "sale      %s (%s, %s)\nlisting   %s\nvenue     %s v%d\n", s.ID, s.Method, s.State, s.ListingID, s.Venue, s.RuleVersion)
	fmt.Fprintf(w, "start     %s yuan, increment %s yuan, deposit %s yuan\n", yuan(s.StartPriceFen), yuan(s.IncrementFen), yuan(s.DepositFen))
	fmt.Fprintf(w, "price     %s yuan, next bid at least %s yuan, %d bid(s), %d bidder(s)\n", priceOf(*s), yuan(s.MinNextFen), s.BidCount, s.Bidders)
	fmt.Fprintf(w, "ends      %s UTC (%d extension(s))\n", s.EndsAt.Format("2006-01-02 15:04:05"), s.Extensions)
	if s.ReserveMet != nil {
		fmt.Fprintf(w, "reserve   met: %v\n", *s.ReserveMet)
	}
	if s.Registered {
		fmt.Fprintf(w, "you       registered, leading: %v\n", s.YouLead)
	}
	if s.Outcome != "" {
		fmt.Fprintf(w, "outcome   %s", s.Outcome)
		if s.WinningBidFen != nil {
			fmt.Fprintf(w, " at %s yuan", yuan(*s.WinningBidFen))
		}
		fmt.Fprintln(w)
	}
}

func newAuctionsShowCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show SALE_ID",
		Short: "Show a sale's live state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			s, err := c.GetSale(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			printSale(cmd.OutOrStdout(), s)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newAuctionsRegisterCmd() *cobra.Command {
	var opts clientOptions
	var org string
	cmd := &cobra.Command{
		Use:   "register SALE_ID",
		Short: "Register your organisation to bid (needs its deal room with the NDA accepted, and the deposit)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			b, err := c.RegisterBidder(cmd.Context(), args[0], org)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			fmt.Fprintf(cmd.OutOrStdout(), "registered %s in %s (deal %s)\n", b.OrgID, b.SaleID, b.DealID)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&org, "org", "", "bidding organisation (default: your first with the buyer role)")
	return cmd
}

func newAuctionsBidCmd() *cobra.Command {
	var opts clientOptions
	var amount, key string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "bid SALE_ID --yuan N",
		Short: "Place a bid; a refusal says why (below the increment, after the close, …) and the minimum",
		Long: `Places a bid of --yuan. --key is an idempotency key: repeating the command with the same key
after a network failure returns the stored bid instead of bidding twice (default: a new key
each time).`,
		Example: "  techmarket auctions bid 0193… --yuan 1001000 --key my-bid-7",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if amount == "" {
				return errors.New("--yuan is required")
			}
			fen, err := yuanFlag("yuan", amount)
			if err != nil {
				return err
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			if key == "" {
				key = fmt.Sprintf("cli-%d", time.Now().UnixNano())
			}
			b, err := c.PlaceBid(cmd.Context(), args[0], fen, key)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), b)
			}
			note := ""
			if b.Duplicate {
				note = " (already placed with this key)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "bid #%d %s yuan accepted%s; next at least %s yuan; ends %s UTC\n", b.Seq, yuan(b.AmountFen), note,
				yuan(b.MinNextFen), b.EndsAt.Format("2006-01-02 15:04:05"))
			if b.Extended {
				fmt.Fprintln(cmd.ErrOrStderr(), "the close moved (anti-sniping)")
			}
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&amount, "yuan", "", "the bid in yuan (required)")
	cmd.Flags().StringVar(&key, "key", "", "idempotency key for a safe retry")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the bid as JSON")
	return cmd
}

func newAuctionsWatchCmd() *cobra.Command {
	var opts clientOptions
	var interval, timeout time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "watch SALE_ID",
		Short: "Print each new bid as it comes, until the sale closes",
		Long: `Polls the sale and its bids with If-None-Match, so an unchanged auction costs one empty 304
per poll, prints every new bid once (as a JSON line with --json) and stops when the sale is
closed or cancelled, printing the outcome, or after --timeout.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			var deadline time.Time
			if timeout > 0 {
				deadline = time.Now().Add(timeout)
			}
			out := cmd.OutOrStdout()
			var lastSeq int64
			var saleTag, bidTag string
			var sale *client.SaleView
			for {
				bids, tag, err := c.PollBids(ctx, args[0], lastSeq, bidTag)
				if err != nil {
					return apiFailure(err, opts.language())
				}
				bidTag = tag
				for _, b := range bids {
					if asJSON {
						if err := printJSONLine(out, b); err != nil {
							return err
						}
					} else {
						mine := ""
						if b.Mine {
							mine = " (you)"
						}
						fmt.Fprintf(out, "#%d  %s  %s yuan  %s%s\n", b.Seq, b.PlacedAt.Format("15:04:05.000"), yuan(b.AmountFen), b.Bidder, mine)
					}
					lastSeq = b.Seq
					bidTag = "" // the next query asks after the new sequence number
				}
				s, tag, err := c.PollSale(ctx, args[0], saleTag)
				if err != nil {
					return apiFailure(err, opts.language())
				}
				if s != nil {
					sale, saleTag = s, tag
				}
				if sale != nil && sale.State != "open" {
					if !asJSON {
						printSale(cmd.ErrOrStderr(), sale)
					}
					return nil
				}
				if !deadline.IsZero() && time.Now().After(deadline) {
					return nil
				}
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(interval):
				}
			}
		},
	}
	opts.bind(cmd)
	cmd.Flags().DurationVar(&interval, "interval", 2*time.Second, "time between polls")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "stop after this long (0: when the sale ends)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print each bid as a JSON line")
	return cmd
}

// printJSONLine writes v as one compact JSON line, for streams.
func printJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newChallengesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "challenges", Short: "The challenge board (揭榜挂帅) on a server: list, show, open, propose, select"}
	cmd.AddCommand(newChallengesListCmd(), newChallengesShowCmd(), newChallengesProposeCmd(), newChallengesOpenCmd(), newChallengesSelectCmd())
	return cmd
}

func newChallengesListCmd() *cobra.Command {
	var opts clientOptions
	var state string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List open challenges (or --state awarded|cancelled|all), nearest deadline first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			items, err := c.Challenges(cmd.Context(), state)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), items)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tREWARD (YUAN)\tWINNERS\tDEADLINE (UTC)\tTITLE")
			for _, ch := range items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", ch.ID, ch.State, yuan(ch.RewardFen), ch.MaxWinners,
					ch.Deadline.Format("2006-01-02 15:04"), ch.Title.In(opts.language()))
			}
			tw.Flush()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d challenge(s)\n", len(items))
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&state, "state", "", "open (default), awarded, cancelled or all")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newChallengesShowCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show CHALLENGE_ID",
		Short: "Show a challenge with the proposals you may see (yours, with feedback once decided)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			v, err := c.GetChallenge(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), v)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "challenge %s (%s)\ntitle     %s\nreward    %s yuan, up to %d winner(s)\ndeadline  %s UTC\ncriteria  %s\n", v.ID, v.State,
				v.Title.In(opts.language()), yuan(v.RewardFen), v.MaxWinners, v.Deadline.Format("2006-01-02 15:04"), v.Criteria)
			for _, p := range v.Proposals {
				fmt.Fprintf(w, "proposal  %s  %s  %s yuan  %s", p.ID, p.State, yuan(p.PriceFen), p.Summary)
				if p.FeedbackCode != "" {
					fmt.Fprintf(w, "  feedback: %s %s", p.FeedbackCode, p.FeedbackText)
				}
				fmt.Fprintln(w)
			}
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newChallengesProposeCmd() *cobra.Command {
	var opts clientOptions
	var in client.ProposalInput
	var priceYuan string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "propose CHALLENGE_ID --summary TEXT",
		Short:   "Propose a solution (揭榜) for your organisation; prints the proposal and deal ids",
		Example: "  techmarket challenges propose 0193… --summary 离子液体添加剂 --months 12 --price-yuan 800000",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if priceYuan != "" {
				fen, err := yuanFlag("price-yuan", priceYuan)
				if err != nil {
					return err
				}
				in.PriceFen = fen
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			p, err := c.SubmitProposal(cmd.Context(), args[0], in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "proposal %s (deal %s)\n", p.ID, p.DealID)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&in.Summary, "summary", "", "summary of the proposal (required)")
	cmd.Flags().StringVar(&in.Plan, "plan", "", "the plan")
	cmd.Flags().StringVar(&priceYuan, "price-yuan", "", "your price in yuan (default: the reward)")
	cmd.Flags().IntVar(&in.DurationMonths, "months", 0, "duration in months")
	cmd.Flags().StringVar(&in.OrgID, "org", "", "your organisation (default: your first with the seller role)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the proposal as JSON")
	return cmd
}
