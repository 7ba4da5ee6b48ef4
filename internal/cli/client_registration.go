package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// registrationClientCmds are the `registration` subcommands that work through
// the REST API: filing a contract, the registrar's queue and registering.
func registrationClientCmds() []*cobra.Command {
	return []*cobra.Command{newRegistrationFileCmd(), newRegistrationQueueCmd(), newRegistrationRegisterCmd()}
}

func newRegistrationFileCmd() *cobra.Command {
	var opts clientOptions
	var registry, filerOrg string
	var submit, asJSON bool
	cmd := &cobra.Command{
		Use:   "file FILE.json",
		Short: "Create a registration filing from a contract JSON file (and submit it with --submit)",
		Long: `Creates a draft filing with the registry; the server checks it at once and the
findings are printed. With --submit the draft is submitted too, which the server
refuses while the check has blockers (each one is named). FILE may be - for stdin.`,
		Example: "  techmarket registration file contract.json --registry ORG_ID --submit",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if registry == "" {
				return errors.New("--registry is required (the registry organisation's id)")
			}
			body, err := readContractFile(cmd, args[0])
			if err != nil {
				return err
			}
			if !json.Valid(body) {
				return fmt.Errorf("%s is not valid JSON", args[0])
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			f, err := c.CreateFiling(cmd.Context(), client.FilingDraft{RegistryOrgID: registry, FilerOrgID: filerOrg, Contract: body})
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if submit {
				if f, err = c.SubmitFiling(cmd.Context(), f.ID); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "filing %s saved as draft; submission refused:\n", f.ID)
					return apiFailure(err, opts.language())
				}
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), f)
			}
			return printFiling(cmd.OutOrStdout(), f, opts.language())
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&registry, "registry", "", "registry organisation id (required)")
	cmd.Flags().StringVar(&filerOrg, "org", "", "filing organisation id (default: your first organisation)")
	cmd.Flags().BoolVar(&submit, "submit", false, "submit the filing after saving it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the filing as JSON")
	return cmd
}

func readContractFile(cmd *cobra.Command, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(cmd.InOrStdin())
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

// printFiling writes a filing's status, amounts and findings.
func printFiling(w io.Writer, f *client.Filing, lang string) error {
	fmt.Fprintf(w, "filing   %s\nstatus   %s\n", f.ID, f.Status)
	if f.DeadlineDue != "" {
		fmt.Fprintf(w, "due      %s\n", f.DeadlineDue)
	}
	if f.RegistrationNumber != "" {
		fmt.Fprintf(w, "number   %s\n", f.RegistrationNumber)
	}
	fmt.Fprintf(w, "amount   %s yuan, technology amount %s yuan\n", domain.Fen(f.AmountFen).Yuan(), domain.Fen(f.TechnologyAmountFen).Yuan())
	var res struct {
		Outcome  string `json:"outcome"`
		Findings []struct {
			Code, Severity, Message, Field string
			MessageZh                      string `json:"message_zh"`
		} `json:"findings"`
	}
	if len(f.Result) == 0 || json.Unmarshal(f.Result, &res) != nil {
		return nil
	}
	fmt.Fprintf(w, "outcome  %s\n", res.Outcome)
	for _, fd := range res.Findings {
		msg := fd.MessageZh
		if lang == "en" || msg == "" {
			msg = fd.Message
		}
		field := ""
		if fd.Field != "" {
			field = " [" + fd.Field + "]"
		}
		fmt.Fprintf(w, "  %-8s %s%s: %s\n", fd.Severity, fd.Code, field, msg)
	}
	return nil
}

func newRegistrationQueueCmd() *cobra.Command {
	var opts clientOptions
	var registry string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "queue",
		Short: "List the filings waiting for your registry, soonest deadline first (registrars)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			list, err := c.RegistrarQueue(cmd.Context(), registry)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), list)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tDUE\tCLAIMED\tAMOUNT (YUAN)\tCONTRACT")
			for _, f := range list.Items {
				var c struct {
					Name string `json:"name"`
				}
				_ = json.Unmarshal(f.Contract, &c)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, f.Status, f.DeadlineDue, strings.TrimSpace(f.ClaimedBy),
					domain.Fen(f.AmountFen).Yuan(), c.Name)
			}
			tw.Flush()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d waiting\n", len(list.Items))
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&registry, "registry", "", "registry organisation id (default: your first registry)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newRegistrationRegisterCmd() *cobra.Command {
	var opts clientOptions
	var overrideYuan, reason string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "register ID",
		Short:   "Register a submitted filing and print its registration number (registrars)",
		Example: "  techmarket registration register 0193… --override-yuan 2000000 --reason 样品试制费属非技术性费用",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ov *client.FilingOverride
			if overrideYuan != "" {
				fen, err := domain.ParseYuan(overrideYuan)
				if err != nil {
					return fmt.Errorf("--override-yuan: %w", err)
				}
				ov = &client.FilingOverride{AmountFen: int64(fen), Reason: reason}
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			f, err := c.RegisterFiling(cmd.Context(), args[0], ov)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), f)
			}
			return printFiling(cmd.OutOrStdout(), f, opts.language())
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&overrideYuan, "override-yuan", "", "certify this technology amount instead of the computed one (yuan)")
	cmd.Flags().StringVar(&reason, "reason", "", "reason for the override")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the filing as JSON")
	return cmd
}
