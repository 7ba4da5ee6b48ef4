package filing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Draft is the API form for creating a filing.
type Draft struct {
	RegistryOrgID string `json:"registry_org_id"`
	// FilerOrgID is the filing organisation; "" means the actor's first one.
	FilerOrgID string                `json:"filer_org_id,omitempty"`
	Contract   registration.Contract `json:"contract"`
}

// OverrideInput is a registrar's certified technology amount, with the reason.
type OverrideInput struct {
	AmountFen domain.Fen `json:"amount_fen"`
	Reason    string     `json:"reason"`
}

// CreateDraft stores a new filing in draft, checked against the registry's
// rules. The actor must belong to the filing organisation, and that
// organisation must be the contract's registrant party (the seller, or the
// domestic buyer of an imported technology) when both carry a USCC.
func (s *Service) CreateDraft(ctx context.Context, actor domain.Actor, in Draft) (Filing, error) {
	const op = "filing.CreateDraft"
	if in.FilerOrgID == "" && len(actor.OrgIDs()) > 0 {
		in.FilerOrgID = actor.OrgIDs()[0]
	}
	if in.FilerOrgID == "" || !actor.MemberOf(in.FilerOrgID) {
		return Filing{}, apperr.E(op, apperr.Forbidden, "only a member of the filing organisation may file")
	}
	if in.RegistryOrgID == "" {
		return Filing{}, apperr.Fields(op, apperr.Field("registry_org_id", "required", "choose the registry", "请选择登记机构"))
	}
	if err := in.Contract.Validate(); err != nil {
		return Filing{}, err
	}
	now := s.clock()
	f := Filing{ID: domain.NewID(), RegistryOrgID: in.RegistryOrgID, FilerOrgID: in.FilerOrgID, FilerUserID: actorRef(actor),
		Status: registration.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		reg, err := loadRegistry(ctx, tx, in.RegistryOrgID)
		if err != nil {
			return apperr.Fields(op, apperr.Field("registry_org_id", "not_found", "no such contract registry", "没有该技术合同登记机构"))
		}
		if err := checkRegistrant(ctx, tx, in.FilerOrgID, in.Contract); err != nil {
			return err
		}
		summary, err := s.refresh(ctx, tx, &f, in.Contract, reg, nil)
		if err != nil {
			return err
		}
		if err := insertFiling(ctx, tx, f, summary); err != nil {
			return err
		}
		return record(ctx, tx, actor, f, "create", "", nil, "", now)
	})
	if err != nil {
		return Filing{}, err
	}
	return f, nil
}

// checkRegistrant makes sure the filing organisation is the party the contract
// names as registrant, when both have a USCC.
func checkRegistrant(ctx context.Context, q store.Querier, orgID string, c registration.Contract) error {
	var uscc sql.NullString
	if err := q.QueryRow(ctx, `SELECT uscc FROM organizations WHERE id = ?`, orgID).Scan(&uscc); err != nil {
		return fmt.Errorf("filing organisation %s: %w", orgID, err)
	}
	if !uscc.Valid || c.FiledBy == "" {
		return nil
	}
	for i, p := range c.Parties {
		if p.Role == c.FiledBy && p.USCC != "" && !strings.EqualFold(p.USCC, uscc.String) {
			return apperr.Fields("filing.checkRegistrant", apperr.Field(fmt.Sprintf("parties[%d].uscc", i), "not_filer",
				"the registrant party is not your organisation", "登记方不是本单位"))
		}
	}
	return nil
}

// refresh sets the contract on f, runs the check against the registry's rules
// and the related filings, and copies the derived columns from the result.
func (s *Service) refresh(ctx context.Context, q store.Querier, f *Filing, c registration.Contract, reg Registry, override *registration.Override) (registration.FilingSummary, error) {
	c.ID = f.ID
	f.Contract = c
	res, err := s.check(ctx, q, *f, reg, override)
	if err != nil {
		return registration.FilingSummary{}, err
	}
	f.Result = &res
	f.ContentHash = res.ContentHash
	f.AmountFen = c.AmountFen
	f.TechnologyAmountFen = res.TechnologyAmountFen
	f.Override = override
	return res.Summary, nil
}

// check runs registration.Check for a filing as it stands.
func (s *Service) check(ctx context.Context, q store.Querier, f Filing, reg Registry, override *registration.Override) (registration.Result, error) {
	c := f.Contract
	c.ID = f.ID
	others, err := relatedSummaries(ctx, q, registration.Summarize(&c, f.Status))
	if err != nil {
		return registration.Result{}, err
	}
	cc := registration.CheckContext{Now: s.clock(), RegistryRegion: reg.RegionCode, Deadline: reg.deadlineRules(),
		Others: others, Override: override}
	if f.SubmittedAt != nil {
		cc.SubmittedAt = *f.SubmittedAt
	}
	return registration.Check(c, cc)
}

// Check re-runs the checks on a stored filing without changing it.
func (s *Service) Check(ctx context.Context, actor domain.Actor, id string) (registration.Result, error) {
	f, err := s.Get(ctx, actor, id)
	if err != nil {
		return registration.Result{}, err
	}
	reg, err := loadRegistry(ctx, s.db, f.RegistryOrgID)
	if err != nil {
		return registration.Result{}, err
	}
	return s.check(ctx, s.db, f, reg, f.Override)
}

// stepFunc changes a loaded filing for one event; it returns the reason codes
// and note for the history, or an error that rolls everything back.
type stepFunc func(tx *store.Tx, f *Filing, reg Registry, now time.Time) (codes []string, note string, err error)

// step runs one workflow event: loads the filing, checks that the event is
// allowed from its status (registration.Transitions) and that who may act, applies
// change, and writes the filing, its statistics groups (registration_stats),
// its history, the audit entry and the filer's notification in one transaction.
func (s *Service) step(ctx context.Context, actor domain.Actor, id, event string, registrarOnly bool, change stepFunc) (Filing, error) {
	op := "filing." + event
	var out Filing
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := loadFiling(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canView(actor, f) {
			return apperr.E(op, apperr.NotFound, "no such filing")
		}
		if registrarOnly && !isRegistrar(actor, f.RegistryOrgID) {
			return apperr.E(op, apperr.Forbidden, "only the registry's registrars may do this")
		}
		if !registrarOnly && !actor.MemberOf(f.FilerOrgID) {
			return apperr.E(op, apperr.Forbidden, "only the filing organisation may do this")
		}
		if registrarOnly && f.ClaimedBy != "" && f.ClaimedBy != actorRef(actor) && !actor.IsAdmin() {
			return apperr.E(op, apperr.Conflict, "another registrar has claimed this filing")
		}
		from, before := f.Status, f
		if event != "claim" {
			t, ok := registration.FindTransition(from, transitionEvent(event, from))
			if !ok {
				return apperr.E(op, apperr.Conflict, fmt.Sprintf("a filing that is %s cannot be %s", from, pastTense(event)))
			}
			f.Status = t.To
		}
		reg, err := loadRegistry(ctx, tx, f.RegistryOrgID)
		if err != nil {
			return err
		}
		now := s.clock()
		prev := f.Version
		codes, note, err := change(tx, &f, reg, now)
		if err != nil {
			return err
		}
		f.Version, f.UpdatedAt = prev+1, now
		if err := updateFiling(ctx, tx, f, summaryOf(f), prev); err != nil {
			return err
		}
		if err := applyStats(ctx, tx, before, f); err != nil {
			return err
		}
		if err := record(ctx, tx, actor, f, event, from, codes, note, now); err != nil {
			return err
		}
		if title, ok := notices[event]; ok {
			if err := s.notifyFiler(ctx, tx, actor, f, "registration."+event, title(f)); err != nil {
				return err
			}
		}
		out = f
		return nil
	})
	return out, err
}

// transitionEvent maps a service event to the event of registration.Transitions:
// submitting after a correction request is a resubmission.
func transitionEvent(event, from string) string {
	if event == "submit" && from == registration.StatusCorrectionRequested {
		return "resubmit"
	}
	return event
}

func pastTense(event string) string {
	switch event {
	case "submit":
		return "submitted"
	case "withdraw":
		return "withdrawn"
	case "request_correction":
		return "sent back for correction"
	case "refuse":
		return "refused"
	case "register":
		return "registered"
	case "amend":
		return "amended"
	case "cancel":
		return "cancelled"
	}
	return event
}

// summaryOf is the stored integrity summary of a filing's current contract.
func summaryOf(f Filing) registration.FilingSummary {
	if f.Result != nil && f.Result.Summary.ContentHash != "" {
		sum := f.Result.Summary
		sum.ID, sum.Status = f.ID, f.Status
		return sum
	}
	c := f.Contract
	c.ID = f.ID
	return registration.Summarize(&c, f.Status)
}

// notices are the filer's notifications, by event.
var notices = map[string]func(Filing) domain.Label{
	"request_correction": func(f Filing) domain.Label {
		return domain.Label{Zh: "技术合同登记需补正：" + f.Contract.Name, En: "Registration needs corrections: " + f.Contract.Name}
	},
	"refuse": func(f Filing) domain.Label {
		return domain.Label{Zh: "技术合同未予登记：" + f.Contract.Name, En: "Registration refused: " + f.Contract.Name}
	},
	"register": func(f Filing) domain.Label {
		return domain.Label{Zh: "技术合同已登记，编号 " + f.RegistrationNumber, En: "Contract registered, number " + f.RegistrationNumber}
	},
	"amend": func(f Filing) domain.Label {
		return domain.Label{Zh: "技术合同登记已变更：" + f.RegistrationNumber, En: "Registration amended: " + f.RegistrationNumber}
	},
	"cancel": func(f Filing) domain.Label {
		return domain.Label{Zh: "技术合同登记已注销：" + f.RegistrationNumber, En: "Registration cancelled: " + f.RegistrationNumber}
	},
}

// UpdateDraft replaces the contract of a draft, or of a filing sent back for
// corrections; version must be the one the filer last read.
func (s *Service) UpdateDraft(ctx context.Context, actor domain.Actor, id string, version int, c registration.Contract) (Filing, error) {
	const op = "filing.UpdateDraft"
	if err := c.Validate(); err != nil {
		return Filing{}, err
	}
	var out Filing
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := loadFiling(ctx, tx, id)
		if err != nil {
			return err
		}
		if !actor.MemberOf(f.FilerOrgID) {
			if canView(actor, f) {
				return apperr.E(op, apperr.Forbidden, "only the filing organisation may edit the filing")
			}
			return apperr.E(op, apperr.NotFound, "no such filing")
		}
		if f.Status != registration.StatusDraft && f.Status != registration.StatusCorrectionRequested {
			return apperr.E(op, apperr.Conflict, "only a draft or a filing sent back for corrections can be edited")
		}
		if f.Version != version {
			return apperr.E(op, apperr.Conflict, "the filing was changed by someone else; reload it and try again")
		}
		if err := checkRegistrant(ctx, tx, f.FilerOrgID, c); err != nil {
			return err
		}
		reg, err := loadRegistry(ctx, tx, f.RegistryOrgID)
		if err != nil {
			return err
		}
		summary, err := s.refresh(ctx, tx, &f, c, reg, f.Override)
		if err != nil {
			return err
		}
		now := s.clock()
		f.Version, f.UpdatedAt = version+1, now
		if err := updateFiling(ctx, tx, f, summary, version); err != nil {
			return err
		}
		out = f
		return record(ctx, tx, actor, f, "edit", f.Status, nil, "", now)
	})
	return out, err
}

// Submit files a draft, or refiles a corrected filing: the registrar's clock
// (re)starts now. A filing whose check still has blockers is not accepted; the
// error names each blocker so the filer can fix it first.
func (s *Service) Submit(ctx context.Context, actor domain.Actor, id string) (Filing, error) {
	return s.step(ctx, actor, id, "submit", false, func(tx *store.Tx, f *Filing, reg Registry, now time.Time) ([]string, string, error) {
		f.SubmittedAt, f.ClaimedBy = &now, ""
		if _, err := s.refresh(ctx, tx, f, f.Contract, reg, f.Override); err != nil {
			return nil, "", err
		}
		if err := blockersError("filing.submit", f.Result); err != nil {
			return nil, "", err
		}
		if f.Result.Deadline != nil {
			f.DeadlineDue = f.Result.Deadline.Due
		}
		return nil, "", nil
	})
}

// blockersError turns the blockers of a check into field errors.
func blockersError(op string, res *registration.Result) error {
	var fields []apperr.FieldError
	for _, fd := range res.Findings {
		if fd.Severity != registration.Blocker {
			continue
		}
		field := fd.Field
		if field == "" {
			field = "contract"
		}
		fields = append(fields, apperr.Field(field, fd.Code, fd.Message, fd.MessageZh))
	}
	if len(fields) == 0 {
		return nil
	}
	return apperr.Fields(op, fields...)
}

// Withdraw takes a filing back before a decision.
func (s *Service) Withdraw(ctx context.Context, actor domain.Actor, id string) (Filing, error) {
	return s.step(ctx, actor, id, "withdraw", false, func(*store.Tx, *Filing, Registry, time.Time) ([]string, string, error) {
		return nil, "", nil
	})
}

// Claim marks a submitted filing as handled by the acting registrar; other
// registrars then cannot decide it.
func (s *Service) Claim(ctx context.Context, actor domain.Actor, id string) (Filing, error) {
	return s.step(ctx, actor, id, "claim", true, func(_ *store.Tx, f *Filing, _ Registry, _ time.Time) ([]string, string, error) {
		if f.Status != registration.StatusSubmitted {
			return nil, "", apperr.E("filing.claim", apperr.Conflict, "only a submitted filing can be claimed")
		}
		f.ClaimedBy = actorRef(actor)
		return nil, "", nil
	})
}

// RequestCorrection sends a submitted filing back to the filer; the clock
// stops until the filer resubmits, when it restarts.
func (s *Service) RequestCorrection(ctx context.Context, actor domain.Actor, id, reason string) (Filing, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Filing{}, apperr.Fields("filing.request_correction", apperr.Field("reason", "required", "say what must be corrected", "请说明需补正的内容"))
	}
	return s.step(ctx, actor, id, "request_correction", true, func(_ *store.Tx, f *Filing, _ Registry, _ time.Time) ([]string, string, error) {
		f.DeadlineDue = ""
		return nil, reason, nil
	})
}

// Refuse decides not to register (未予登记), with at least one coded reason
// from RefusalReasons; OTHER needs a note.
func (s *Service) Refuse(ctx context.Context, actor domain.Actor, id string, codes []string, note string) (Filing, error) {
	const op = "filing.refuse"
	note = strings.TrimSpace(note)
	var fl apperr.FieldList
	if len(codes) == 0 {
		fl.Add("codes", "required", "give at least one refusal reason", "请至少选择一项未予登记理由")
	}
	for i, c := range codes {
		if !RefusalReasons.Has(c) {
			fl.Add(fmt.Sprintf("codes[%d]", i), "unknown_code", "not a refusal reason: "+c, "不是未予登记理由代码："+c)
		}
	}
	if slices.Contains(codes, RefuseOther) && note == "" {
		fl.Add("note", "required", "explain the reason OTHER", "选择“其他”时须说明理由")
	}
	if err := fl.Err(op); err != nil {
		return Filing{}, err
	}
	return s.step(ctx, actor, id, "refuse", true, func(*store.Tx, *Filing, Registry, time.Time) ([]string, string, error) {
		return codes, note, nil
	})
}

// Register registers a submitted filing: the check is re-run (other filings
// may have been registered meanwhile) and must have no blockers; a registrar's
// override of the technology amount is kept beside the computed one; the next
// registration number of the registry and year is taken in the same
// transaction.
func (s *Service) Register(ctx context.Context, actor domain.Actor, id string, override *OverrideInput) (Filing, error) {
	return s.step(ctx, actor, id, "register", true, func(tx *store.Tx, f *Filing, reg Registry, now time.Time) ([]string, string, error) {
		var ov *registration.Override
		if override != nil {
			ov = &registration.Override{AmountFen: override.AmountFen, Reason: strings.TrimSpace(override.Reason), By: actorRef(actor), At: now}
			if err := ov.Validate(f.Contract.AmountFen); err != nil {
				return nil, "", err
			}
		}
		if _, err := s.refresh(ctx, tx, f, f.Contract, reg, ov); err != nil {
			return nil, "", err
		}
		if err := blockersError("filing.register", f.Result); err != nil {
			return nil, "", apperr.E("filing.register", apperr.Conflict,
				"the filing has blockers now ("+strings.Join(blockerCodes(f.Result), ", ")+"): ask for corrections or refuse it")
		}
		number, err := allocateNumber(ctx, tx, reg, now)
		if err != nil {
			return nil, "", err
		}
		f.RegistrationNumber, f.RegisteredAt, f.ClaimedBy = number, &now, actorRef(actor)
		note := ""
		if ov != nil {
			note = ov.Reason
		}
		return nil, note, nil
	})
}

func blockerCodes(res *registration.Result) []string {
	var out []string
	for _, f := range res.Findings {
		if f.Severity == registration.Blocker {
			out = append(out, f.Code)
		}
	}
	return out
}

// Amend records a change to a registered contract (变更登记): the registrar
// replaces the contract, the checks are re-run (an override that no longer fits
// the amount is dropped and must be given again), the number stays.
func (s *Service) Amend(ctx context.Context, actor domain.Actor, id string, c registration.Contract, reason string, override *OverrideInput) (Filing, error) {
	const op = "filing.amend"
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Filing{}, apperr.Fields(op, apperr.Field("reason", "required", "say what changed and why", "请说明变更内容和原因"))
	}
	if err := c.Validate(); err != nil {
		return Filing{}, err
	}
	return s.step(ctx, actor, id, "amend", true, func(tx *store.Tx, f *Filing, reg Registry, now time.Time) ([]string, string, error) {
		var ov *registration.Override
		if override != nil {
			ov = &registration.Override{AmountFen: override.AmountFen, Reason: strings.TrimSpace(override.Reason), By: actorRef(actor), At: now}
			if err := ov.Validate(c.AmountFen); err != nil {
				return nil, "", err
			}
		}
		if _, err := s.refresh(ctx, tx, f, c, reg, ov); err != nil {
			return nil, "", err
		}
		if err := blockersError(op, f.Result); err != nil {
			return nil, "", err
		}
		return nil, reason, nil
	})
}

// Cancel cancels a registration (注销) after the contract was terminated or
// revoked; the number is not reused.
func (s *Service) Cancel(ctx context.Context, actor domain.Actor, id, reason string) (Filing, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Filing{}, apperr.Fields("filing.cancel", apperr.Field("reason", "required", "say why the registration is cancelled", "请说明注销原因"))
	}
	return s.step(ctx, actor, id, "cancel", true, func(*store.Tx, *Filing, Registry, time.Time) ([]string, string, error) {
		return nil, reason, nil
	})
}
