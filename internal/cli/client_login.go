package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

func init() {
	addCommand(func(root *cobra.Command) {
		root.AddCommand(newLoginCmd(), newLogoutCmd(), newWhoamiCmd())
	})
}

func newLoginCmd() *cobra.Command {
	var opts clientOptions
	var email, password, name string
	var days int
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to a techmarket server and save an API token for the other client commands",
		Long: "Sign in with e-mail and password; the server issues an API token, which is saved with the server\n" +
			"address in ~/.config/techmarket/client.json (readable by you only). The password comes from\n" +
			"--password, " + envPassword + " or a prompt.",
		Example: "  techmarket login --server http://127.0.0.1:8080 --email seller@example.cn\n" +
			"  TECHMARKET_PASSWORD=... techmarket login --server https://market.example.cn --email ci@example.cn --name ci",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			if email == "" {
				return errors.New("--email is required")
			}
			pw, err := readPassword(cmd, password, "Password for "+email+": ", false)
			if err != nil {
				return err
			}
			if name == "" {
				host, _ := os.Hostname()
				name = "cli@" + firstNonEmpty(host, "unknown")
			}
			tok, err := c.WithToken("").CreateToken(cmd.Context(), client.TokenRequest{Email: email, Password: pw, Name: name, ExpiresInDays: days})
			if err != nil {
				return apiFailure(err, opts.language())
			}
			path, err := saveClientConfig(clientConfig{Server: c.BaseURL(), Token: tok.Token, TokenID: tok.ID, Email: tok.User.Email})
			if err != nil {
				return err
			}
			expires := "never"
			if tok.ExpiresAt != nil {
				expires = tok.ExpiresAt.Format("2006-01-02")
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Signed in to %s as %s <%s>; token %q expires %s, saved in %s\n",
				c.BaseURL(), tok.User.Name, tok.User.Email, tok.Name, expires, path)
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().StringVar(&email, "email", "", "your e-mail address (required)")
	cmd.Flags().StringVar(&password, "password", "", "password (visible to other local users; prefer "+envPassword+" or the prompt)")
	cmd.Flags().StringVar(&name, "name", "", "token name shown in your account (default cli@HOSTNAME)")
	cmd.Flags().IntVar(&days, "expires-in-days", 0, "token lifetime in days, 1–365 (default: the server's, 90)")
	return cmd
}

func newLogoutCmd() *cobra.Command {
	var opts clientOptions
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the saved API token and forget it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			saved, err := loadClientConfig()
			if err != nil {
				return err
			}
			if saved.Token == "" {
				fmt.Fprintln(cmd.OutOrStdout(), "Not signed in.")
				return nil
			}
			c, err := opts.client()
			if err != nil {
				return err
			}
			// A token already revoked or expired is as good as revoked.
			if err := c.WithToken(saved.Token).RevokeToken(cmd.Context(), saved.TokenID); err != nil &&
				client.StatusCode(err) != 401 && client.StatusCode(err) != 404 {
				return apiFailure(err, opts.language())
			}
			saved.Token, saved.TokenID = "", ""
			if _, err := saveClientConfig(saved); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Signed out of %s.\n", saved.Server)
			return nil
		},
	}
	opts.bind(cmd)
	return cmd
}

func newWhoamiCmd() *cobra.Command {
	var opts clientOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the signed-in user and their roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.client()
			if err != nil {
				return err
			}
			u, err := c.Me(cmd.Context())
			if err != nil {
				return apiFailure(err, opts.language())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), u)
			}
			var roles []string
			for _, r := range u.Roles {
				roles = append(roles, r.Role+"@"+r.OrgName)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s <%s> on %s\nroles: %s\n", u.Name, u.Email, c.BaseURL(), strings.Join(roles, ", "))
			return nil
		},
	}
	opts.bind(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
