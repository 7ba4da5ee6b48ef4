package cli

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

// `techmarket mandates`: brokers' mandates (技术经理人委托) through the REST API.

func newMandatesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "mandates", Short: "Brokers' mandates on a server: list, propose, accept, decline, revoke"}
	cmd.AddCommand(newMandatesListCmd(), newMandatesProposeCmd(),
		newMandateStepCmd("accept", "Accept a mandate (the named broker)"),
		newMandateStepCmd("decline", "Decline a mandate (the named broker)"),
		newMandateStepCmd("revoke", "Revoke a mandate (the party or the broker)"))
	return cmd
}

func printMandate(w io.Writer, m *client.Mandate) {
	fmt.Fprintf(w, "%s %s\n", m.ID, m.State)
}

func commissionText(c client.Commission) string {
	switch c.Kind {
	case "percent":
		return fmt.Sprintf("%d.%02d%%", c.BP/100, c.BP%100)
	case "fixed":
		return yuan(c.FixedFen) + " yuan"
	}
	return c.Kind
}

func newMandatesListCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the mandates you hold as a broker or your organisations gave",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			ms, err := c.Mandates(cmd.Context())
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), ms)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tSIDE\tBROKER\tCOMMISSION\tNEGOTIATES\tTERM")
			for _, m := range ms {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\t%s – %s\n", m.ID, m.State, m.Side, m.BrokerName, commissionText(m.Commission),
					m.CanNegotiate, m.StartsOn, m.EndsOn)
			}
			return tw.Flush()
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newMandatesProposeCmd() *cobra.Command {
	var opts clientOptions
	var in client.MandateInput
	var fixedYuan string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "propose --org ORG --broker USER --side buyer|seller --starts DATE --ends DATE",
		Short: "Mandate a technology manager for your side; takes effect when the broker accepts",
		Long: `The commission is a share of the price (--commission-bp), a fixed amount (--commission-yuan)
or, with neither, unagreed (set by the work done); it is due only if the deal concludes.`,
		Example: "  techmarket mandates propose --org ORG --broker USER --side buyer --commission-bp 200 --starts 2026-01-01 --ends 2026-12-31 --negotiate",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in.PartyOrgID == "" || in.BrokerUserID == "" || in.Side == "" {
				return errors.New("--org, --broker and --side are required")
			}
			switch {
			case fixedYuan != "" && in.Commission.BP > 0:
				return errors.New("give --commission-bp or --commission-yuan, not both")
			case fixedYuan != "":
				fen, err := yuanFlag("commission-yuan", fixedYuan)
				if err != nil {
					return err
				}
				in.Commission = client.Commission{Kind: "fixed", FixedFen: fen}
			case in.Commission.BP > 0:
				in.Commission.Kind = "percent"
			default:
				in.Commission.Kind = "unagreed"
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			m, err := c.ProposeMandate(cmd.Context(), in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), m)
			}
			printMandate(cmd.OutOrStdout(), m)
			return nil
		},
	}
	opts.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&in.PartyOrgID, "org", "", "your organisation (the mandating party)")
	f.StringVar(&in.BrokerUserID, "broker", "", "the broker's user id")
	f.StringVar(&in.Side, "side", "", "the side your organisation takes: buyer or seller")
	f.StringVar(&in.ListingID, "listing", "", "limit the mandate to one listing")
	f.BoolVar(&in.CanNegotiate, "negotiate", false, "the broker may message, make and answer offers and draft the contract")
	f.Int64Var(&in.Commission.BP, "commission-bp", 0, "commission in basis points of the price")
	f.StringVar(&fixedYuan, "commission-yuan", "", "fixed commission in yuan")
	f.StringVar(&in.ExpensesBorneBy, "expenses-borne-by", "", "broker (default) or client")
	f.StringVar(&in.StartsOn, "starts", "", "first day, YYYY-MM-DD (China date)")
	f.StringVar(&in.EndsOn, "ends", "", "last day, YYYY-MM-DD (China date)")
	f.BoolVar(&asJSON, "json", false, "print the mandate as JSON")
	return cmd
}

func newMandateStepCmd(step, short string) *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   step + " MANDATE_ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			var m *client.Mandate
			switch step {
			case "accept", "decline":
				m, err = c.RespondMandate(cmd.Context(), args[0], step == "accept")
			default:
				m, err = c.RevokeMandate(cmd.Context(), args[0])
			}
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), m)
			}
			printMandate(cmd.OutOrStdout(), m)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the mandate as JSON")
	return cmd
}
