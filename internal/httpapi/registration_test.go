package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
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

// registrationContract is a clean commissioned-development contract between
// the fixture's university (seller) and company (buyer).
func registrationContract() registration.Contract {
	all := registration.Content{SubjectScope: true, PerformancePlan: true, Confidentiality: true, RiskAllocation: true,
		ResultsOwnership: true, AcceptanceCriteria: true, PricePayment: true, Liability: true, DisputeResolution: true, Terms: true}
	return registration.Contract{
		Name: "固态电解质制备新工艺技术开发（委托）合同", DeclaredType: registration.TypeDevelopment,
		DeclaredSubType: registration.SubDevCommissioned,
		Parties: []registration.Party{
			{Role: registration.RoleSeller, Name: "测试大学", USCC: domain.MakeUSCC('1', '2', "110108", "400000001"), EntityType: "022", RegionCode: "110108"},
			{Role: registration.RoleBuyer, Name: "买方科技有限公司", USCC: domain.MakeUSCC('9', '1', "110108", "MA5D00002"), EntityType: "150", RegionCode: "110108"},
		},
		FiledBy: registration.RoleSeller, AmountFen: 300000000,
		LineItems: []registration.LineItem{
			{Description: "研究开发经费", AmountFen: 250000000, Kind: registration.ItemTechnical},
			{Description: "实验用原材料", AmountFen: 50000000, Kind: registration.ItemNonTechnical},
		},
		TechField: "NE", IPType: "none", SigningDate: "2025-06-10", ValidFrom: "2025-06-10", ValidUntil: "2030-06-09",
		Subject:      "研究开发硫化物固态电解质的新制备工艺，离子电导率不低于10mS/cm。",
		Deliverables: []string{registration.DeliverRDResults},
		Payment:      registration.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Clauses:      []string{"研究开发成果及其知识产权归委托方所有。", "双方对技术资料负有保密义务。"},
		Attachments:  []registration.Attachment{{Kind: registration.AttachContractText}},
		Content:      all,
	}
}

func TestRegistrationCheckEndpoint(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		c := registrationContract()
		body, _ := json.Marshal(c)
		resp, data := m.raw(http.MethodPost, "/api/v1/registration/check", "", "application/json", string(body))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", resp.StatusCode, data)
		}
		var got map[string]any
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		// The same JSON as the CLI's --json, apart from the time of the check.
		want, err := registration.Check(c, registration.CheckContext{})
		if err != nil {
			t.Fatal(err)
		}
		wantJSON, _ := json.Marshal(want)
		var wantMap map[string]any
		_ = json.Unmarshal(wantJSON, &wantMap)
		delete(got, "checked_at")
		delete(wantMap, "checked_at")
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(wantMap)
		if !bytes.Equal(g, w) {
			t.Fatalf("check response differs from registration.Check:\n got %s\nwant %s", g, w)
		}
		if got["outcome"] != registration.OutcomeRegistrable || got["classification"] != "DEV" {
			t.Fatalf("outcome %v classification %v", got["outcome"], got["classification"])
		}

		c.Name, c.DeclaredType = "", "XYZ"
		body, _ = json.Marshal(c)
		resp, data = m.raw(http.MethodPost, "/api/v1/registration/check", "", "application/json", string(body))
		p := problemOf(t, resp, data, http.StatusUnprocessableEntity)
		if fields := fieldSet(p.Errors); !fields["name"] || !fields["declared_type"] {
			t.Fatalf("invalid contract: fields %v", p.Errors)
		}
		resp, data = m.raw(http.MethodPost, "/api/v1/registration/check", "", "application/json", `{"name":"x","declared_type":"DEV","nmae":1}`)
		if p := problemOf(t, resp, data, http.StatusBadRequest); !fieldSet(p.Errors)["nmae"] {
			t.Fatalf("unknown key: %+v", p)
		}
	})
}

func TestFilingWorkflowThroughTheAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		sys := domain.SystemActor("test")
		registry, err := m.app.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: "海淀区技术合同登记站", Type: filing.RegistryOrgType, RegionCode: "110108"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.app.Identity.CreateUser(ctx, sys, identity.UserInput{Email: "registrar@registry.test", Name: "登记员", Password: testPassword,
			Roles: []domain.OrgRole{{OrgID: registry.ID, Role: domain.RoleRegistrar}}}); err != nil {
			t.Fatal(err)
		}
		registrar := m.client(m.tokenFor("registrar@registry.test"))

		contract, _ := json.Marshal(registrationContract())
		f, err := m.seller.CreateFiling(ctx, client.FilingDraft{RegistryOrgID: registry.ID, Contract: contract})
		if err != nil {
			t.Fatal(err)
		}
		if f.Status != registration.StatusDraft || f.FilerOrgID != m.uni.ID || f.TechnologyAmountFen != 250000000 {
			t.Fatalf("draft %+v", f)
		}
		_, err = m.rivalSeller.Filing(ctx, f.ID)
		wantStatus(t, err, http.StatusNotFound, "another organisation reads the filing")
		_, err = m.seller.FilingCertificate(ctx, f.ID)
		wantStatus(t, err, http.StatusConflict, "certificate of a draft")

		if f, err = m.seller.SubmitFiling(ctx, f.ID); err != nil || f.DeadlineDue == "" {
			t.Fatalf("submit: %v %+v", err, f)
		}
		_, err = m.seller.RegisterFiling(ctx, f.ID, nil)
		wantStatus(t, err, http.StatusForbidden, "the filer registers")
		_, err = m.seller.RegistrarQueue(ctx, "")
		wantStatus(t, err, http.StatusForbidden, "the filer reads the queue")
		queue, err := registrar.RegistrarQueue(ctx, "")
		if err != nil || len(queue.Items) != 1 || queue.Items[0].ID != f.ID {
			t.Fatalf("queue %+v %v", queue, err)
		}

		_, err = registrar.RegisterFiling(ctx, f.ID, &client.FilingOverride{AmountFen: 200000000})
		if client.StatusCode(err) != http.StatusUnprocessableEntity || !fieldSet(client.FieldErrors(err))["reason"] {
			t.Fatalf("override without reason: %v", err)
		}
		f, err = registrar.RegisterFiling(ctx, f.ID, &client.FilingOverride{AmountFen: 200000000, Reason: "实验材料费属非技术性费用"})
		if err != nil {
			t.Fatal(err)
		}
		if f.Status != registration.StatusRegistered || len(f.RegistrationNumber) != 16 || !strings.HasSuffix(f.RegistrationNumber, "110108000001") || f.TechnologyAmountFen != 200000000 {
			t.Fatalf("registered %+v", f)
		}
		pdf, err := m.seller.FilingCertificate(ctx, f.ID)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("certificate: %v", err)
		}
		mine, err := m.seller.MyFilings(ctx)
		if err != nil || len(mine.Items) != 1 || mine.Items[0].RegistrationNumber != f.RegistrationNumber {
			t.Fatalf("my filings %+v %v", mine, err)
		}
		regToken := m.tokenFor("registrar@registry.test")
		resp, data := m.raw(http.MethodGet, "/api/v1/registration/statistics", regToken, "", "")
		var st struct {
			Total struct {
				Count               int   `json:"count"`
				TechnologyAmountFen int64 `json:"technology_amount_fen"`
			} `json:"total"`
			ByProvinceFlow []struct {
				Key   string `json:"key"`
				Count int    `json:"count"`
			} `json:"by_province_flow"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &st) != nil || st.Total.Count != 1 || st.Total.TechnologyAmountFen != 200000000 ||
			len(st.ByProvinceFlow) != 1 || st.ByProvinceFlow[0].Key != "11>11" {
			t.Fatalf("statistics: %d %s", resp.StatusCode, data)
		}
		resp, data = m.raw(http.MethodGet, "/api/v1/registration/statistics?format=csv", regToken, "", "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(string(data), "\ntype,DEV,1,300000000,200000000\n") {
			t.Fatalf("statistics csv: %d %s", resp.StatusCode, data)
		}
		resp, data = m.raw(http.MethodGet, "/api/v1/registration/statistics?year=1999&format=xml", regToken, "", "")
		if p := problemOf(t, resp, data, http.StatusUnprocessableEntity); !fieldSet(p.Errors)["year"] || !fieldSet(p.Errors)["format"] {
			t.Fatalf("bad parameters: %+v", p)
		}
		resp, data = m.raw(http.MethodGet, "/api/v1/registration/statistics", m.tokenFor("seller@uni.test"), "", "")
		problemOf(t, resp, data, http.StatusForbidden)

		_, err = registrar.CancelFiling(ctx, f.ID, "")
		wantStatus(t, err, http.StatusUnprocessableEntity, "cancel without reason")
		if f, err = registrar.CancelFiling(ctx, f.ID, "合同已解除"); err != nil || f.Status != registration.StatusCancelled {
			t.Fatalf("cancel %v %+v", err, f)
		}
		// Cancelling takes the contract out of the statistics at once.
		resp, data = m.raw(http.MethodGet, "/api/v1/registration/statistics", regToken, "", "")
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &st) != nil || st.Total.Count != 0 || len(st.ByProvinceFlow) != 0 {
			t.Fatalf("statistics after cancel: %d %s", resp.StatusCode, data)
		}

		// A filing pre-filled from a platform deal names the deal and its room.
		if _, err := db.Exec(ctx, `UPDATE registration_filings SET source_deal_id = ? WHERE id = ?`, "deal-0001", f.ID); err != nil {
			t.Fatal(err)
		}
		if f, err = m.seller.Filing(ctx, f.ID); err != nil || f.SourceDealID != "deal-0001" || f.SourceDealLink != "/deals/deal-0001" {
			t.Fatalf("source of the filing: %v %+v", err, f)
		}
	})
}

func TestFilingImportCSV(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		registry, err := m.app.Identity.CreateOrg(context.Background(), domain.SystemActor("test"),
			identity.OrgInput{NameZh: "海淀区技术合同登记站", Type: filing.RegistryOrgType, RegionCode: "110108"})
		if err != nil {
			t.Fatal(err)
		}
		token := m.tokenFor("seller@uni.test")
		csv := "name,declared_type,seller_name,buyer_name,amount_yuan,subject,deliverables\n" +
			"固态电解质开发合同,DEV,测试大学,买方科技有限公司,1000000,研究开发固态电解质新工艺,rd_results\n" +
			"坏行,DEV,测试大学,买方科技有限公司,一百万,,\n"
		resp, data := m.raw(http.MethodPost, "/api/v1/filings/import?registry="+registry.ID, token, "text/csv", csv)
		var rep struct {
			Created []string `json:"created"`
			Errors  []struct {
				Row    int                 `json:"row"`
				Fields []client.FieldError `json:"fields"`
			} `json:"errors"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &rep) != nil {
			t.Fatalf("import: %d %s", resp.StatusCode, data)
		}
		if len(rep.Created) != 1 || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || rep.Errors[0].Fields[0].Field != "amount_yuan" {
			t.Fatalf("report %s", data)
		}
		if f, err := m.seller.Filing(context.Background(), rep.Created[0]); err != nil || f.Status != registration.StatusDraft {
			t.Fatalf("imported filing: %v", err)
		}
		resp, data = m.raw(http.MethodPost, "/api/v1/filings/import?registry="+registry.ID, token, "application/json", "{}")
		problemOf(t, resp, data, http.StatusUnsupportedMediaType)
		resp, data = m.raw(http.MethodPost, "/api/v1/filings/import", token, "text/csv", csv)
		if p := problemOf(t, resp, data, http.StatusUnprocessableEntity); !fieldSet(p.Errors)["registry"] {
			t.Fatalf("no registry: %+v", p)
		}
	})
}
