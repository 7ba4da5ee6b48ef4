package cli

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
)

// generatedRegistry is what `registration generate` prints: enough to point a
// load generator at the statistics API and page.
type generatedRegistry struct {
	RegistryOrgID   string `json:"registry_org_id"`
	Year            int    `json:"year"`
	Contracts       int    `json:"contracts"`
	RegistrarEmail  string `json:"registrar_email"`
	RegistrarPass   string `json:"registrar_password"`
	APIToken        string `json:"api_token"`
	SessionCookie   string `json:"session_cookie"`
	ElapsedSeconds  int    `json:"elapsed_seconds"`
	ContractsPerSec int    `json:"contracts_per_second"`
}

func newRegistrationGenerateCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var contracts, year, batch, sellers int
	var seed uint64
	var registryID, region string
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write synthetic registered contracts for load tests of the statistics",
		Long: `Creates a contract registry (unless --registry names one), --sellers seller organisations and a
registrar with an API token and a web session, then writes --contracts registered contracts of
--year in batches, each batch in one transaction with its registration numbers and statistics
groups. Distributions follow the national statistics roughly: services and development lead,
electronics and IT is the largest field, about 40% of buyers are in the seller's province and
2% abroad, December is the busiest month. Progress goes to stderr; a JSON summary with the
registry id, the registrar's credentials, token and session cookie goes to stdout.`,
		Example: "  techmarket registration generate --contracts 1000000 --database-url postgres://postgres@127.0.0.1/techmarket_regbench\n" +
			"  techmarket registration generate --contracts 1000000 --data-dir /tmp/regbench",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(a *app.App) error {
				ctx := cmd.Context()
				sys := domain.SystemActor("registration-generate")
				run := rand.IntN(10000)
				org := func(name, typ, region string, i int) (identity.Org, error) {
					return a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, RegionCode: region,
						USCC: domain.MakeUSCC('9', '1', region, fmt.Sprintf("%04d%05d", run, i))})
				}
				if registryID == "" {
					reg, err := org(fmt.Sprintf("技术合同登记站（压测 %04d）", run), filing.RegistryOrgType, region, 99999)
					if err != nil {
						return adminFailure(err)
					}
					registryID = reg.ID
				}
				reg, err := a.Filings.Registry(ctx, registryID)
				if err != nil {
					return adminFailure(err)
				}
				kinds := []struct{ typ, entity, suffix string }{{"enterprise", "150", "科技有限公司"}, {"enterprise", "170", "技术开发有限公司"},
					{"enterprise", "110", "集团有限公司"}, {"university", "022", "大学"}, {"research_institute", "021", "研究院"}}
				var gen []filing.GenSeller
				for i := 0; i < sellers; i++ {
					k := kinds[min(i%10, len(kinds)-1)] // enterprises 70%, universities 10%, institutes 20%
					name := fmt.Sprintf("压测%04d第%d号%s", run, i, k.suffix)
					o, err := org(name, k.typ, reg.RegionCode, i)
					if err != nil {
						return adminFailure(err)
					}
					gen = append(gen, filing.GenSeller{OrgID: o.ID, Party: registration.Party{Role: registration.RoleSeller, Name: name,
						USCC: o.USCC, EntityType: k.entity, RegionCode: o.RegionCode}})
				}
				out := generatedRegistry{RegistryOrgID: registryID, Year: year, Contracts: contracts,
					RegistrarEmail: fmt.Sprintf("registrar%04d@regbench.test", run), RegistrarPass: "regbench-password"}
				if _, err := a.Identity.CreateUser(ctx, sys, identity.UserInput{Email: out.RegistrarEmail, Name: "压测登记员",
					Password: out.RegistrarPass, Roles: []domain.OrgRole{{OrgID: registryID, Role: domain.RoleRegistrar}}}); err != nil {
					return adminFailure(err)
				}
				registrar, err := a.Identity.Login(ctx, out.RegistrarEmail, out.RegistrarPass, "127.0.0.1")
				if err != nil {
					return adminFailure(err)
				}
				if out.APIToken, _, err = a.Identity.CreateAPIToken(ctx, registrar, "regbench", 7*24*time.Hour); err != nil {
					return adminFailure(err)
				}
				sess, err := a.Identity.CreateSession(ctx, registrar)
				if err != nil {
					return adminFailure(err)
				}
				out.SessionCookie = sess.Token
				start := time.Now()
				err = a.Filings.Generate(ctx, filing.GenerateOptions{RegistryOrgID: registryID, Sellers: gen, Contracts: contracts,
					Year: year, BatchSize: batch, Seed: seed, Progress: func(done int) {
						el := time.Since(start).Seconds()
						fmt.Fprintf(cmd.ErrOrStderr(), "\rgenerated %d/%d contracts (%.0f s, %.0f/s)", done, contracts, el, float64(done)/el)
					}})
				fmt.Fprintln(cmd.ErrOrStderr())
				if err != nil {
					return adminFailure(err)
				}
				el := time.Since(start)
				out.ElapsedSeconds, out.ContractsPerSec = int(el.Seconds()), int(float64(contracts)/el.Seconds())
				return printJSON(cmd.OutOrStdout(), out)
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&contracts, "contracts", 100000, "number of registered contracts to write")
	f.IntVar(&year, "year", time.Now().Year()-1, "registration year")
	f.IntVar(&batch, "batch", 5000, "contracts per transaction")
	f.IntVar(&sellers, "sellers", 200, "seller organisations to create")
	f.Uint64Var(&seed, "seed", 1, "random seed of the contracts")
	f.StringVar(&registryID, "registry", "", "existing registry organisation id (default: create one)")
	f.StringVar(&region, "region", "110108", "region code of a created registry and its sellers")
	serverFlags(cmd, &cfg)
	return cmd
}

// newRegistrationVerifyStatsCmd compares the stored statistics of a registry
// and year with a recount from the registered filings, and times both.
func newRegistrationVerifyStatsCmd() *cobra.Command {
	cfg := app.DefaultConfig()
	var registryID string
	var year int
	cmd := &cobra.Command{
		Use:   "verify-stats --registry ID [--year YYYY]",
		Short: "Check the stored registration statistics against a recount from the filings",
		Long: `Reads a registry's statistics of a year twice: from the pre-aggregated groups that registering,
amending and cancelling maintain, and by recounting every registered filing. Prints both
timings; exits 1 when they differ.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(a *app.App) error {
				ctx, sys := cmd.Context(), domain.SystemActor("verify-stats")
				t0 := time.Now()
				stored, err := a.Filings.Statistics(ctx, sys, registryID, year)
				if err != nil {
					return adminFailure(err)
				}
				t1 := time.Now()
				recount, err := a.Filings.Recount(ctx, sys, registryID, year)
				if err != nil {
					return adminFailure(err)
				}
				t2 := time.Now()
				fmt.Fprintf(cmd.OutOrStdout(), "registered %d; stored statistics %s; recount %s\n", stored.Total.Count,
					t1.Sub(t0).Round(time.Microsecond), t2.Sub(t1).Round(time.Millisecond))
				if !reflect.DeepEqual(stored, recount) {
					return &exitError{code: 1, err: fmt.Errorf("stored statistics differ from the recount: %+v / %+v", stored.Total, recount.Total)}
				}
				fmt.Fprintln(cmd.OutOrStdout(), "stored statistics equal the recount")
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&registryID, "registry", "", "registry organisation id (required)")
	cmd.Flags().IntVar(&year, "year", time.Now().Year(), "registration year")
	_ = cmd.MarkFlagRequired("registry")
	serverFlags(cmd, &cfg)
	return cmd
}
