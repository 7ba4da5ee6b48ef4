package filing

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
)

// ImportColumns are the columns of a CSV batch import, one contract per row.
// The first row names the columns (any order; only name and declared_type are
// required). Lists (deliverables, attachments, content) are separated by ';';
// amounts are in yuan with up to two decimals.
var ImportColumns = []string{
	"name", "declared_type", "declared_sub_type",
	"seller_name", "seller_uscc", "seller_entity_type", "seller_region_code",
	"buyer_name", "buyer_uscc", "buyer_entity_type", "buyer_region_code",
	"filed_by", "amount_yuan", "non_technical_yuan", "tech_field", "ip_type",
	"signing_date", "valid_from", "valid_until", "subject", "deliverables",
	"payment_mode", "attachments", "content", "cross_border",
}

// MaxImportRows bounds one import.
const MaxImportRows = 1000

// ImportRowError is what went wrong with one row (1-based, the header is row 1).
type ImportRowError struct {
	Row    int                 `json:"row"`
	Fields []apperr.FieldError `json:"fields,omitempty"`
	Error  string              `json:"error,omitempty"`
}

// ImportReport lists the drafts created and the rows refused.
type ImportReport struct {
	Created []string         `json:"created"`
	Errors  []ImportRowError `json:"errors"`
}

// ImportCSV creates one draft filing per row with CreateDraft (so the same
// permission and registrant checks apply); each row is its own transaction, so
// the good rows are kept and every bad row is reported with its fields.
func (s *Service) ImportCSV(ctx context.Context, actor domain.Actor, registryOrgID, filerOrgID string, r io.Reader) (ImportReport, error) {
	const op = "filing.ImportCSV"
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return ImportReport{}, apperr.E(op, apperr.Invalid, "the CSV is empty")
	}
	if err != nil {
		return ImportReport{}, apperr.E(op, apperr.Invalid, "unreadable CSV header: "+err.Error())
	}
	col := map[string]int{}
	var fl apperr.FieldList
	known := map[string]bool{}
	for _, c := range ImportColumns {
		known[c] = true
	}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !known[h] {
			fl.Add(fmt.Sprintf("header[%d]", i), "unknown_column", "unknown column "+h, "未知列 "+h)
		}
		col[h] = i
	}
	for _, req := range []string{"name", "declared_type"} {
		if _, ok := col[req]; !ok {
			fl.Add("header", "required", "the column "+req+" is required", "缺少必填列 "+req)
		}
	}
	if err := fl.Err(op); err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{Created: []string{}, Errors: []ImportRowError{}}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rep.Errors = append(rep.Errors, ImportRowError{Row: row, Error: err.Error()})
			continue
		}
		if row-1 > MaxImportRows {
			return rep, apperr.E(op, apperr.Invalid, fmt.Sprintf("at most %d rows per import; the rest were not read", MaxImportRows))
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		c, fields := contractFromRow(get)
		if len(fields) > 0 {
			rep.Errors = append(rep.Errors, ImportRowError{Row: row, Fields: fields})
			continue
		}
		f, err := s.CreateDraft(ctx, actor, Draft{RegistryOrgID: registryOrgID, FilerOrgID: filerOrgID, Contract: c})
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.Invalid {
				if k == apperr.Internal {
					return rep, fmt.Errorf("%s row %d: %w", op, row, err)
				}
				return rep, err // Forbidden, NotFound: every row would fail the same way
			}
			rep.Errors = append(rep.Errors, ImportRowError{Row: row, Fields: apperr.FieldsOf(err), Error: apperr.SafeMessage(err)})
			continue
		}
		rep.Created = append(rep.Created, f.ID)
	}
	return rep, nil
}

// contractFromRow builds a contract from one row's columns.
func contractFromRow(get func(string) string) (registration.Contract, []apperr.FieldError) {
	var fl apperr.FieldList
	yuan := func(name string) domain.Fen {
		v := get(name)
		if v == "" {
			return 0
		}
		fen, err := domain.ParseYuan(v)
		if err != nil {
			fl.Add(name, "invalid", "not an amount in yuan", "金额格式不正确")
		}
		return fen
	}
	list := func(name string) []string {
		var out []string
		for _, x := range strings.Split(get(name), ";") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
		return out
	}
	c := registration.Contract{
		Name: get("name"), DeclaredType: get("declared_type"), DeclaredSubType: get("declared_sub_type"),
		FiledBy: get("filed_by"), AmountFen: yuan("amount_yuan"), TechField: get("tech_field"), IPType: get("ip_type"),
		SigningDate: get("signing_date"), ValidFrom: get("valid_from"), ValidUntil: get("valid_until"),
		Subject: get("subject"), Deliverables: list("deliverables"), Payment: registration.Payment{Mode: get("payment_mode")},
		CrossBorder: get("cross_border"),
	}
	if c.FiledBy == "" {
		c.FiledBy = registration.RoleSeller
	}
	for _, side := range []string{registration.RoleSeller, registration.RoleBuyer} {
		p := registration.Party{Role: side, Name: get(side + "_name"), USCC: get(side + "_uscc"),
			EntityType: get(side + "_entity_type"), RegionCode: get(side + "_region_code")}
		if p.Name != "" || p.USCC != "" {
			c.Parties = append(c.Parties, p)
		}
	}
	if nonTech := yuan("non_technical_yuan"); nonTech > 0 {
		c.LineItems = []registration.LineItem{
			{Description: "技术性费用", AmountFen: c.AmountFen - nonTech, Kind: registration.ItemTechnical},
			{Description: "非技术性费用", AmountFen: nonTech, Kind: registration.ItemNonTechnical},
		}
	}
	for _, kind := range list("attachments") {
		c.Attachments = append(c.Attachments, registration.Attachment{Kind: kind})
	}
	for _, item := range list("content") {
		if !setContent(&c.Content, item) {
			fl.Add("content", "unknown_code", "unknown content item "+item, "未知的合同内容项 "+item)
		}
	}
	return c, apperr.FieldsOf(fl.Err("filing.import"))
}

// setContent marks one Civil Code 845 item by its JSON name.
func setContent(ct *registration.Content, item string) bool {
	flags := map[string]*bool{
		"subject_scope": &ct.SubjectScope, "performance_plan": &ct.PerformancePlan, "confidentiality": &ct.Confidentiality,
		"risk_allocation": &ct.RiskAllocation, "results_ownership": &ct.ResultsOwnership, "acceptance_criteria": &ct.AcceptanceCriteria,
		"price_payment": &ct.PricePayment, "liability": &ct.Liability, "dispute_resolution": &ct.DisputeResolution, "terms": &ct.Terms,
	}
	p, ok := flags[item]
	if ok {
		*p = true
	}
	return ok
}
