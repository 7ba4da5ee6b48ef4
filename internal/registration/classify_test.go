package registration

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		name           string
		edit           func(c *Contract)
		typ, sub, base string
	}{
		{"deliverable decides", func(c *Contract) {}, TypeDevelopment, SubDevCommissioned, BasisRightsDuties},
		{"main deliverable beats supporting ones (CC 862)", func(c *Contract) {
			c.Deliverables = []string{DeliverTechnicalService, DeliverIPLicence, DeliverTraining}
			c.IPItems = licContract().IPItems
		}, TypeLicence, SubLicPatent, BasisRightsDuties},
		{"two main deliverables: the text breaks the tie", func(c *Contract) {
			c.Deliverables = []string{DeliverRDResults, DeliverIPOwnership}
			c.IPItems = licContract().IPItems
			c.Subject = "转让专利权，并让与相关技术资料，权属转移后由受让方实施。"
		}, TypeTransfer, SubTrfPatent, BasisRightsDuties},
		{"licence terms without deliverables", func(c *Contract) {
			c.Deliverables = nil
			c.Licence = &Licence{Exclusivity: ExclusivitySole}
			c.IPItems = licContract().IPItems
			c.Subject, c.Clauses = "", nil
		}, TypeLicence, SubLicPatent, BasisRightsDuties},
		{"text only", func(c *Contract) {
			c.Deliverables = nil
			c.Subject = "对技术路线进行可行性论证和评估，出具咨询报告。"
			c.Clauses = nil
		}, TypeConsulting, "", BasisText},
		{"one keyword is not enough", func(c *Contract) {
			c.Deliverables = nil
			c.Subject, c.Clauses = "提供咨询。", nil
		}, TypeDevelopment, SubDevCommissioned, BasisDeclared},
		{"cooperative by keyword", func(c *Contract) {
			c.DeclaredSubType = ""
			c.Subject = "双方合作开发新型电池隔膜。"
		}, TypeDevelopment, SubDevCooperative, BasisRightsDuties},
		{"intermediary by deliverable", func(c *Contract) {
			c.Deliverables = []string{DeliverIntermediary}
		}, TypeService, SubSrvIntermediary, BasisRightsDuties},
		{"training by keyword", func(c *Contract) {
			c.Deliverables = nil
			c.Subject, c.Clauses = "技术培训：解决焊接机器人编程的技术问题。", nil
		}, TypeService, SubSrvTraining, BasisText},
		{"secret licence", func(c *Contract) {
			c.Deliverables = []string{DeliverIPLicence}
			c.IPItems = []IPItem{{Type: "technology_secret", Title: "浸漆工艺"}}
		}, TypeLicence, SubLicTechSecret, BasisRightsDuties},
		{"published application licensed as a patent (SPC 29)", func(c *Contract) {
			c.Deliverables = []string{DeliverIPLicence}
			c.IPItems = []IPItem{{Type: "patent_application", Status: "pending", Published: true}}
		}, TypeLicence, SubLicPatent, BasisRightsDuties},
		{"software copyright transfer", func(c *Contract) {
			c.Deliverables = []string{DeliverIPOwnership}
			c.IPItems = []IPItem{{Type: "software_copyright", Title: "控制软件 V1.0"}, {Type: "technology_secret"}}
		}, TypeTransfer, SubTrfTechSecret, BasisRightsDuties},
		{"transfer without IP becomes a service (SPC 22)", func(c *Contract) {
			c.Deliverables = []string{DeliverIPOwnership}
			c.Subject = "转让生产经验和技术信息。"
		}, TypeService, SubSrvGeneral, BasisRightsDuties},
	}
	for _, tt := range tests {
		c := devContract()
		tt.edit(&c)
		cl := c.Classify()
		if cl.Type != tt.typ || cl.SubType != tt.sub || cl.Basis != tt.base {
			t.Errorf("%s: got %s/%s (%s), want %s/%s (%s); reasons %+v", tt.name, cl.Type, cl.SubType, cl.Basis,
				tt.typ, tt.sub, tt.base, cl.Reasons)
		}
		if len(cl.Reasons) == 0 {
			t.Errorf("%s: no reasons", tt.name)
		}
	}
}

func TestNameType(t *testing.T) {
	tests := map[string]string{
		"技术转让（专利实施许可）合同":           TypeLicence, // the 2001 naming folds licences into transfers
		"技术开发（委托）合同":               TypeDevelopment,
		"技术咨询合同":                   TypeConsulting,
		"技术服务合同":                   TypeService,
		"技术中介合同":                   TypeService,
		"patent licence agreement": TypeLicence,
		"采购合同":                     "",
	}
	for name, want := range tests {
		if got := nameType(normaliseText(name)); got != want {
			t.Errorf("nameType(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestNormaliseText(t *testing.T) {
	if got := normaliseText("  ＡＢＣ　技术\n\t Transfer  "); got != "abc 技术 transfer" {
		t.Errorf("normaliseText = %q", got)
	}
}
