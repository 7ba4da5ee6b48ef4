package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
)

// The admin commands work on the database directly (no server needed) and act
// as the system, so they can bootstrap an empty platform: the first
// organisation, the first administrator, tokens for scripts and CI.

func init() {
	addCommand(func(root *cobra.Command) {
		admin := &cobra.Command{
			Use:   "admin",
			Short: "Administer organisations, users and API tokens directly on the database",
		}
		org := &cobra.Command{Use: "org", Short: "Register and list organisations"}
		org.AddCommand(newAdminOrgCreateCmd(), newAdminOrgListCmd())
		user := &cobra.Command{Use: "user", Short: "Create and list user accounts"}
		user.AddCommand(newAdminUserCreateCmd(), newAdminUserListCmd())
		token := &cobra.Command{Use: "token", Short: "Issue API tokens for scripts and CI"}
		token.AddCommand(newAdminTokenCreateCmd())
		admin.AddCommand(org, user, token)
		root.AddCommand(admin)
	})
}

// adminActor is who the audit log records for admin commands.
var adminActor = domain.SystemActor("cli")

// withApp opens the database named by the server flags, runs fn and closes it.
func withApp(cmd *cobra.Command, cfg app.Config, fn func(a *app.App) error) error {
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(cmd.Context(), cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// adminFailure prints every field at fault on its own line.
func adminFailure(err error) error {
	fields := apperr.FieldsOf(err)
	if len(fields) == 0 {
		return &exitError{code: 1, err: errors.New(apperr.SafeMessage(err) + detailFor(err))}
	}
	var b strings.Builder
	b.WriteString(apperr.SafeMessage(err))
	for _, f := range fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
	}
	return &exitError{code: 1, err: errors.New(b.String())}
}

// detailFor adds the full cause for internal errors: the operator running an
// admin command is the one who has to fix the database or the configuration.
func detailFor(err error) string {
	if apperr.KindOf(err) == apperr.Internal {
		return ": " + err.Error()
	}
	return ""
}

func newAdminOrgCreateCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var in identity.OrgInput
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Register an organisation; prints its ID",
		Example: "  techmarket admin org create --name-zh 清华大学 --name-en \"Tsinghua University\" \\\n" +
			"      --type university --uscc 12100000400000624D --region 110108",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(a *app.App) error {
				o, err := a.Identity.CreateOrg(cmd.Context(), adminActor, in)
				if err != nil {
					return adminFailure(err)
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), o)
				}
				fmt.Fprintln(cmd.OutOrStdout(), o.ID)
				fmt.Fprintf(cmd.ErrOrStderr(), "registered %s (%s)\n", o.NameZh, o.Type)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.NameZh, "name-zh", "", "Chinese name (required)")
	f.StringVar(&in.NameEn, "name-en", "", "English name")
	f.StringVar(&in.Type, "type", "", "one of "+strings.Join(domain.OrgTypes.Codes(), ", "))
	f.StringVar(&in.USCC, "uscc", "", "unified social credit code (18 characters)")
	f.StringVar(&in.RegionCode, "region", "", "6-digit GB/T 2260 region code, e.g. 110108")
	f.StringVar(&in.Website, "website", "", "website URL")
	f.BoolVar(&asJSON, "json", false, "print the organisation as JSON")
	serverFlags(cmd, &cfg)
	return cmd
}

func newAdminOrgListCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var orgType string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List organisations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(a *app.App) error {
				orgs, err := a.Identity.ListOrgs(cmd.Context(), orgType)
				if err != nil {
					return adminFailure(err)
				}
				if asJSON {
					if orgs == nil {
						orgs = []identity.Org{}
					}
					return printJSON(cmd.OutOrStdout(), orgs)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tTYPE\tREGION\tUSCC\tNAME")
				for _, o := range orgs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.ID, o.Type, o.RegionCode, o.USCC, o.NameZh)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&orgType, "type", "", "only organisations of this type")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	serverFlags(cmd, &cfg)
	return cmd
}

func newAdminUserCreateCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var in identity.UserInput
	var orgID string
	var roles []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a user account with roles in an organisation; prints its ID",
		Long: "The password comes from --password, " + envPassword + " or a prompt (asked twice).\n" +
			"Roles: " + strings.Join(domain.Roles.Codes(), ", ") + ".",
		Example: "  techmarket admin user create --email tto@example.edu.cn --name 王老师 --org ORGID --role seller\n" +
			"  techmarket admin user create --email ops@exchange.cn --name 李四 --org ORGID --role operator --role admin",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(roles) > 0 && orgID == "" {
				return errors.New("--role needs --org: roles are held in an organisation")
			}
			pw, err := readPassword(cmd, in.Password, "Password for "+in.Email+": ", true)
			if err != nil {
				return err
			}
			in.Password = pw
			for _, r := range roles {
				in.Roles = append(in.Roles, domain.OrgRole{OrgID: orgID, Role: strings.TrimSpace(r)})
			}
			return withApp(cmd, cfg, func(a *app.App) error {
				u, err := a.Identity.CreateUser(cmd.Context(), adminActor, in)
				if err != nil {
					return adminFailure(err)
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), u)
				}
				fmt.Fprintln(cmd.OutOrStdout(), u.ID)
				fmt.Fprintf(cmd.ErrOrStderr(), "created %s <%s> with roles %s\n", u.Name, u.Email, rolesText(u.Roles))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Email, "email", "", "e-mail address, used to sign in (required)")
	f.StringVar(&in.Name, "name", "", "display name (required)")
	f.StringVar(&in.Password, "password", "", "initial password (visible to other local users; prefer "+envPassword+" or the prompt)")
	f.StringVar(&in.Locale, "locale", "zh", "zh or en")
	f.StringVar(&orgID, "org", "", "organisation ID the roles are held in")
	f.StringSliceVar(&roles, "role", nil, "role in --org; repeat or separate with commas")
	f.BoolVar(&asJSON, "json", false, "print the user as JSON")
	serverFlags(cmd, &cfg)
	return cmd
}

func rolesText(roles []domain.OrgRole) string {
	if len(roles) == 0 {
		return "(none)"
	}
	parts := make([]string, len(roles))
	for i, r := range roles {
		parts[i] = r.Role + "@" + r.OrgName
	}
	return strings.Join(parts, ", ")
}

func newAdminUserListCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List user accounts with their roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(a *app.App) error {
				users, err := a.Identity.ListUsers(cmd.Context(), domain.SystemActor("cli"))
				if err != nil {
					return adminFailure(err)
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), users)
				}
				return printUserTable(cmd.OutOrStdout(), users)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	serverFlags(cmd, &cfg)
	return cmd
}

func printUserTable(w io.Writer, users []identity.User) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tSTATE\tROLES\tNAME")
	for _, u := range users {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, state, rolesText(u.Roles), u.Name)
	}
	return tw.Flush()
}

func newAdminTokenCreateCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var email, name string
	var days int
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Issue an API token for a user and print it (shown once)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 0 {
				return errors.New("--expires-in-days must be 0 (never) or more")
			}
			return withApp(cmd, cfg, func(a *app.App) error {
				u, err := a.Identity.UserByEmail(cmd.Context(), email)
				if err != nil {
					return adminFailure(err)
				}
				if u.Disabled {
					return fmt.Errorf("%s is disabled", u.Email)
				}
				// The token acts as the user; the audit log records its creation under the user.
				owner := domain.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Roles: u.Roles}
				secret, tok, err := a.Identity.CreateAPIToken(cmd.Context(), owner, name, time.Duration(days)*24*time.Hour)
				if err != nil {
					return adminFailure(err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), secret)
				expires := "never expires"
				if tok.ExpiresAt != nil {
					expires = "expires " + tok.ExpiresAt.Format("2006-01-02")
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "token %q (%s) for %s; %s\n", tok.Name, tok.ID, u.Email, expires)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the user the token acts as (required)")
	cmd.Flags().StringVar(&name, "name", "", "what the token is for, e.g. ci (required)")
	cmd.Flags().IntVar(&days, "expires-in-days", 365, "lifetime in days; 0 never expires")
	serverFlags(cmd, &cfg)
	return cmd
}
