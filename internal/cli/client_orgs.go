package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

// The client side of organisation profiles (business scope, fields, IPC) and
// of enterprise matches for a technology, through the REST API.

func init() {
	addCommand(func(root *cobra.Command) {
		root.AddCommand(newOrgsCmd())
	})
}

func newOrgsCmd() *cobra.Command {
	opts := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "orgs",
		Short: "Organisations through the API: their public profiles",
	}
	opts.bind(cmd)
	profile := &cobra.Command{
		Use:   "profile",
		Short: "Show or change an organisation's profile (business scope, technology fields, IPC codes)",
	}
	profile.AddCommand(newOrgProfileGetCmd(opts), newOrgProfileSetCmd(opts))
	cmd.AddCommand(profile)
	return cmd
}

func newOrgProfileGetCmd(opts *clientOptions) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "get ORG_ID",
		Short: "Show an organisation's public profile",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			p, err := c.OrgProfile(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			printProfile(cmd.OutOrStdout(), p)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the profile as JSON")
	return cmd
}

func newOrgProfileSetCmd(opts *clientOptions) *cobra.Command {
	var in client.OrgProfileInput
	var fields, ipc string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "set ORG_ID",
		Short: "Change an organisation's profile (its administrators and operators)",
		Long: `Changes the flags given and keeps the rest of the current profile. Fields are
technology field codes (EI, AS, AM, BIO, NM, NE, ENV, NUC, AGR, TRN, URB), IPC codes as
for listings (G06F or "H01M 10/052"); both comma-separated. An empty value clears it.`,
		Example: `  techmarket orgs profile set 0193… --scope-zh "锂电池材料研发与生产" --fields NE,NM --ipc H01M`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			cur, err := c.OrgProfile(cmd.Context(), args[0])
			if err != nil {
				return apiFailure(err, opts.language())
			}
			next := client.OrgProfileInput{ScopeZh: cur.ScopeZh, ScopeEn: cur.ScopeEn, Fields: cur.Fields, IPCCodes: cur.IPCCodes}
			f := cmd.Flags()
			if f.Changed("scope-zh") {
				next.ScopeZh = in.ScopeZh
			}
			if f.Changed("scope-en") {
				next.ScopeEn = in.ScopeEn
			}
			if f.Changed("fields") {
				next.Fields = splitList(fields)
			}
			if f.Changed("ipc") {
				next.IPCCodes = splitList(ipc)
			}
			p, err := c.SetOrgProfile(cmd.Context(), args[0], next)
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), p)
			}
			printProfile(cmd.OutOrStdout(), p)
			return nil
		},
	}
	cmd.Flags().StringVar(&in.ScopeZh, "scope-zh", "", "business scope / description in Chinese (经营范围/简介)")
	cmd.Flags().StringVar(&in.ScopeEn, "scope-en", "", "business scope / description in English")
	cmd.Flags().StringVar(&fields, "fields", "", "technology field codes, comma-separated (EI,NM)")
	cmd.Flags().StringVar(&ipc, "ipc", "", "IPC codes, comma-separated (H01M,G06F 16/35)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the saved profile as JSON")
	return cmd
}

// splitList reads a comma-separated list; IPC codes keep their inner space.
func splitList(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func printProfile(w io.Writer, p *client.OrgProfile) {
	fmt.Fprintf(w, "organisation: %s\n", p.OrgID)
	fmt.Fprintf(w, "scope (zh):   %s\n", p.ScopeZh)
	fmt.Fprintf(w, "scope (en):   %s\n", p.ScopeEn)
	fmt.Fprintf(w, "fields:       %s\n", strings.Join(p.Fields, ", "))
	fmt.Fprintf(w, "IPC:          %s\n", strings.Join(p.IPCCodes, ", "))
	if p.UpdatedAt != nil {
		fmt.Fprintf(w, "updated:      %s\n", p.UpdatedAt.Format("2006-01-02 15:04"))
	}
}

// runEnterpriseMatches is `matches LISTING_ID --enterprises`.
func runEnterpriseMatches(cmd *cobra.Command, c *client.Client, listingID string, k int, asJSON bool, lang string) error {
	m, err := c.ListingEnterpriseMatches(cmd.Context(), listingID, k)
	if err != nil {
		return apiFailure(err, lang)
	}
	if asJSON {
		return printJSON(cmd.OutOrStdout(), m)
	}
	w := cmd.OutOrStdout()
	if len(m.Items) == 0 {
		fmt.Fprintln(w, "no matching enterprises")
		return nil
	}
	for i, it := range m.Items {
		fmt.Fprintf(w, "%2d. %s  (%s)  score %.2f\n", i+1, it.Enterprise.Name(lang), it.Enterprise.ID, it.Score)
		printWhy(w, it.Terms, it.Factors, lang)
		for _, n := range it.Needs {
			fmt.Fprintf(w, "    need: %s  (%s)\n", n.Title(lang), n.ID)
		}
	}
	return nil
}
