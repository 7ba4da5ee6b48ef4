package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// messageID finds a catalog id shown raw instead of its text.
var messageID = regexp.MustCompile(`\breg\.[a-z_]+(\.[a-z_]+)?`)

// registrationContractJSON is a clean development contract of the test
// university (seller) with the company (buyer).
func registrationContractJSON(e *env) string {
	all := registration.Content{SubjectScope: true, PerformancePlan: true, Confidentiality: true, RiskAllocation: true,
		ResultsOwnership: true, AcceptanceCriteria: true, PricePayment: true, Liability: true, DisputeResolution: true, Terms: true}
	c := registration.Contract{
		Name: "固态电解质新工艺技术开发（委托）合同", DeclaredType: registration.TypeDevelopment, DeclaredSubType: registration.SubDevCommissioned,
		Parties: []registration.Party{
			{Role: registration.RoleSeller, Name: e.uni.NameZh, USCC: e.uni.USCC, EntityType: "022", RegionCode: "310104"},
			{Role: registration.RoleBuyer, Name: e.company.NameZh, USCC: e.company.USCC, EntityType: "150", RegionCode: "320506"},
		},
		FiledBy: registration.RoleSeller, AmountFen: 300000000,
		LineItems: []registration.LineItem{
			{Description: "研究开发经费", AmountFen: 250000000, Kind: registration.ItemTechnical},
			{Description: "实验用原材料", AmountFen: 50000000, Kind: registration.ItemNonTechnical},
		},
		TechField: "NE", IPType: "none", SigningDate: "2025-06-10", ValidFrom: "2025-06-10", ValidUntil: "2030-06-09",
		Subject:      "研究开发硫化物固态电解质的新制备工艺，离子电导率不低于10mS/cm。",
		Deliverables: []string{registration.DeliverRDResults}, Payment: registration.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Clauses:     []string{"研究开发成果及其知识产权归委托方所有。", "双方对技术资料负有保密义务。"},
		Attachments: []registration.Attachment{{Kind: registration.AttachContractText}}, Content: all,
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func TestRegistrationPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		ctx := context.Background()
		registry, err := e.a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "徐汇区技术合同登记站", NameEn: "Xuhui Contract Registry",
			Type: filing.RegistryOrgType, RegionCode: "310104"})
		if err != nil {
			t.Fatal(err)
		}
		e.user("registrar@registry.test", "陈登记", domain.OrgRole{OrgID: registry.ID, Role: domain.RoleRegistrar})
		contract := registrationContractJSON(e)

		seller := e.browser()
		seller.login("seller@uni.test")
		p := seller.get("/registration/new")
		mustContain(t, p, "徐汇区技术合同登记站", `name="contract"`)

		p = seller.postForm("/registration/new", url.Values{"registry_org_id": {registry.ID}, "contract": {contract}, "op": {"check"}})
		if p.status != http.StatusOK {
			t.Fatalf("check: status %d", p.status)
		}
		mustContain(t, p, "可以登记", "技术开发", "决定规则")
		if m := messageID.FindString(p.body); m != "" {
			t.Errorf("message id %q shown raw", m)
		}

		p = seller.postForm("/registration/new", url.Values{"registry_org_id": {registry.ID}, "contract": {`{"name":"x","declared_type":"DEV","nmae":1}`}, "op": {"check"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown key: status %d", p.status)
		}
		mustContain(t, p, "nmae", "不是合同登记表的字段")

		p = seller.postForm("/registration/new", url.Values{"registry_org_id": {registry.ID}, "contract": {contract}, "op": {"save"}})
		if p.status != http.StatusOK || !strings.HasPrefix(p.url.Path, "/registration/filings/") {
			t.Fatalf("save: status %d at %s", p.status, p.url)
		}
		filingPath := p.url.Path
		mustContain(t, p, "草稿", "提交登记")
		p = seller.postForm(filingPath+"/submit", url.Values{})
		mustContain(t, p, "已提交", "办理中")

		registrar := e.browser()
		registrar.lang = "en"
		registrar.login("registrar@registry.test")
		p = registrar.get("/registration/queue")
		mustContain(t, p, "Registration queue", "固态电解质新工艺技术开发", "Running")
		if m := messageID.FindString(p.body); m != "" {
			t.Errorf("message id %q shown raw", m)
		}
		p = registrar.postForm(filingPath+"/register", url.Values{"override_yuan": {"2000000"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("override without reason: status %d", p.status)
		}
		mustContain(t, p, "reason")
		p = registrar.postForm(filingPath+"/register", url.Values{"override_yuan": {"2000000"}, "reason": {"材料费属非技术性费用"}})
		mustContain(t, p, "Registered", "310104000001", "Certificate (PDF)", "Certified by the registrar")
		if m := messageID.FindString(p.body); m != "" {
			t.Errorf("message id %q shown raw", m)
		}
		cert := seller.get(filingPath + "/certificate.pdf")
		if cert.status != http.StatusOK || !strings.HasPrefix(cert.body, "%PDF") {
			t.Fatalf("certificate: status %d", cert.status)
		}

		p = registrar.get("/registration/statistics")
		mustContain(t, p, "<svg", "Export CSV", "By contract type", "Technology development", "inter_province",
			"Province to province", "<td>Shanghai</td><td>Jiangsu</td><td>1</td>")
		if m := messageID.FindString(p.body); m != "" {
			t.Errorf("message id %q shown raw", m)
		}
		csv := registrar.get("/registration/statistics.csv")
		if csv.status != http.StatusOK || !strings.Contains(csv.body, "type,DEV,1,300000000,200000000") {
			t.Fatalf("statistics csv: %d %s", csv.status, csv.body)
		}
		if p := seller.get("/registration/statistics"); p.status != http.StatusForbidden {
			t.Fatalf("the filer opens the statistics: status %d", p.status)
		}

		p = seller.get("/registration/filings")
		mustContain(t, p, "我的合同登记", "已登记", "310104000001")
		if p := seller.get("/registration/queue"); p.status != http.StatusForbidden {
			t.Fatalf("the filer opens the queue: status %d", p.status)
		}
		outsider := e.browser()
		outsider.login("buyer@company.test")
		if p := outsider.get(filingPath); p.status != http.StatusNotFound {
			t.Fatalf("another organisation opens the filing: status %d", p.status)
		}

		// A filing pre-filled from a platform deal names the deal; the filer
		// gets the link to its deal room, the registrar only the id.
		id := strings.TrimPrefix(filingPath, "/registration/filings/")
		if _, err := db.Exec(ctx, `UPDATE registration_filings SET source_deal_id = ? WHERE id = ?`, "deal-0001", id); err != nil {
			t.Fatal(err)
		}
		p = seller.get(filingPath)
		mustContain(t, p, "平台成交合同", `href="/deals/deal-0001"`)
		p = registrar.get(filingPath)
		mustContain(t, p, "Contract concluded on the platform", "deal-0001")
		if strings.Contains(p.body, `href="/deals/deal-0001"`) {
			t.Error("the registrar is sent to a deal room it may not open")
		}
	})
}
