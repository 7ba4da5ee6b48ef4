package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestCLIRegistrationFileQueueRegister(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		isolateClientConfig(t)
		url, a := cliMarket(t, db)
		ctx := context.Background()
		system := domain.SystemActor("test")
		registry, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "海淀区技术合同登记站", Type: filing.RegistryOrgType, RegionCode: "110108"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Identity.CreateUser(ctx, system, identity.UserInput{Email: "registrar@registry.test", Name: "登记员",
			Password: cliTestPassword, Roles: []domain.OrgRole{{OrgID: registry.ID, Role: domain.RoleRegistrar}}}); err != nil {
			t.Fatal(err)
		}
		token := func(email string) string {
			tok, err := client.New(url, "").CreateToken(ctx, client.TokenRequest{Email: email, Password: cliTestPassword, Name: "cli-test"})
			if err != nil {
				t.Fatal(err)
			}
			return tok.Token
		}
		sellerTok, registrarTok := token("seller@uni.test"), token("registrar@registry.test")

		all := registration.Content{SubjectScope: true, PerformancePlan: true, Confidentiality: true, RiskAllocation: true,
			ResultsOwnership: true, AcceptanceCriteria: true, PricePayment: true, Liability: true, DisputeResolution: true, Terms: true}
		contract := registration.Contract{Name: "光伏清洗机器人技术开发（委托）合同", DeclaredType: registration.TypeDevelopment,
			DeclaredSubType: registration.SubDevCommissioned,
			Parties: []registration.Party{
				{Role: registration.RoleSeller, Name: "测试大学", USCC: domain.MakeUSCC('1', '2', "110108", "400000001"), EntityType: "022", RegionCode: "110108"},
				{Role: registration.RoleBuyer, Name: "买方公司", USCC: domain.MakeUSCC('9', '1', "310101", "MA5D00002"), EntityType: "150", RegionCode: "310101"},
			},
			FiledBy: registration.RoleSeller, AmountFen: 100000000, TechField: "NE", IPType: "none",
			SigningDate: "2025-06-10", ValidFrom: "2025-06-10", ValidUntil: "2030-06-09",
			Subject:      "研究开发光伏组件自动清洗机器人的路径规划与控制新方法。",
			Deliverables: []string{registration.DeliverRDResults}, Payment: registration.Payment{Mode: "LUMP_SUM_ONE_PAYMENT"},
			Attachments: []registration.Attachment{{Kind: registration.AttachContractText}}, Content: all}
		body, _ := json.Marshal(contract)
		file := filepath.Join(t.TempDir(), "contract.json")
		if err := os.WriteFile(file, body, 0o600); err != nil {
			t.Fatal(err)
		}

		out, _, err := runCLI(t, "", "registration", "file", file, "--registry", registry.ID, "--submit", "--server", url, "--token", sellerTok)
		if err != nil {
			t.Fatalf("file: %v\n%s", err, out)
		}
		if !strings.Contains(out, "status   submitted") || !strings.Contains(out, "outcome  registrable") {
			t.Fatalf("file output:\n%s", out)
		}
		id := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(out, "\n", 2)[0], "filing"))

		out, stderr, err := runCLI(t, "", "registration", "queue", "--server", url, "--token", registrarTok)
		if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "光伏清洗机器人") || !strings.Contains(stderr, "1 waiting") {
			t.Fatalf("queue: %v\n%s%s", err, out, stderr)
		}
		if _, _, err := runCLI(t, "", "registration", "register", id, "--server", url, "--token", sellerTok); err == nil {
			t.Fatal("the filer registered its own filing")
		}
		out, _, err = runCLI(t, "", "registration", "register", id, "--json", "--server", url, "--token", registrarTok)
		if err != nil {
			t.Fatal(err)
		}
		var f client.Filing
		if err := json.Unmarshal([]byte(out), &f); err != nil || f.Status != registration.StatusRegistered || !strings.HasSuffix(f.RegistrationNumber, "110108000001") {
			t.Fatalf("register: %v %+v", err, f)
		}
	})
}
