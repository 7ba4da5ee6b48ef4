package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// The remaining ledger commands a party runs through the REST API: hold,
// deliver, dispute, refund, pay-invoice, withdraw and (operators)
// release-deemed. Unlike the older commands' required --key, the idempotency
// key is optional here: without one a key is generated and printed on stderr
// (stdout stays clean for --json), so a retry after a timeout can pass it back
// and never applies the command twice.

func ledgerCommandCmds() []*cobra.Command {
	return []*cobra.Command{newLedgerHoldCmd(), newLedgerDeliverCmd(), newLedgerDisputeCmd(), newLedgerRefundCmd(),
		newLedgerPayInvoiceCmd(), newLedgerWithdrawCmd(), newLedgerReleaseDeemedCmd()}
}

// ledgerCmdFlags are the flags every command here shares.
type ledgerCmdFlags struct {
	opts   clientOptions
	key    string
	asJSON bool
}

func (f *ledgerCmdFlags) bind(cmd *cobra.Command, withKey bool) {
	f.opts.bind(cmd)
	if withKey {
		cmd.Flags().StringVar(&f.key, "idempotency-key", "",
			"idempotency key; default: a new one, printed on stderr — pass it again to retry without applying the command twice")
		cmd.Flags().StringVar(&f.key, "key", "", "same as --idempotency-key (the name the older ledger and auction commands use)")
	}
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
}

// idempotencyKey returns the key given, or generates one and prints it.
func (f *ledgerCmdFlags) idempotencyKey(cmd *cobra.Command) (string, error) {
	if f.key != "" {
		return f.key, nil
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	f.key = "cli-" + hex.EncodeToString(b[:])
	fmt.Fprintf(cmd.ErrOrStderr(), "idempotency key: %s (to retry: --idempotency-key %s)\n", f.key, f.key)
	return f.key, nil
}

// run sends one command and prints its transaction.
func (f *ledgerCmdFlags) run(cmd *cobra.Command, send func(c *client.Client, key string) (*client.LedgerTransaction, error)) error {
	c, err := f.opts.client()
	if err != nil {
		return err
	}
	key, err := f.idempotencyKey(cmd)
	if err != nil {
		return err
	}
	t, err := send(c, key)
	if err != nil {
		return apiFailure(err, f.opts.language())
	}
	if f.asJSON {
		return printJSON(cmd.OutOrStdout(), t)
	}
	printTx(cmd.OutOrStdout(), t)
	if t.BankRef != "" {
		fmt.Fprintf(cmd.OutOrStdout(), "bank reference %s\n", t.BankRef)
	}
	return nil
}

// positiveYuan converts a required positive amount in yuan to fen.
func positiveYuan(name, v string) (int64, error) {
	fen, err := domain.ParseYuan(v)
	if err != nil || fen <= 0 {
		return 0, fmt.Errorf("--%s: a positive amount in yuan with at most two decimals, e.g. 1200.50", name)
	}
	return int64(fen), nil
}

func seqArg(s string) (int, error) {
	seq, err := strconv.Atoi(s)
	if err != nil || seq < 1 {
		return 0, errors.New("SEQ is the milestone number, from 1")
	}
	return seq, nil
}

func newLedgerHoldCmd() *cobra.Command {
	var f ledgerCmdFlags
	var amount string
	cmd := &cobra.Command{
		Use:     "hold CONTRACT-ID",
		Short:   "Fund a contract's escrow from your available balance (API; the buyer)",
		Example: "  techmarket ledger hold TC-2026-0001 --amount 400000.00",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fen, err := positiveYuan("amount", amount)
			if err != nil {
				return err
			}
			return f.run(cmd, func(c *client.Client, key string) (*client.LedgerTransaction, error) {
				return c.HoldEscrow(cmd.Context(), key, args[0], client.LedgerHoldRequest{AmountFen: fen})
			})
		},
	}
	f.bind(cmd, true)
	cmd.Flags().StringVar(&amount, "amount", "", "amount in yuan")
	_ = cmd.MarkFlagRequired("amount")
	return cmd
}

func newLedgerDeliverCmd() *cobra.Command {
	var f ledgerCmdFlags
	cmd := &cobra.Command{
		Use:     "deliver CONTRACT-ID SEQ",
		Short:   "Declare a milestone delivered, starting the deemed-acceptance clock (API; the seller)",
		Example: "  techmarket ledger deliver TC-2026-0001 1",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := seqArg(args[1])
			if err != nil {
				return err
			}
			return f.run(cmd, func(c *client.Client, key string) (*client.LedgerTransaction, error) {
				return c.DeliverMilestone(cmd.Context(), key, args[0], seq)
			})
		},
	}
	f.bind(cmd, true)
	return cmd
}

func newLedgerDisputeCmd() *cobra.Command {
	var f ledgerCmdFlags
	var reason string
	cmd := &cobra.Command{
		Use:     "dispute CONTRACT-ID SEQ",
		Short:   "Dispute a delivered milestone before it is deemed accepted (API; the buyer)",
		Example: "  techmarket ledger dispute TC-2026-0001 1 --reason \"drawings incomplete\"",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := seqArg(args[1])
			if err != nil {
				return err
			}
			return f.run(cmd, func(c *client.Client, key string) (*client.LedgerTransaction, error) {
				return c.DisputeMilestone(cmd.Context(), key, args[0], seq, client.LedgerDisputeRequest{Reason: reason})
			})
		},
	}
	f.bind(cmd, true)
	cmd.Flags().StringVar(&reason, "reason", "", "why the delivery is disputed")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}

func newLedgerRefundCmd() *cobra.Command {
	var f ledgerCmdFlags
	var amount, reason string
	var seq int
	cmd := &cobra.Command{
		Use:   "refund CONTRACT-ID",
		Short: "Refund money to the buyer: from escrow, or money released for a milestone (API; the seller or an operator)",
		Example: "  techmarket ledger refund TC-2026-0001 --amount 100000.00 --reason \"milestone 2 cancelled\"\n" +
			"  techmarket ledger refund TC-2026-0001 --seq 1 --amount 5000.00 --reason \"quality discount\"",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fen, err := positiveYuan("amount", amount)
			if err != nil {
				return err
			}
			if seq < 0 {
				return errors.New("--seq: 0 for escrow, or the milestone number")
			}
			return f.run(cmd, func(c *client.Client, key string) (*client.LedgerTransaction, error) {
				return c.Refund(cmd.Context(), key, args[0], client.LedgerRefundRequest{Seq: seq, AmountFen: fen, Reason: reason})
			})
		},
	}
	f.bind(cmd, true)
	cmd.Flags().StringVar(&amount, "amount", "", "amount in yuan")
	cmd.Flags().StringVar(&reason, "reason", "", "why the money is refunded")
	cmd.Flags().IntVar(&seq, "seq", 0, "0: refund unreleased escrow; n: refund money released for milestone n (clawed back pro rata)")
	for _, name := range []string{"amount", "reason"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func newLedgerPayInvoiceCmd() *cobra.Command {
	var f ledgerCmdFlags
	cmd := &cobra.Command{
		Use:     "pay-invoice INVOICE-ID",
		Short:   "Pay a royalty invoice from your available balance (API; the licensee)",
		Example: "  techmarket ledger pay-invoice 0198c2d4-…   (invoice ids: techmarket ledger contract CONTRACT-ID --json)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(c *client.Client, key string) (*client.LedgerTransaction, error) {
				return c.PayRoyaltyInvoice(cmd.Context(), key, args[0])
			})
		},
	}
	f.bind(cmd, true)
	return cmd
}

func newLedgerWithdrawCmd() *cobra.Command {
	var f ledgerCmdFlags
	var amount string
	var in client.LedgerWithdrawalRequest
	cmd := &cobra.Command{
		Use:     "withdraw",
		Short:   "Pay money out of one of your accounts to your bank (API; the account's organisation)",
		Example: "  techmarket ledger withdraw --account party:ORG-ID:available --amount 10000.00",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fen, err := positiveYuan("amount", amount)
			if err != nil {
				return err
			}
			in.AmountFen = fen
			return f.run(cmd, func(c *client.Client, key string) (*client.LedgerTransaction, error) {
				return c.Withdraw(cmd.Context(), key, in)
			})
		},
	}
	f.bind(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&in.Account, "account", "", "party:<org>:available, party:<org>:inventor_rewards or broker:<org>:commission")
	fl.StringVar(&amount, "amount", "", "amount in yuan")
	fl.StringVar(&in.BankRef, "bank-ref", "", "payout reference the bank will show (default: generated, TM…)")
	fl.StringVar(&in.Memo, "memo", "", "memo")
	for _, name := range []string{"account", "amount"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func newLedgerReleaseDeemedCmd() *cobra.Command {
	var f ledgerCmdFlags
	cmd := &cobra.Command{
		Use:   "release-deemed",
		Short: "Release every delivered milestone whose acceptance period is over, now (API; operators)",
		Long: "Runs the deemed-acceptance job at once. It takes no idempotency key: each release is keyed by its\n" +
			"milestone on the server, so running it twice releases nothing twice.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.opts.client()
			if err != nil {
				return err
			}
			res, err := c.ReleaseDeemed(cmd.Context())
			if err != nil {
				return apiFailure(err, f.opts.language())
			}
			out := cmd.OutOrStdout()
			if f.asJSON {
				return printJSON(out, res)
			}
			fmt.Fprintf(out, "%d milestones released\n", res.Count)
			for i := range res.Released {
				printTx(out, &res.Released[i])
			}
			return nil
		},
	}
	f.bind(cmd, false)
	return cmd
}
