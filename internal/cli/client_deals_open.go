package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

// The organiser's side of the market through the REST API: opening a sale or
// a challenge, selecting a challenge's winners, and objecting to an agreed
// price under public notice (docs/deals.md).

var cliChinaTime = time.FixedZone("CST", 8*3600)

// timeFlag reads an instant: RFC 3339, or "YYYY-MM-DD HH:MM" in China time.
func timeFlag(name, value string) (*time.Time, error) {
	if value == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, value); err == nil {
		return &t, nil
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", value, cliChinaTime)
	if err != nil {
		return nil, fmt.Errorf("--%s: want RFC 3339 or \"YYYY-MM-DD HH:MM\" (China time), got %q", name, value)
	}
	return &t, nil
}

func newAuctionsOpenCmd() *cobra.Command {
	var opts clientOptions
	var in client.SaleInput
	var startYuan, reserveYuan, incrementYuan, starts, ends string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "open LISTING_ID",
		Short:   "Open a fixed-price listing sale or an English / sealed-bid auction of your listing",
		Example: "  techmarket auctions open 0193… --method auction_english --start-yuan 1000000 --ends '2026-12-20 15:00'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.ListingID = args[0]
			var err error
			if in.StartPriceFen, err = yuanFlag("start-yuan", startYuan); err != nil {
				return err
			}
			if reserveYuan != "" {
				r, err := yuanFlag("reserve-yuan", reserveYuan)
				if err != nil {
					return err
				}
				in.ReserveFen = &r
			}
			if incrementYuan != "" {
				if in.IncrementFen, err = yuanFlag("increment-yuan", incrementYuan); err != nil {
					return err
				}
			}
			if in.StartsAt, err = timeFlag("starts", starts); err != nil {
				return err
			}
			if in.EndsAt, err = timeFlag("ends", ends); err != nil {
				return err
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			s, err := c.OpenSale(cmd.Context(), in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), s)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s  venue %s v%d\nstarts    %s UTC\nends      %s UTC\nstart     %s yuan, increment %s yuan, deposit %s yuan\n",
				s.ID, s.Method, s.State, s.Venue, s.RuleVersion, s.StartsAt.UTC().Format("2006-01-02 15:04:05"),
				s.EndsAt.UTC().Format("2006-01-02 15:04:05"), yuan(s.StartPriceFen), yuan(s.IncrementFen), yuan(s.DepositFen))
			return nil
		},
	}
	opts.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&in.Method, "method", "auction_english", "listing (fixed price), auction_english or auction_sealed")
	f.StringVar(&in.Venue, "venue", "", "venue code (default: the platform's)")
	f.StringVar(&startYuan, "start-yuan", "", "listed price, opening bid or least sealed bid, in yuan (required)")
	f.StringVar(&reserveYuan, "reserve-yuan", "", "hidden reserve price in yuan (auctions)")
	f.StringVar(&incrementYuan, "increment-yuan", "", "bid increment in yuan (not below the venue's)")
	f.StringVar(&starts, "starts", "", "start: RFC 3339 or \"YYYY-MM-DD HH:MM\" China time (default: the venue's earliest)")
	f.StringVar(&ends, "ends", "", "end, as --starts (default: the venue's length)")
	f.BoolVar(&asJSON, "json", false, "print the sale as JSON")
	_ = cmd.MarkFlagRequired("start-yuan")
	return cmd
}

func newChallengesOpenCmd() *cobra.Command {
	var opts clientOptions
	var in client.ChallengeInput
	var rewardYuan string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "open LISTING_ID",
		Short:   "Publish a challenge (揭榜挂帅) on your need",
		Example: "  techmarket challenges open 0193… --title 低温电解液揭榜 --reward-yuan 50000 --deadline 2026-12-31 --criteria '-40℃容量保持率≥80%'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.ListingID = args[0]
			var err error
			if in.RewardFen, err = yuanFlag("reward-yuan", rewardYuan); err != nil {
				return err
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			ch, err := c.OpenChallenge(cmd.Context(), in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), ch)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  reward %s yuan, %d winner(s), proposals until %s UTC\n", ch.ID, ch.State, yuan(ch.RewardFen),
				ch.MaxWinners, ch.Deadline.UTC().Format("2006-01-02 15:04"))
			return nil
		},
	}
	opts.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&in.TitleZh, "title", "", "title in Chinese (default: the need's)")
	f.StringVar(&in.TitleEn, "title-en", "", "title in English")
	f.StringVar(&in.Criteria, "criteria", "", "what a proposal must achieve")
	f.StringVar(&rewardYuan, "reward-yuan", "", "reward in yuan (required)")
	f.IntVar(&in.MaxWinners, "winners", 0, "most winners (default 1)")
	f.StringVar(&in.Deadline, "deadline", "", "last day for proposals, YYYY-MM-DD China date (required)")
	f.StringVar(&in.Venue, "venue", "", "venue code (default: the platform's)")
	f.BoolVar(&asJSON, "json", false, "print the challenge as JSON")
	_ = cmd.MarkFlagRequired("reward-yuan")
	_ = cmd.MarkFlagRequired("deadline")
	return cmd
}

func newChallengesSelectCmd() *cobra.Command {
	var opts clientOptions
	var winners, feedback []string
	cmd := &cobra.Command{
		Use:   "select CHALLENGE_ID",
		Short: "After the deadline, select the winners and give every other solver feedback",
		Example: "  techmarket challenges select 0193… --winner PROPOSAL_A --feedback PROPOSAL_B=price:报价高于预算\n" +
			"  (feedback reasons: too_early, price, unclear_benefit, not_feasible, out_of_scope, capacity, other)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sel := client.Selection{Winners: winners, Feedback: map[string]client.Feedback{}}
			if sel.Winners == nil {
				sel.Winners = []string{}
			}
			for _, fb := range feedback {
				id, rest, ok := strings.Cut(fb, "=")
				if !ok || id == "" || rest == "" {
					return fmt.Errorf("--feedback: want PROPOSAL_ID=REASON[:TEXT], got %q", fb)
				}
				code, text, _ := strings.Cut(rest, ":")
				sel.Feedback[id] = client.Feedback{Code: code, Text: text}
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			ch, err := c.SelectWinners(cmd.Context(), args[0], sel)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %d winner(s)\n", ch.ID, ch.State, len(winners))
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringArrayVar(&winners, "winner", nil, "a winning proposal's id (repeat for several)")
	cmd.Flags().StringArrayVar(&feedback, "feedback", nil, "PROPOSAL_ID=REASON[:TEXT] for every other proposal (repeat)")
	return cmd
}

func newDealsObjectCmd() *cobra.Command {
	var opts clientOptions
	var reason string
	cmd := &cobra.Command{
		Use:   "object DEAL_ID",
		Short: "Object to an agreed price under public notice (协议定价公示); see `deals notices`",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			o, err := c.RaiseObjection(cmd.Context(), args[0], reason)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			fmt.Fprintf(cmd.OutOrStdout(), "objection %s  %s\n", o.ID, o.Status)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "the grounds of the objection (required)")
	return cmd
}

func newDealsNoticesCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "notices",
		Short: "List the agreed prices under public notice (anyone may object while a notice runs)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			ns, err := c.PublicNotices(cmd.Context())
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), ns)
			}
			for _, n := range ns {
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s yuan  until %s UTC  %s → %s  %s\n", n.DealID, yuan(n.PriceFen),
					n.EndsAt.UTC().Format("2006-01-02 15:04"), n.SellerName, n.BuyerName, n.ListingTitle.In(opts.language()))
			}
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
