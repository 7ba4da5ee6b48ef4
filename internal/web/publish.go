package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// publishRole is the role that publishes a kind of listing: sellers offer
// technologies, buyers post needs (the listing service enforces the same rule).
func publishRole(kind string) string {
	if kind == listing.KindNeed {
		return domain.RoleBuyer
	}
	return domain.RoleSeller
}

// publishOrgs lists the organisations in which the actor may publish a kind of listing.
func publishOrgs(a domain.Actor, kind string) []domain.OrgRole {
	var out []domain.OrgRole
	seen := map[string]bool{}
	for _, r := range a.Roles {
		if (r.Role == publishRole(kind) || r.Role == domain.RoleAdmin) && !seen[r.OrgID] {
			seen[r.OrgID] = true
			out = append(out, r)
		}
	}
	return out
}

// canManage reports whether the actor acts for the listing's owner.
func canManage(a domain.Actor, l listing.Listing) bool {
	return !a.IsAnonymous() && a.HasRoleIn(l.OwnerOrgID, publishRole(l.Kind))
}

// listingFormPage is the data of the publish/edit template.
type listingFormPage struct {
	Kind         string
	Editing      bool
	ID           string
	Status       string
	Action       string
	Version      string
	Org          field // shown only when the actor may publish for several organisations
	HasOrgs      bool
	F            map[string]field
	IPRows       []map[string]field
	OwnerRows    []map[string]field
	IPBlank      map[string]field // the row the "add" button copies (names use __i__)
	OwnerBlank   map[string]field
	OwnersErrors []string // errors about the co-owners as a whole (shares not adding up to 100%)
	Summary      []errorSummaryItem
	Problem      string // an error that belongs to no field, e.g. an edit conflict
	Regions      []option
}

func (s *site) newListingForm(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	kind := r.URL.Query().Get("kind")
	if kind != listing.KindNeed {
		kind = listing.KindAchievement
	}
	orgs := publishOrgs(actor, kind)
	if len(orgs) == 0 {
		return noPublishRole(kind)
	}
	f := newListingFormFor(kind, orgs[0].OrgID)
	return s.renderListingForm(w, r, http.StatusOK, listingFormPage{}, f, nil, "")
}

func noPublishRole(kind string) error {
	return apperr.E("web.publish", apperr.Forbidden,
		fmt.Sprintf("publishing a %s needs the %s role in an organisation", kind, publishRole(kind)))
}

func (s *site) createListing(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := readListingForm(r.PostForm)
	if f.Kind != listing.KindNeed {
		f.Kind = listing.KindAchievement
	}
	if len(publishOrgs(actor, f.Kind)) == 0 {
		return noPublishRole(f.Kind)
	}
	if addRow(&f, r.PostFormValue("action")) {
		return s.renderListingForm(w, r, http.StatusOK, listingFormPage{}, f, nil, "")
	}
	in, parseErrs := f.input()
	if len(parseErrs) > 0 {
		return s.renderListingForm(w, r, http.StatusUnprocessableEntity, listingFormPage{}, f, mergeFieldErrors(parseErrs, in.Validate()), "")
	}
	l, err := s.app.Listings.Create(r.Context(), actor, f.OrgID, in, r.PostFormValue("action") == "submit")
	if fields := apperr.FieldsOf(err); len(fields) > 0 {
		return s.renderListingForm(w, r, http.StatusUnprocessableEntity, listingFormPage{}, f, fields, "")
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/listings/"+l.ID, savedMessage(l))
	return nil
}

func savedMessage(l listing.Listing) string {
	if l.Status == listing.StatusSubmitted {
		return "submitted"
	}
	return "saved"
}

// addRow handles the "add a row" buttons, which work without JavaScript by
// re-rendering the form with one more empty row; nothing is saved.
func addRow(f *listingForm, action string) bool {
	switch action {
	case "add_ip":
		f.IPItems = append(f.IPItems, ipRow{})
	case "add_owner":
		f.Owners = append(f.Owners, ownerRow{})
	default:
		return false
	}
	return true
}

// mergeFieldErrors shows conversion errors and validation errors together, so the
// user sees every problem at once; a field that could not even be converted keeps
// only its conversion message.
func mergeFieldErrors(parse apperr.FieldList, validation error) []apperr.FieldError {
	out := append([]apperr.FieldError(nil), parse...)
	seen := map[string]bool{}
	for _, e := range parse {
		seen[e.Field] = true
	}
	for _, e := range apperr.FieldsOf(validation) {
		if !seen[e.Field] {
			out = append(out, e)
		}
	}
	return out
}

// editable loads a listing the actor may edit.
func (s *site) editable(r *http.Request, actor domain.Actor) (listing.Listing, error) {
	l, err := s.app.Listings.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return l, err
	}
	if !canManage(actor, l) {
		return l, apperr.E("web.edit", apperr.Forbidden, "only the owning organisation can edit this listing")
	}
	if l.Status == listing.StatusWithdrawn {
		return l, apperr.E("web.edit", apperr.Conflict, "a withdrawn listing cannot be edited")
	}
	return l, nil
}

func (s *site) editListingForm(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	l, err := s.editable(r, actor)
	if err != nil {
		return err
	}
	return s.renderListingForm(w, r, http.StatusOK, editPage(l), formFromListing(l), nil, "")
}

func editPage(l listing.Listing) listingFormPage {
	return listingFormPage{Editing: true, ID: l.ID, Status: l.Status}
}

func (s *site) updateListing(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	l, err := s.editable(r, actor)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := readListingForm(r.PostForm)
	f.Kind, f.OrgID = l.Kind, l.OwnerOrgID // neither changes on edit
	page := editPage(l)
	if addRow(&f, r.PostFormValue("action")) {
		return s.renderListingForm(w, r, http.StatusOK, page, f, nil, "")
	}
	version, verr := strconv.Atoi(f.Version)
	if verr != nil {
		version, f.Version = l.Version, strconv.Itoa(l.Version)
	}
	in, parseErrs := f.input()
	if len(parseErrs) > 0 {
		return s.renderListingForm(w, r, http.StatusUnprocessableEntity, page, f, mergeFieldErrors(parseErrs, in.Validate()), "")
	}
	updated, err := s.app.Listings.Update(r.Context(), actor, l.ID, version, in, r.PostFormValue("action") == "submit")
	if fields := apperr.FieldsOf(err); len(fields) > 0 {
		return s.renderListingForm(w, r, http.StatusUnprocessableEntity, page, f, fields, "")
	}
	if apperr.Is(err, apperr.Conflict) {
		// Someone saved in between: keep what this user typed and say so.
		return s.renderListingForm(w, r, http.StatusConflict, page, f, nil, tr(reqctx.Lang(r.Context()), "form.conflict"))
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/listings/"+updated.ID, savedMessage(updated))
	return nil
}

// renderListingForm draws the publish/edit form with its values and errors.
func (s *site) renderListingForm(w http.ResponseWriter, r *http.Request, status int, page listingFormPage,
	f listingForm, errs []apperr.FieldError, problem string) error {
	lang := reqctx.Lang(r.Context())
	actor := reqctx.Actor(r.Context())
	b := newFormBuilder(lang, errs)
	page.Kind, page.Version, page.Problem = f.Kind, f.Version, problem
	page.Action = "/listings/new"
	if page.Editing {
		page.Action = "/listings/" + page.ID + "/edit"
	}
	if !page.Editing {
		orgs := publishOrgs(actor, f.Kind)
		var opts []option
		for _, o := range orgs {
			opts = append(opts, option{Value: o.OrgID, Label: o.OrgName})
		}
		page.Org = b.selectOf("org_id", f.OrgID, opts)
		page.HasOrgs = len(orgs) > 1
	}
	page.F = listingFields(b, lang, f)
	for i, row := range f.IPItems {
		page.IPRows = append(page.IPRows, ipRowFields(b, lang, strconv.Itoa(i), row))
	}
	for i, row := range f.Owners {
		page.OwnerRows = append(page.OwnerRows, ownerRowFields(b, lang, strconv.Itoa(i), row))
	}
	// Without JavaScript an achievement form still offers one empty row of each.
	if f.Kind == listing.KindAchievement {
		if len(page.IPRows) == 0 {
			page.IPRows = append(page.IPRows, ipRowFields(b, lang, "0", ipRow{Territory: "CN"}))
		}
		if len(page.OwnerRows) == 0 {
			page.OwnerRows = append(page.OwnerRows, ownerRowFields(b, lang, "0", ownerRow{}))
		}
	}
	blank := newFormBuilder(lang, nil)
	page.IPBlank = ipRowFields(blank, lang, "__i__", ipRow{Territory: "CN"})
	page.OwnerBlank = ownerRowFields(blank, lang, "__i__", ownerRow{})
	// Errors about a whole group point at the group's fieldset.
	b.anchors["owners"] = field{ID: "owners", Label: tr(lang, "f.owners")}
	b.anchors["ip_items"] = field{ID: "ip-items", Label: tr(lang, "f.ip_items")}
	b.anchors["kind"] = field{Label: tr(lang, "f.kind")}
	page.OwnersErrors = b.errs.of("owners", false)
	page.Summary = b.summary()
	page.Regions = regionOptions(lang)
	return s.render(w, r, status, "form", page)
}

// listingFields builds the controls of the main form.
func listingFields(b *formBuilder, lang string, f listingForm) map[string]field {
	m := map[string]field{}
	m["title_zh"] = b.text("title_zh", f.TitleZh)
	m["title_en"] = b.text("title_en", f.TitleEn)
	for _, k := range []string{"title_zh", "title_en"} {
		x := m[k]
		x.MaxLength = 200
		m[k] = x
	}
	t := m["title_zh"]
	t.Hint = tr(lang, "hint.title")
	m["title_zh"] = t
	m["summary_zh"] = withHint(b.area("summary_zh", f.SummaryZh, 5), tr(lang, "hint.summary"))
	m["summary_en"] = b.area("summary_en", f.SummaryEn, 5)
	m["detail_zh"] = withHint(b.area("detail_zh", f.DetailZh, 6), tr(lang, "hint.detail"))
	m["detail_en"] = b.area("detail_en", f.DetailEn, 6)
	fld := b.selectOf("field", f.Field, codeOptions(lang, domain.TechFields, tr(lang, "form.choose")))
	fld.Required = true
	m["field"] = fld
	m["ipc_codes"] = withHint(b.text("ipc_codes", f.IPCCodes), tr(lang, "hint.ipc"))
	region := withHint(b.text("region_code", f.RegionCode), tr(lang, "hint.region"))
	region.Required, region.List, region.MaxLength = true, "regions", 6
	m["region_code"] = region
	validity := withHint(b.text("validity_months", f.ValidityMonths), tr(lang, "hint.validity"))
	validity.Type, validity.Min, validity.Max = "number", "1", "36"
	m["validity_months"] = validity
	modes := b.make("checkboxes", "transfer_modes", "transfer_modes", tr(lang, "f.transfer_modes"), "")
	for _, c := range domain.TransferModes {
		modes.Options = append(modes.Options, option{Value: c.Code, Label: c.Label.In(lang), Selected: contains(f.TransferModes, c.Code)})
	}
	if f.Kind == listing.KindNeed {
		modes.Hint = tr(lang, "hint.modes_need")
		m["transfer_modes"] = modes
		m["required_trl"] = b.selectOf("required_trl", f.RequiredTRL, trlOptions(lang, tr(lang, "form.any_trl")))
		m["budget_min"] = b.money("budget_min", "budget_min_fen", f.BudgetMin, "budget_min_unit", f.BudgetMinUnit)
		m["budget_max"] = b.money("budget_max", "budget_max_fen", f.BudgetMax, "budget_max_unit", f.BudgetMaxUnit)
		deadline := b.text("deadline", f.Deadline)
		deadline.Type = "date"
		m["deadline"] = deadline
		return m
	}
	modes.Required = true
	m["transfer_modes"] = modes
	trl := withHint(b.selectOf("trl", f.TRL, trlOptions(lang, tr(lang, "form.choose"))), tr(lang, "hint.trl"))
	trl.Required = true
	m["trl"] = trl
	m["trl_evidence"] = withHint(b.area("trl_evidence", f.TRLEvidence, 3), tr(lang, "hint.trl_evidence"))
	m["price_type"] = b.selectOf("price_type", f.PriceType, codeOptions(lang, domain.PriceTypes, ""))
	m["price"] = withHint(b.money("price", "price_fen", f.Price, "price_unit", f.PriceUnit), tr(lang, "hint.price"))
	so := b.make("checkbox", "state_owned", "state_owned", tr(lang, "f.state_owned"), "1")
	so.Checked, so.Hint = f.StateOwned, tr(lang, "hint.state_owned")
	m["state_owned"] = so
	return m
}

func withHint(f field, hint string) field {
	f.Hint = hint
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rowField builds one control of a repeated row; its summary label names the row.
func rowField(b *formBuilder, lang, group, index, sub, value string, rowLabel string) field {
	name := group + "[" + index + "]." + sub
	errName := name
	if group == "owners" && sub == "share_pct" {
		errName = group + "[" + index + "].share_bp"
	}
	f := b.make("input", name, errName, tr(lang, "f."+group+"."+sub), value)
	summary := f
	summary.Label = rowLabel + " · " + f.Label
	b.anchors[errName] = summary
	return f
}

func ipRowFields(b *formBuilder, lang, index string, row ipRow) map[string]field {
	label := tr(lang, "f.ip_items.row", rowNumber(index))
	m := map[string]field{}
	typ := rowField(b, lang, "ip_items", index, "type", row.Type, label)
	typ.Control, typ.Options = "select", markSelected(codeOptions(lang, domain.IPTypes, tr(lang, "form.choose")), row.Type)
	m["type"] = typ
	m["number"] = rowField(b, lang, "ip_items", index, "number", row.Number, label)
	m["title"] = rowField(b, lang, "ip_items", index, "title", row.Title, label)
	st := rowField(b, lang, "ip_items", index, "status", row.Status, label)
	st.Control, st.Options = "select", markSelected(codeOptions(lang, domain.IPStatuses, ""), row.Status)
	m["status"] = st
	terr := rowField(b, lang, "ip_items", index, "territory", row.Territory, label)
	terr.MaxLength = 8
	m["territory"] = terr
	exp := rowField(b, lang, "ip_items", index, "expiry_date", row.ExpiryDate, label)
	exp.Type = "date"
	m["expiry_date"] = exp
	return m
}

func ownerRowFields(b *formBuilder, lang, index string, row ownerRow) map[string]field {
	label := tr(lang, "f.owners.row", rowNumber(index))
	share := rowField(b, lang, "owners", index, "share_pct", row.SharePct, label)
	share.Placeholder = "50"
	share.Type = "text"
	org := field{Name: "owners[" + index + "].org_id", Value: row.OrgID}
	return map[string]field{
		"name":      rowField(b, lang, "owners", index, "name", row.Name, label),
		"share_pct": share,
		"org_id":    org,
	}
}

// rowNumber is the 1-based row number people read; the JavaScript template row
// keeps its placeholder.
func rowNumber(index string) string {
	if n, err := strconv.Atoi(index); err == nil {
		return strconv.Itoa(n + 1)
	}
	return index
}

// regionOptions suggests the province-level codes (XX0000) in the region field.
func regionOptions(lang string) []option {
	out := make([]option, 0, len(domain.Provinces))
	for _, p := range domain.Provinces {
		out = append(out, option{Value: p.Code + "0000", Label: p.Label.In(lang)})
	}
	return out
}
