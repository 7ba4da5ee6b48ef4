package registration

import (
	"slices"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

func fieldNames(err error) []string {
	var out []string
	for _, f := range apperr.FieldsOf(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestValidateAcceptsCleanContracts(t *testing.T) {
	for _, c := range []Contract{devContract(), licContract()} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
}

func TestValidateNamesEveryBadField(t *testing.T) {
	c := devContract()
	c.Name = ""
	c.DeclaredSubType = SubTrfPatent // not a development sub-type
	c.Parties[0].USCC = "12110108400000001X"
	c.Parties[1].RegionCode = "990000"
	c.Parties[1].EntityType = "999"
	c.AmountFen = -1
	c.LineItems[0].Kind = "labour"
	c.LineItems[1].Description = " "
	c.TechField = "XX"
	c.SigningDate = "2025-02-30"
	c.ValidUntil = "2020-01-01"
	c.Deliverables = append(c.Deliverables, "magic")
	c.Licence = &Licence{Exclusivity: "partial", TermMonths: -1}
	c.Attachments = append(c.Attachments, Attachment{Kind: AttachOther, SHA256: "xyz"})
	c.FiledBy = "registrar"
	err := c.Validate()
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("err = %v, want Invalid", err)
	}
	got := fieldNames(err)
	for _, want := range []string{"name", "declared_sub_type", "parties[0].uscc", "parties[1].region_code",
		"parties[1].entity_type", "amount_fen", "line_items[0].kind", "line_items[1].description", "tech_field",
		"signing_date", "valid_until", "deliverables[1]", "licence.exclusivity", "licence.term_months",
		"attachments[1].sha256", "filed_by"} {
		if !slices.Contains(got, want) {
			t.Errorf("no error for %s; got %v", want, got)
		}
	}
	for _, f := range apperr.FieldsOf(err) {
		if f.Message == "" || f.MessageZh == "" {
			t.Errorf("%s: message missing in one language", f.Field)
		}
	}
}

func TestValidateRejectsLineItemOverflow(t *testing.T) {
	c := devContract()
	c.LineItems = []LineItem{
		{Description: "a", AmountFen: 1<<62 + 1, Kind: ItemTechnical},
		{Description: "b", AmountFen: 1<<62 + 1, Kind: ItemTechnical},
	}
	if got := fieldNames(c.Validate()); !slices.Contains(got, "line_items") {
		t.Errorf("fields = %v, want line_items overflow", got)
	}
}

func TestDecodeContract(t *testing.T) {
	tests := []struct {
		name, in, field, msg string
	}{
		{"unknown field", `{"name":"x","declared_type":"DEV","contract_amount":5}`, "contract_amount", ""},
		{"wrong type", `{"name":"x","amount_fen":"12.5"}`, "amount_fen", ""},
		{"nested wrong type", `{"parties":[{"role":"seller","related_party":"yes"}]}`, "parties.related_party", ""},
		{"syntax", `{"name": }`, "", "invalid JSON"},
		{"empty", ``, "", "empty"},
		{"two values", `{} {}`, "", "more than one"},
	}
	for _, tt := range tests {
		_, err := DecodeContract(strings.NewReader(tt.in))
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: err = %v, want Invalid", tt.name, err)
			continue
		}
		if tt.field != "" && !slices.Contains(fieldNames(err), tt.field) {
			t.Errorf("%s: fields = %v, want %s", tt.name, fieldNames(err), tt.field)
		}
		if tt.msg != "" && !strings.Contains(apperr.SafeMessage(err), tt.msg) {
			t.Errorf("%s: message %q does not mention %q", tt.name, apperr.SafeMessage(err), tt.msg)
		}
	}
	c, err := DecodeContract(strings.NewReader(string(devContract().Canonical())))
	if err != nil || c.Name != devContract().Name || c.AmountFen != 300000000 {
		t.Errorf("round trip: %v %+v", err, c)
	}
}

func TestCheckRejectsInvalidContract(t *testing.T) {
	c := devContract()
	c.DeclaredType = ""
	if _, err := Check(c, CheckContext{Now: testNow}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("err = %v, want Invalid", err)
	}
}
