package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// ledgerClientCmds are the `ledger` subcommands a party scripts through the
// REST API with its own token (the other `ledger` subcommands are operator
// tools that open the database directly).
func ledgerClientCmds() []*cobra.Command {
	cmds := []*cobra.Command{newLedgerPendingCmd(), newLedgerAccountsCmd(), newLedgerAccountStatementCmd(),
		newLedgerContractCmd(), newLedgerAcceptCmd(), newLedgerReportRoyaltyCmd(), newLedgerDepositCmd(),
		newLedgerUploadStatementCmd()}
	// client_ledger_commands.go: hold, deliver, dispute, refund, pay-invoice, withdraw, release-deemed.
	return append(cmds, ledgerCommandCmds()...)
}

// fenText prints an amount of fen as yuan.
func fenText(v int64) string { return domain.Fen(v).Yuan() }

func newLedgerPendingCmd() *cobra.Command {
	var opts clientOptions
	var org string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pending",
		Short: "List what waits for your organisation: acceptances with their deemed-acceptance date, invoices, royalty reports (API)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			p, err := c.LedgerPending(cmd.Context(), org)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			out := cmd.OutOrStdout()
			if len(p.Actions) == 0 && len(p.UnmatchedBank) == 0 {
				fmt.Fprintln(out, "nothing pending")
				return nil
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			if len(p.Actions) > 0 {
				fmt.Fprintln(tw, "ACTION\tCONTRACT\tMILESTONE\tAMOUNT (YUAN)\tDUE\tNOTE")
			}
			for _, a := range p.Actions {
				seq, due := "", ""
				if a.MilestoneSeq > 0 {
					seq = strconv.FormatInt(a.MilestoneSeq, 10)
				}
				if a.Due != nil {
					due = a.Due.UTC().Format("2006-01-02")
				}
				note := a.Note
				if a.Period != "" {
					note = a.Period + " " + note
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Kind, a.ContractID, seq, fenText(a.AmountFen), due, note)
			}
			tw.Flush()
			if len(p.UnmatchedBank) > 0 {
				fmt.Fprintf(out, "\nUnmatched bank lines (%d):\n", len(p.UnmatchedBank))
				for _, l := range p.UnmatchedBank {
					fmt.Fprintf(out, "  %s line %d  %s  %-3s %16s  %s  %s\n", l.StatementName, l.LineNo, l.ValueDate, l.Direction,
						fenText(l.AmountFen), l.BankRef, l.Counterparty)
				}
			}
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&org, "org", "", "organisation id (default: your first organisation)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newLedgerAccountsCmd() *cobra.Command {
	var opts clientOptions
	var org string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "List your organisation's ledger accounts and balances (API)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			list, err := c.LedgerAccounts(cmd.Context(), org)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), list)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACCOUNT\tBALANCE (YUAN)")
			for _, a := range list.Items {
				fmt.Fprintf(tw, "%s\t%s\n", a.Account, fenText(a.BalanceFen))
			}
			return tw.Flush()
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&org, "org", "", "organisation id (default: your first organisation)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newLedgerAccountStatementCmd() *cobra.Command {
	var opts clientOptions
	var q client.LedgerStatementQuery
	var account string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "account-statement",
		Short:   "Print one of your accounts' statement with running balances (API)",
		Example: "  techmarket ledger account-statement --account party:ORG-ID:available --from 2026-01-01 --to 2026-01-31",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			st, err := c.LedgerStatement(cmd.Context(), account, q)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, st)
			}
			fmt.Fprintf(out, "Statement of %s\nOpening balance %s yuan\n\n", st.Account, fenText(st.OpeningFen))
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "TIME (UTC)\tKIND\tCOUNTERPARTY\tDEBIT\tCREDIT\tBALANCE\t")
			for _, l := range st.Lines {
				debit, credit := "", ""
				if l.DebitFen > 0 {
					debit = fenText(l.DebitFen)
				}
				if l.CreditFen > 0 {
					credit = fenText(l.CreditFen)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", l.At.UTC().Format("2006-01-02 15:04:05"), l.Kind, l.Counterparty,
					debit, credit, fenText(l.BalanceFen))
			}
			tw.Flush()
			fmt.Fprintf(out, "\nDebits %s, credits %s, closing balance %s yuan (page %d, %d lines in the period)\n",
				fenText(st.DebitsFen), fenText(st.CreditsFen), fenText(st.ClosingFen), st.Page, st.Total)
			return nil
		},
	}
	opts.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "account name, e.g. party:<org>:available (see `techmarket ledger accounts`)")
	f.StringVar(&q.From, "from", "", "first day, YYYY-MM-DD (inclusive)")
	f.StringVar(&q.To, "to", "", "last day, YYYY-MM-DD (inclusive)")
	f.IntVar(&q.Page, "page", 0, "page, from 1")
	f.IntVar(&q.PerPage, "per-page", 0, "lines per page (default 20)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.MarkFlagRequired("account")
	return cmd
}

func newLedgerContractCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "contract CONTRACT-ID",
		Short: "Print a contract's settlement timeline, milestones and invoices (API; parties only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			tl, err := c.LedgerTimeline(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, tl)
			}
			a := tl.Agreement
			fmt.Fprintf(out, "Contract %s: price %s, held %s, released %s, in escrow %s yuan\n\n", a.Terms.ContractID,
				fenText(a.PriceFen), fenText(a.HeldFen), fenText(a.ReleasedFen), fenText(a.EscrowFen))
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME (UTC)\tEVENT\tMILESTONE\tAMOUNT\tESCROW AFTER")
			for _, e := range tl.Events {
				ms := ""
				if e.MilestoneSeq > 0 {
					ms = strconv.FormatInt(e.MilestoneSeq, 10)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.UTC().Format("2006-01-02 15:04:05"), e.Kind, ms, fenText(e.AmountFen),
					fenText(e.EscrowAfterFen))
			}
			tw.Flush()
			fmt.Fprintln(out, "\nMilestones:")
			for _, m := range a.Milestones {
				deemed := ""
				if m.DeemedAt != nil && m.Status == "delivered" {
					deemed = " deemed accepted on " + m.DeemedAt.UTC().Format("2006-01-02")
				}
				fmt.Fprintf(out, "  %d. %-30s %16s  %-9s released %s%s\n", m.Seq, m.Title, fenText(m.AmountFen), m.Status,
					fenText(m.ReleasedFen), deemed)
			}
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// keyFlag binds the idempotency key every command needs: scripts pass one they
// keep, so a retry after a timeout returns the original result.
// --idempotency-key is the same flag under the name the newer ledger commands use.
func keyFlag(cmd *cobra.Command, key *string) {
	cmd.Flags().StringVar(key, "key", "", "idempotency key (required): retrying with the same key never applies the command twice")
	cmd.Flags().StringVar(key, "idempotency-key", "", "same as --key")
	cmd.MarkFlagsOneRequired("key", "idempotency-key")
}

func printTx(w io.Writer, t *client.LedgerTransaction) {
	note := ""
	if t.Replayed {
		note = " (replayed: the original result)"
	}
	fmt.Fprintf(w, "transaction %s  %s  %s yuan at %s%s\n", t.ID, t.Kind, fenText(t.AmountFen), t.RecordedAt.UTC().Format("2006-01-02 15:04:05"), note)
	for _, p := range t.Postings {
		fmt.Fprintf(w, "  %-45s → %-45s %16s\n", p.Source, p.Destination, fenText(p.AmountFen))
	}
}

func newLedgerAcceptCmd() *cobra.Command {
	var opts clientOptions
	var key, amount, memo string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "accept CONTRACT-ID SEQ",
		Short:   "Accept a delivered milestone and release it from escrow (API; the buyer)",
		Example: "  techmarket ledger accept TC-2026-0001 1 --key accept-TC-2026-0001-1",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := strconv.Atoi(args[1])
			if err != nil || seq < 1 {
				return errors.New("SEQ is the milestone number, from 1")
			}
			var in client.LedgerAcceptRequest
			if amount != "" {
				v, err := domain.ParseYuan(amount)
				if err != nil || v <= 0 {
					return errors.New("--amount: a positive amount in yuan, e.g. 1200.50")
				}
				in.AmountFen = int64(v)
			}
			in.Memo = memo
			c, err := opts.client()
			if err != nil {
				return err
			}
			t, err := c.AcceptMilestone(cmd.Context(), key, args[0], seq, in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), t)
			}
			printTx(cmd.OutOrStdout(), t)
			return nil
		},
	}
	opts.bind(cmd)
	keyFlag(cmd, &key)
	cmd.Flags().StringVar(&amount, "amount", "", "partial release in yuan (default: the whole milestone)")
	cmd.Flags().StringVar(&memo, "memo", "", "memo")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newLedgerReportRoyaltyCmd() *cobra.Command {
	var opts clientOptions
	var key, sales string
	var in client.LedgerRoyaltyReportRequest
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "report-royalty CONTRACT-ID",
		Short:   "Report licensed sales for a period and get the royalty invoices (API; the licensee)",
		Example: "  techmarket ledger report-royalty TC-2026-0001 --from 2026-01-01 --to 2026-03-31 --sales 1250000.00 --key roy-2026Q1",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := domain.ParseYuan(sales)
			if err != nil || v < 0 {
				return errors.New("--sales: net sales in yuan, e.g. 1250000.00")
			}
			in.SalesFen = int64(v)
			c, err := opts.client()
			if err != nil {
				return err
			}
			res, err := c.ReportRoyalty(cmd.Context(), key, args[0], in)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return printJSON(out, res)
			}
			printTx(out, &res.Transaction)
			for _, inv := range res.Invoices {
				fmt.Fprintf(out, "invoice %s  %-13s %16s yuan due %s\n", inv.ID, inv.Kind, fenText(inv.AmountFen), inv.DueDate)
			}
			return nil
		},
	}
	opts.bind(cmd)
	keyFlag(cmd, &key)
	cmd.Flags().StringVar(&in.PeriodStart, "from", "", "first day of the period, YYYY-MM-DD")
	cmd.Flags().StringVar(&in.PeriodEnd, "to", "", "last day of the period, YYYY-MM-DD (inclusive)")
	cmd.Flags().StringVar(&sales, "sales", "", "net sales of the period in yuan")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	for _, f := range []string{"from", "to", "sales"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func newLedgerDepositCmd() *cobra.Command {
	var opts clientOptions
	var key, amount string
	var n client.LedgerBankNotice
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "deposit",
		Short: "Record a deposit from a custody-bank notice (API; bank officers, operators)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := domain.ParseYuan(amount)
			if err != nil || v <= 0 {
				return errors.New("--amount: a positive amount in yuan, e.g. 500000.00")
			}
			n.AmountFen = int64(v)
			c, err := opts.client()
			if err != nil {
				return err
			}
			t, err := c.LedgerDeposit(cmd.Context(), key, n)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), t)
			}
			printTx(cmd.OutOrStdout(), t)
			return nil
		},
	}
	opts.bind(cmd)
	keyFlag(cmd, &key)
	f := cmd.Flags()
	f.StringVar(&n.BankRef, "bank-ref", "", "the bank's reference of the credit")
	f.StringVar(&n.OrgID, "org", "", "organisation credited")
	f.StringVar(&amount, "amount", "", "amount in yuan")
	f.StringVar(&n.Payer, "payer", "", "payer name")
	f.StringVar(&n.Memo, "memo", "", "memo")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	for _, name := range []string{"bank-ref", "org", "amount"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func newLedgerUploadStatementCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "upload-statement FILE.csv",
		Short: "Upload a bank statement CSV and print the reconciliation report (API; bank officers, operators)",
		Long: "Uploads the custody bank's statement to the server and prints what matched and what did not.\n" +
			"CSV columns (header row, any order): value_date,bank_ref,direction,amount[,counterparty,memo]; see docs/ledger.md.\n" +
			"Exits with status 2 when anything is unmatched.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			rep, err := c.Reconcile(cmd.Context(), filepath.Base(args[0]), data)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := printJSON(out, rep); err != nil {
					return err
				}
			} else {
				note := ""
				if rep.Replayed {
					note = " (already imported; original report)"
				}
				fmt.Fprintf(out, "Statement %s: %d lines through %s, %d matched%s\n", rep.Name, rep.Lines, rep.Through, len(rep.Matched), note)
				for _, m := range rep.Mismatches {
					fmt.Fprintf(out, "  mismatch line %d %s: %s\n", m.Line.LineNo, m.Line.BankRef, m.Problem)
				}
				fmt.Fprintf(out, "On the bank statement but not in the ledger (%d):\n", len(rep.UnmatchedBank))
				for _, l := range rep.UnmatchedBank {
					fmt.Fprintf(out, "  line %d  %s  %-3s %16s  %s  %s\n", l.LineNo, l.ValueDate, l.Direction, fenText(l.AmountFen), l.BankRef, l.Counterparty)
				}
				fmt.Fprintf(out, "In the ledger but not on any statement (%d):\n", len(rep.UnmatchedLedger))
				for _, m := range rep.UnmatchedLedger {
					fmt.Fprintf(out, "  %s  %-10s %-3s %16s  %s\n", m.RecordedAt.UTC().Format("2006-01-02"), m.Kind, m.Direction, fenText(m.AmountFen), m.BankRef)
				}
			}
			if len(rep.UnmatchedBank)+len(rep.UnmatchedLedger) > 0 {
				return &exitError{code: 2, err: fmt.Errorf("%d bank lines and %d ledger movements unmatched",
					len(rep.UnmatchedBank), len(rep.UnmatchedLedger))}
			}
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}
