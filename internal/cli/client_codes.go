package cli

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

func init() {
	addCommand(func(root *cobra.Command) { root.AddCommand(newCodesCmd()) })
}

func newCodesCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "codes [LIST]",
		Short: "Show the platform's code lists (fields, transfer modes, price types, IP types, provinces, TRL…)",
		Example: "  techmarket codes\n" +
			"  techmarket codes fields\n" +
			"  techmarket codes --json",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			codes, err := c.Codes(cmd.Context())
			if err != nil {
				return apiFailure(err, opts.language())
			}
			lists := codeLists(codes)
			names := make([]string, 0, len(lists))
			for name := range lists {
				names = append(names, name)
			}
			sort.Strings(names)
			if len(args) == 1 {
				if _, ok := lists[args[0]]; !ok {
					return fmt.Errorf("no code list %q; the lists are: %s", args[0], strings.Join(names, ", "))
				}
				names = args
			}
			if asJSON {
				if len(args) == 1 {
					return printJSON(cmd.OutOrStdout(), lists[args[0]])
				}
				return printJSON(cmd.OutOrStdout(), codes)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			for i, name := range names {
				if i > 0 {
					fmt.Fprintln(tw)
				}
				fmt.Fprintf(tw, "%s:\n", name)
				for _, code := range lists[name] {
					fmt.Fprintf(tw, "  %s\t%s\t%s\n", code.Code, code.Label.Zh, code.Label.En)
				}
			}
			return tw.Flush()
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// codeLists names each list as in the JSON, with TRL levels as codes "1"–"9".
func codeLists(c *client.Codes) map[string][]client.Code {
	trl := make([]client.Code, len(c.TRL))
	for i, t := range c.TRL {
		trl[i] = client.Code{Code: fmt.Sprint(t.Level), Label: t.Label}
	}
	return map[string][]client.Code{
		"fields": c.Fields, "transfer_modes": c.TransferModes, "price_types": c.PriceTypes,
		"ip_types": c.IPTypes, "ip_statuses": c.IPStatuses, "org_types": c.OrgTypes, "roles": c.Roles,
		"listing_kinds": c.ListingKinds, "listing_statuses": c.ListingStatuses, "provinces": c.Provinces, "trl": trl,
	}
}
